"""The HTML exam book: one self-contained page (inline CSS, inline script allowed by hash, inline SVG).

Rendering is deterministic — the same session file gives the same bytes — so a report can be rebuilt
and compared at any time. Nothing in the page loads from the network (CSP ``default-src 'none'``).
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from testbench import __version__, fmt
from testbench.domain.glossary import Term, terms_in
from testbench.domain.verdict import VERDICT_ORDER, Verdict
from testbench.i18n import colon, semicolon, tn, translator
from testbench.report import assets, svg
from testbench.report.content import ReportContent
from testbench.report.cover import cover_fields
from testbench.report.coverage_page import CoverageWords
from testbench.report.glossary import ANCHOR, CODE_ANCHOR, PATTERN_ANCHOR, PATTERN_TEXT, case_texts, linker
from testbench.report.labels import (
    NOT_RECORDED,
    attempt_label,
    case_label,
    clock_text,
    command_line,
    verdict_label,
)
from testbench.report.section import TEXTS_LANG, CaseSection, foreign_lang


@jinja2.pass_context
def _finalize(context: jinja2.runtime.Context, value: object) -> object:
    """What every ``{{ … }}`` prints: text with bidirectional controls as markers (Markup is ours, already
    safe), and never a raw Python value (``None``, ``True``, a dict or list repr)."""
    if type(value) is str:
        return fmt.visible_controls(value)
    if value is None or isinstance(value, bool | dict | list | tuple):
        return fmt.visible_controls(fmt.value(value, context["lang"]))
    return value


def _fingerprint() -> str:
    """What shapes a template's compiled code besides its source: Jinja's version and the environment this
    module configures (its digest: a change here compiles again)."""
    try:
        own = Path(__file__).read_bytes()
    except OSError:  # a packaging that keeps no source: the version stands for it
        own = __version__.encode()
    return hashlib.sha256(jinja2.__version__.encode() + b"\0" + own).hexdigest()[:16]


class CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """The page's templates compiled once per installation rather than at every report (about 35 ms of
    CPU, half the page's): Jinja keeps each template's code with its source's checksum, here in the user's
    own cache folder (trusted as Python trusts its ``__pycache__``), under a name that carries
    :func:`_fingerprint`. A cache that cannot be read or written — a read-only or full disk, a damaged
    file — only costs the compile: the page is the same."""

    def __init__(self, folder: Path | None = None) -> None:
        super().__init__(str(folder or ""), f"page-{_fingerprint()}-%s.cache")

    def _get_cache_filename(self, bucket: jinja2.bccache.Bucket) -> str:
        if not self.directory:  # found at first use: a report that renders no template never looks it up
            from testbench.paths import user_cache_dir

            self.directory = str(user_cache_dir() / "templates")
        return super()._get_cache_filename(bucket)

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # unreadable or damaged (a truncated file fails to unpickle in many ways): compiled again
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            os.makedirs(os.path.dirname(self._get_cache_filename(bucket)), exist_ok=True)
            super().dump_bytecode(bucket)  # a temporary file renamed into place: readers see all or nothing
        except OSError:
            pass  # not kept: the next report compiles again


_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("testbench.report", "templates"),
    bytecode_cache=CompiledTemplates(),
    autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    finalize=_finalize,
)

#: what the cover says was redacted, per kind of ``testbench.traces.redact``
REDACTION_LABELS = {
    "pin": "codes PIN",
    "secret": "secrets",
    "nir": "NIR",
    "nir?": "NIR probables",
    "name": "noms",
    "birth_date": "dates de naissance",
    "finess": "FINESS",
    "rpps": "RPPS",
    "adeli": "ADELI",
    "id_ps": "numéros de PS",
    "base64": "blocs base64",
}

#: where the page's template prints the case sections; :meth:`HtmlBook.page` cuts the page there
_SECTIONS = "<!--testbench:sections-->"


class HtmlBook:
    """The page in two parts: each case's section, rendered as the case is gathered (:meth:`section`), and
    the page around the sections, rendered once every case is known (:meth:`page`: the cover counts what the
    cases redacted, the index lists them all). ``for_print`` names evidence files without linking them (a
    PDF would otherwise carry the absolute path of the folder it was printed from); ``signer`` the fingerprint of
    the key that signs the report (a review signed with it is said to be the editor's own)."""

    def __init__(
        self,
        lang: str = "fr",
        *,
        for_print: bool = False,
        signer: str | None = None,
        casebook_langs: Mapping[str, str] | None = None,
    ) -> None:
        self.lang = lang
        langs = casebook_langs or {}

        def theirs(text: object, casebook: str | None = None) -> object:
            """A casebook's text (``casebook``: its SHA-256) or an exam plan's (None), in a ``<span lang>`` when its
            language is not the book's: a screen reader reads a French title in French in an English book."""
            said = foreign_lang(langs.get(casebook or "", TEXTS_LANG), lang)
            if not said or not text or type(text) is not str:
                return text
            return Markup('<span lang="{}">{}</span>').format(said, fmt.visible_controls(text))

        self.terms: dict[str, Term] = {}  # the glossary terms the sections link to, in first-use order
        self._searched: set[str] = set()  # the texts whose terms are in ``terms``
        t = translator(lang)

        def vl(verdict: str) -> str:
            return t(verdict_label(verdict))

        def attempt_word(verdict: str) -> str:  # an attempt without a verdict was cut: « interrompue »
            return t(attempt_label(verdict))

        def nr(value: object) -> object:
            return t(NOT_RECORDED) if value == NOT_RECORDED else value

        def domain(code: str) -> str:
            return fmt.label(fmt.DOMAIN_LABELS, code, lang)

        self.t, self.vl, self.attempt_word, self.domain = t, vl, attempt_word, domain
        self._common: dict[str, Any] = {
            "t": t,
            "tn": functools.partial(tn, lang=lang),
            "lang": lang,
            "colon": colon(lang),
            "semicolon": semicolon(lang),
            "vl": vl,
            "case_word": lambda case: t(case_label(case)),  # a case cut before its verdict: « interrompue »
            "nr": nr,
            "domain": domain,  # codes and recorded times in words (report.json keeps them as recorded)
            "mode": lambda code: fmt.label(fmt.MODE_LABELS, code, lang),
            "ps_category": lambda code: fmt.label(fmt.PS_CATEGORY_LABELS, code, lang),
            "when": lambda text: fmt.timestamp(text, lang),
            "day": lambda text: fmt.day(text, lang),
            "for_print": for_print,
            "command": command_line,  # a run's command line as typed: an argument with a space stays one

            "redaction_label": lambda kind: t(REDACTION_LABELS.get(kind, kind)),
            "linked": linker(lang),  # glossary terms of objectives and steps, linked to the glossary section
            "theirs": theirs,
        }
        self._case = CaseSection(
            lang, for_print, t, vl, self._common["linked"], fmt.STEP_STATUS_LABELS, signer, casebook_langs=langs
        )

    def section(self, case: dict[str, Any]) -> str:
        """One case's section (its full content, as :func:`~testbench.report.cases.gather_case` made it)."""
        texts = [text for text in case_texts(case) if text not in self._searched]  # each text searched once
        if len(self._searched) > 4096:  # bounded: a campaign of unique objectives searches them again
            self._searched.clear()
        self._searched.update(texts)
        for term in terms_in(texts):
            self.terms.setdefault(term.key, term)
        return _first_definitions(self._case(case))

    @staticmethod
    def _known(values: Iterable[str], french: Callable[[str], str], vl: Callable[[str], str]) -> dict[str, list[str]]:
        """What a filter link may name, for the page's script: each value by itself, its French and its English
        words (folded as the script folds them), to the value and its words in the book's language. A link with
        another name is ignored, and said to be (« échec » is the fail filter, never an empty one of its own)."""
        english = translator("en")
        return {
            _fold(name): [str(value), vl(str(value))]
            for value in values
            for name in (str(value), french(value), english(french(value)))
        }

    def page(self, data: dict[str, Any]) -> tuple[str, str]:
        """The page before and after the sections; ``data`` is the report's content, its cases as
        :func:`~testbench.report.content.row` keeps them or in full."""
        t, lang = self.t, self.lang
        counted = data["summary"]["verdicts"]
        present = [v for v in VERDICT_ORDER if v in counted["recorded"] or v in counted["retained"]]
        # the filter offers what matches a case: each verdict retained, and each recorded one a review changed
        changed = {c["verdict"] for c in data["cases"] if c["verdict"] != (c.get("retained_verdict") or c["verdict"])}
        html = _ENV.get_template("report.html.j2").render(
            self._common,
            r=data,
            title=book_title(data, lang),
            sections=Markup(_SECTIONS),
            verdicts=present,
            retained_verdicts=[v for v in VERDICT_ORDER if v in counted["retained"]],
            recorded_verdicts=[v for v in VERDICT_ORDER if v in changed],
            css=assets.CSS,
            js=assets.JS,
            csp=assets.CSP,
            bars=svg.stacked_bars(
                {self.domain(d): counts for d, counts in data["summary"]["by_domain"].items()},
                self.vl,
                t("Verdicts par domaine"),
                lang,
            ),
            timeline=svg.timeline(data["cases"], self.attempt_word, t("Déroulement de la campagne"), clock_text, lang),
            cov=CoverageWords(data, t, lang),
            # the cover's lines as words, as the workstation's overview lists them (a casebook's line: r.cover's)
            cover_lines={line.key: line for line in cover_fields(data["cover"], lang)},
            glossary=list(self.terms.values()),
            glossary_anchor=ANCHOR,
            # the refusal codes the sections showed, and patterns when a section explained a trace expectation
            codes=sorted(self._case.codes.values(), key=lambda code: code.code),
            code_anchor=CODE_ANCHOR,
            patterns=self._case.patterns,
            tariff_cases=self._case.tariff_cases,  # the cases priced with a tariff the engine does not vouch for
            known_verdicts=self._known(Verdict, lambda v: Verdict(v).label_fr, vl=self.vl),
            known_domains=self._known(fmt.DOMAIN_LABELS, lambda code: fmt.DOMAIN_LABELS[code], vl=self.domain),
            pattern_anchor=PATTERN_ANCHOR,
            pattern_text=t(PATTERN_TEXT),
        )
        head, mark, tail = html.partition(_SECTIONS)
        assert mark and _SECTIONS not in tail, "the page's template prints the sections once"
        return head, tail


#: a glossary or refusal code's link with its definition as title (glossary.linker, section.CaseSection)
_TERM_TITLE = re.compile(r'(<a class="term" href="([^"]*)") title="[^"]*"')


def _first_definitions(section: str) -> str:
    """A case's section with each term's definition as title on its first link only: a campaign's cases repeat
    the same terms (11,600 links in 754 cases, a quarter of the page), and every link still leads to the glossary."""
    seen: set[str] = set()

    def once(found: re.Match[str]) -> str:
        if found[2] in seen:
            return found[1]
        seen.add(found[2])
        return found[0]

    return _TERM_TITLE.sub(once, section)


#: a book of more casebooks than this names the first in its title (« PLAN-1 et 17 autres cahiers »): the title
#: heads the page and is the PDF's Title; the cover lists them all
TITLE_PLANS = 3


def book_title(data: dict[str, Any], lang: str) -> str:
    """The book's title as its page and PDF show it: its plans, the first one only beyond :data:`TITLE_PLANS`."""
    plans = [cb["plan_id"] for cb in data["cover"]["casebooks"]]
    if len(plans) <= TITLE_PLANS:
        return str(data["title"])
    others = len(plans) - 1
    return tn("{first} et {count} autre cahier", "{first} et {count} autres cahiers", others, lang, first=plans[0])


def casebook_languages(casebooks: Iterable[Any]) -> dict[str, str]:
    """Each recorded casebook's language (SHA-256 → its ``xml:lang``): French for one recorded without it."""
    return {cb.sha256: str(cb.identity.get("lang") or TEXTS_LANG) for cb in casebooks}


def _fold(text: str) -> str:
    """``text`` as the page's script compares filter names: without accents, in lower case."""
    return "".join(c for c in unicodedata.normalize("NFD", text) if not "\u0300" <= c <= "\u036f").lower().strip()


def render_html(content: ReportContent, lang: str = "fr", *, for_print: bool = False) -> str:
    """The whole page at once, from content gathered in full (the build writes it section by section)."""
    signer = content.data.get("signer") or {}
    book = HtmlBook(lang, for_print=for_print, signer=signer.get("fingerprint"))
    sections = "".join(book.section(case) for case in content.data["cases"])
    head, tail = book.page(content.data)
    return head + sections + tail


def write_report(session_path: Path, out_dir: Path, lang: str = "fr", **options: object) -> Path:
    """Build the report folder of ``session_path`` into ``out_dir``; return the HTML file's path.

    Kept for callers of the first version (``testbench run --report``); see :mod:`testbench.report.build`.
    """
    from testbench.report.build import BuildOptions, build_report

    return build_report(session_path, out_dir, BuildOptions(lang=lang, **options)).html  # type: ignore[arg-type]
