"""The HTML exam book: one self-contained page (inline CSS, inline script allowed by hash, inline SVG).

Rendering is deterministic — the same session file gives the same bytes — so a report can be rebuilt
and compared at any time. Nothing in the page loads from the network (CSP ``default-src 'none'``).
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from testbench import fmt
from testbench.domain.glossary import Term, terms_in
from testbench.domain.verdict import VERDICT_ORDER
from testbench.i18n import colon, semicolon, translator
from testbench.report import assets, svg
from testbench.report.attachments import attachment_name
from testbench.report.content import ReportContent
from testbench.report.coverage_page import CoverageWords
from testbench.report.glossary import ANCHOR, case_texts, linker
from testbench.report.labels import NOT_RECORDED, clock_text, final_label, verdict_label
from testbench.store.annotations import ACTION_FR


@jinja2.pass_context
def _finalize(context: jinja2.runtime.Context, value: object) -> object:
    """What every ``{{ … }}`` prints: text with bidirectional controls as markers (Markup is ours, already
    safe), and never a raw Python value (``None``, ``True``, a dict or list repr)."""
    if type(value) is str:
        return fmt.visible_controls(value)
    if value is None or isinstance(value, bool | dict | list | tuple):
        return fmt.visible_controls(fmt.value(value, context["lang"]))
    return value


_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("testbench.report", "templates"),
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

STEP_STATUS = {
    "not-run": "non exécutée",
    "started": "commencée",  # begun, never ended (the process was killed meanwhile)
    "done": "faite",
    "refused": "refusée",
    "failed": "en défaut",
    "pending": "en attente de l'opérateur",
    "confirmed": "confirmée",
    "rejected": "rejetée",
}


_PACKED = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _packed(text: str) -> str:
    """A field of :func:`render_html`'s ``trace_data``: its separators (and the backslash) escaped."""
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:  # rare: four scans cost less than a translate
        return text.translate(_PACKED)
    return text


#: where the page's template prints the case sections; :meth:`HtmlBook.page` cuts the page there
_SECTIONS = "<!--testbench:sections-->"


class HtmlBook:
    """The page in two parts: each case's section, rendered as the case is gathered (:meth:`section`), and
    the page around the sections, rendered once every case is known (:meth:`page`: the cover counts what the
    cases redacted, the index lists them all). ``for_print`` names evidence files without linking them (a
    PDF would otherwise carry the absolute path of the folder it was printed from)."""

    def __init__(self, lang: str = "fr", *, for_print: bool = False) -> None:
        self.lang = lang
        self.terms: dict[str, Term] = {}  # the glossary terms the sections link to, in first-use order
        t = translator(lang)

        def vl(verdict: str) -> str:
            return t(verdict_label(verdict))

        def nr(value: object) -> object:
            return t(NOT_RECORDED) if value == NOT_RECORDED else value

        gap_text = escape(t("lignes dans le fichier de trace complet"))
        shown = fmt.visible_controls

        def trace_rows(excerpt: list[dict[str, Any]]) -> Markup:
            """The excerpt's rows, escaped here in one pass: it is most of the page at campaign scale."""
            rows = []
            for line in excerpt:
                if "gap" in line:
                    rows.append(f'<tr><td colspan="4" class="gap">… {int(line["gap"])} {gap_text} …</td></tr>\n')
                else:
                    ch = escape(shown(line["channel"]))
                    rows.append(
                        f'<tr class="ch-{ch}"><td>{escape(line["time"])}</td><td>{ch}</td>'
                        f"<td>{escape(shown(line['step']))}</td><td>{escape(shown(line['text']))}</td></tr>\n"
                    )
            return Markup("".join(rows))

        def trace_data(excerpt: list[dict[str, Any]]) -> str:
            """The excerpt of a case shown on demand, compactly, for a data attribute the page's script turns
            into rows when the case is opened: a row per line, fields split by tabs (a gap is its count alone)."""
            p = _packed
            rows = [
                str(int(line["gap"]))
                if "gap" in line
                else f"{p(line['time'])}\t{p(line['channel'])}\t{p(line['step'])}\t{p(line['text'])}"
                for line in excerpt
            ]
            return shown("\n".join(rows))  # once for the whole excerpt: it marks controls, never a separator

        self.t, self.vl = t, vl
        self._common: dict[str, Any] = {
            "t": t,
            "lang": lang,
            "colon": colon(lang),
            "semicolon": semicolon(lang),
            "vl": vl,
            "nr": nr,
            "trace_rows": trace_rows,
            "trace_data": trace_data,
            "attachment": attachment_name,
            "for_print": for_print,
            "step_status": STEP_STATUS,
            "action_label": ACTION_FR,
            "redaction_label": lambda kind: t(REDACTION_LABELS.get(kind, kind)),
            "dur": lambda ms: fmt.duration_ms(ms, lang),
            "label": lambda case: final_label(case["attempts"], lang),
            "linked": linker(lang),  # glossary terms of objectives and steps, linked to the glossary section
        }
        self._case = _ENV.get_template("case.html.j2")

    def section(self, case: dict[str, Any]) -> str:
        """One case's section (its full content, as :func:`~testbench.report.cases.gather_case` made it)."""
        for term in terms_in(case_texts(case)):
            self.terms.setdefault(term.key, term)
        return self._case.render(self._common, case=case) + "\n"  # Jinja drops a template's last newline

    def page(self, data: dict[str, Any]) -> tuple[str, str]:
        """The page before and after the sections; ``data`` is the report's content, its cases as
        :func:`~testbench.report.content.row` keeps them or in full."""
        t, lang = self.t, self.lang
        counted = data["summary"]["verdicts"]
        present = [v for v in VERDICT_ORDER if v in counted["recorded"] or v in counted["retained"]]
        html = _ENV.get_template("report.html.j2").render(
            self._common,
            r=data,
            sections=Markup(_SECTIONS),
            verdicts=present,
            css=assets.CSS,
            js=assets.JS,
            csp=assets.CSP,
            bars=svg.stacked_bars(data["summary"]["by_domain"], self.vl, t("Verdicts par domaine"), lang),
            timeline=svg.timeline(data["cases"], self.vl, t("Déroulement de la campagne"), clock_text, lang),
            cov=CoverageWords(data, t, lang),
            glossary=list(self.terms.values()),
            glossary_anchor=ANCHOR,
        )
        head, mark, tail = html.partition(_SECTIONS)
        assert mark and _SECTIONS not in tail, "the page's template prints the sections once"
        return head, tail


def render_html(content: ReportContent, lang: str = "fr", *, for_print: bool = False) -> str:
    """The whole page at once, from content gathered in full (the build writes it section by section)."""
    book = HtmlBook(lang, for_print=for_print)
    sections = "".join(book.section(case) for case in content.data["cases"])
    head, tail = book.page(content.data)
    return head + sections + tail


def write_report(session_path: Path, out_dir: Path, lang: str = "fr", **options: object) -> Path:
    """Build the report folder of ``session_path`` into ``out_dir``; return the HTML file's path.

    Kept for callers of the first version (``testbench run --report``); see :mod:`testbench.report.build`.
    """
    from testbench.report.build import BuildOptions, build_report

    return build_report(session_path, out_dir, BuildOptions(lang=lang, **options)).html  # type: ignore[arg-type]
