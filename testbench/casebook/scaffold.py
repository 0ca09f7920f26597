"""``testbench new case``: a case written from a template per domain, into a casebook that still validates.

Templates are ``templates/<domain>-<mode>.xml``: a ``<case>`` with French instructions in comments and
``{{name}}`` placeholders for the case id and the fixtures it uses. The fixtures are taken from the
target casebook (the CPS its cases use most, a patient carried by a Vitale card, a patient without
card…), so the new case refers only to what the casebook declares. The case is inserted as text
before ``</cases>``: the rest of the file keeps its bytes, comments and layout. Nothing is written
unless the result validates (checked on a temporary file beside the target, then renamed over it).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import stat
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from xml.sax.saxutils import escape

from lxml import etree

from testbench.casebook.errors import Problem
from testbench.casebook.loader import check_casebook
from testbench.casebook.model import CardFixture, Casebook, Domain, Mode, StepKind
from testbench.casebook.vocabulary import DOMAINS, MODE_SPELLINGS, NAMESPACE
from testbench.i18n import translator
from testbench.paths import CARD_PROFILES_DIR
from testbench.wholefile import replace_over
from testbench.xmlsafe import parse_file

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
#: The skeleton of a new casebook (``-o``): its fixtures are the values a printed case uses too.
NEW_CASEBOOK = TEMPLATES_DIR / "new-casebook.xml"
NEW_CASEBOOK_VALUES = {
    "cps": "cps-psad",
    "vitale": "vitale-std",
    "patient-card": "p-std",
    "rank": "1",
    "patient": "p-sans-carte",
    "date": "2026-01-12",
}
_PLACEHOLDER = re.compile(r"\{\{([a-z-]+)\}\}")
_CASE_LINE = re.compile(r"^([ \t]*)<(?:[A-Za-z_][\w.-]*:)?case[\s>]", re.MULTILINE)
_CASES_END = re.compile(r"</(?:[A-Za-z_][\w.-]*:)?cases\s*>")
#: A template's own <case> start tag (its first element, after the comments)
_CASE_TAG = re.compile(r"<case(?=[\s>])")
_PROFILE_REF = re.compile(r'profile="cards/([^"]+)"')
_NO_DOMAIN = "aucun modèle pour le domaine « {domain} » ; modèles : {available}"
_NO_MODE = "aucun modèle {domain} en mode {mode} ; modèles : {available}"


class ScaffoldError(Exception):
    """A case cannot be written: the French message and its English (``text(lang)``)."""

    def __init__(self, template: str, **fields: object) -> None:
        self.template, self.fields = template, fields
        super().__init__(self.text("fr"))

    def text(self, lang: str | None = None) -> str:
        return translator(lang)(self.template).format(**self.fields)


@dataclass(frozen=True)
class Template:
    domain: Domain
    mode: Mode
    path: Path

    @property
    def name(self) -> str:
        return f"{self.domain.value} {self.mode.value}"

    def placeholders(self) -> set[str]:
        return set(_PLACEHOLDER.findall(self.path.read_text(encoding="utf-8")))


def templates() -> tuple[Template, ...]:
    """Every template shipped, by domain then mode (a file ``<domain>-<mode>.xml``)."""
    found = []
    for path in sorted(TEMPLATES_DIR.glob("*.xml")):
        for domain in DOMAINS.values():
            rest = path.stem.removeprefix(f"{domain.value}-")
            if rest != path.stem and rest in {mode.value for mode in Mode}:
                found.append(Template(domain, Mode(rest), path))
    return tuple(found)


def find_template(domain: str, mode: str | None) -> Template:
    """The template of ``domain`` (and ``mode``, any accepted spelling; optional when the domain has one)."""
    available = ", ".join(t.name for t in templates())
    of_domain = [t for t in templates() if t.domain.value == domain]
    wanted = MODE_SPELLINGS.get(mode) if mode is not None else None
    if mode is not None and wanted is None:
        raise ScaffoldError("mode inconnu « {mode} » ; modèles : {available}", mode=mode, available=available)
    matching = [t for t in of_domain if wanted is None or t.mode is wanted]
    if len(matching) == 1:
        return matching[0]
    if not of_domain:
        raise ScaffoldError(_NO_DOMAIN, domain=domain, available=available)
    if not matching:
        raise ScaffoldError(_NO_MODE, domain=domain, mode=wanted, available=available)
    modes = ", ".join(t.mode.value for t in matching)
    raise ScaffoldError("précisez --mode pour le domaine {domain} : {modes}", domain=domain, modes=modes)


def render(template: Template, case_id: str, values: dict[str, str]) -> str:
    """The template's text with its placeholders filled (``values`` must hold each one it uses).

    The case id is what a person typed: escaped, so a bad one is the loader's placed problem, not broken XML.
    """
    filled = {**values, "id": escape(case_id, {'"': "&quot;"})}
    return _PLACEHOLDER.sub(lambda m: filled[m.group(1)], template.path.read_text(encoding="utf-8"))


# -- the fixtures a new case uses -------------------------------------------------------------------


def _kind(profile: Path) -> str:
    """The ``kind`` of a card profile (``cps3``, ``vitale2``…), "" when it cannot be read."""
    try:
        return parse_file(profile).getroot().get("kind", "")
    except (OSError, etree.XMLSyntaxError):
        return ""


def _by_use(casebook: Casebook, slot: str, prefix: str) -> list[str]:
    """Card fixtures for ``slot``: those the cases put there, most used first, then any of that kind."""
    used = Counter(req.card for case in casebook.cases for req in case.cards if req.slot == slot)
    ranked = [card for card, _count in used.most_common() if card in casebook.fixtures.cards]
    ranked += [
        card
        for card, fixture in casebook.fixtures.cards.items()
        if card not in ranked and _kind(fixture.profile).startswith(prefix)
    ]
    return ranked


def fixture_values(casebook: Casebook, patient: str | None = None) -> dict[str, str]:
    """Placeholder values from a casebook's fixtures (``patient`` chosen by the person, else found).

    Only the values the casebook can give are present; :func:`missing` says which a template lacks.
    """
    fixtures = casebook.fixtures
    values: dict[str, str] = {"date": _care_date(casebook)}
    cps = _by_use(casebook, "cps", "cps")
    if cps:
        values["cps"] = cps[0]
    vitales = _by_use(casebook, "vitale", "vitale")
    carried = [p for p in fixtures.patients.values() if p.card in vitales]
    carried.sort(key=lambda p: vitales.index(p.card or ""))
    without = [p for p in fixtures.patients.values() if p.card is None and "nir" in p.rights]
    if patient is not None:
        chosen = fixtures.patients.get(patient)
        if chosen is None:
            raise ScaffoldError("patient « {patient} » absent des fixtures du cahier", patient=patient)
        carried, without = ([chosen], []) if chosen.card else ([], [chosen])
    if carried:
        values.update({"patient-card": carried[0].id, "vitale": carried[0].card or "", "rank": str(carried[0].rank)})
    if without:
        values["patient"] = without[0].id
    return values


def _care_date(casebook: Casebook) -> str:
    """The date of care its cases use most (their cards' rights and tariffs hold then), else its effective date."""
    dates = Counter(
        str(step.params["care-date"])
        for case in casebook.cases
        for step in case.steps
        if step.kind is StepKind.ACTION and "care-date" in step.params
    )
    if not dates:
        return casebook.identity.effective_date.isoformat()
    return max(dates, key=lambda day: (dates[day], day))


_WHAT = {
    "cps": "une carte CPS (<card> dont le profil est une CPS)",
    "vitale": "une carte Vitale portant un patient",
    "patient-card": "un patient porté par une carte Vitale (<patient card=…>)",
    "rank": "un patient porté par une carte Vitale (<patient card=…>)",
    "patient": 'un patient sans carte avec ses droits (<patient> et <right name="nir" …/>)',
}


def missing(template: Template, values: dict[str, str]) -> list[str]:
    """What the casebook must declare before this template can be used (French; English by translator)."""
    needed = template.placeholders() - {"id"} - values.keys()
    return sorted({_WHAT[name] for name in needed})


# -- text of the files -----------------------------------------------------------------------------


def _indented(block: str, indent: str, newline: str) -> str:
    lines = block.strip("\n").split("\n")
    return "".join((indent + line if line.strip() else "") + newline for line in lines)


def insert_case(text: str, case_xml: str) -> str:
    """``text`` (a casebook) with ``case_xml`` inserted before ``</cases>``, indented as its cases are."""
    end = _cases_end(text)
    if end is None:
        raise ScaffoldError("pas de </cases> dans le cahier : le cas ne peut pas y être ajouté")
    if text.startswith("</", end) and ":" in text[end : text.find(">", end)]:  # </tb:cases>: no default namespace
        case_xml = _CASE_TAG.sub(f'<case xmlns="{NAMESPACE}"', case_xml, count=1)
    line_start = text.rfind("\n", 0, end) + 1
    closing_indent = text[line_start:end]
    if closing_indent.strip():  # </cases> follows something on its line: insert right before it
        line_start, closing_indent = end, ""
    existing = _CASE_LINE.search(text)
    indent = existing.group(1) if existing else closing_indent + "  "
    newline = "\r\n" if "\r\n" in text else "\n"
    before = text[:line_start]
    blank = "" if before.endswith(newline * 2) else newline  # one blank line before the case, as between cases
    return before + blank + _indented(case_xml, indent, newline) + text[line_start:]


def _cases_end(text: str) -> int | None:
    """Where the casebook's own ``</cases>`` starts in ``text``, as the parser finds it: not one in a comment
    or in a CDATA section. A file the parser cannot read falls back to the last one written (refused later)."""
    import pyexpat

    data = text.encode("utf-8")
    parser = pyexpat.ParserCreate()
    depth, found = 0, -1

    def start(_name: str, _attrs: dict[str, str]) -> None:
        nonlocal depth
        depth += 1

    def end(name: str) -> None:
        nonlocal depth, found
        if depth == 2 and name.rpartition(":")[2] == "cases":
            found = parser.CurrentByteIndex
        depth -= 1

    def doctype(*_args: object) -> None:
        raise ValueError("DOCTYPE")  # refused in a casebook: its entities are never expanded here either

    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.StartDoctypeDeclHandler = doctype
    try:
        parser.Parse(data, True)
    except (pyexpat.ExpatError, ValueError):
        ends = list(_CASES_END.finditer(text))
        return ends[-1].start() if ends else None
    return len(data[:found].decode("utf-8")) if found >= 0 else None


def new_casebook(case_xml: str) -> str:
    """A new casebook holding ``case_xml`` (the skeleton's fixtures)."""
    return insert_case(NEW_CASEBOOK.read_text(encoding="utf-8"), case_xml)


def card_profiles(text: str) -> list[str]:
    """The file names of the bundled card profiles a new casebook names (``cards/…``)."""
    return _PROFILE_REF.findall(text)


#: the card profiles' own check (testbench.cards.profile_check, a layer above): what the caller passes
ProfileCheck = Callable[[Iterable[CardFixture]], list[Problem]]


def write_new_casebook(target: Path, text: str, profile_problems: ProfileCheck) -> tuple[list[Problem], list[str]]:
    """Write the new casebook ``text`` at ``target`` with the bundled card profiles it names that are missing.

    The profiles must be beside the casebook for its check, so they are copied first, each one whole
    (a temporary file renamed), and removed again when the casebook is refused or cannot be written:
    a refusal or a full disk leaves the folder as it was. Returns the problems and the names copied.
    """
    cards = target.parent / "cards"
    made_folder = not cards.exists()
    copied: list[Path] = []

    def undo() -> None:
        for path in copied:
            path.unlink(missing_ok=True)
        if made_folder and cards.is_dir() and not any(cards.iterdir()):
            cards.rmdir()

    try:
        for name in card_profiles(text):
            if not (cards / name).exists():
                cards.mkdir(exist_ok=True)
                _replace_whole(cards / name, (CARD_PROFILES_DIR / name).read_bytes())
                copied.append(cards / name)
        problems = write_checked(target, text, profile_problems)
    except BaseException:
        undo()
        raise
    if problems:
        undo()
    return problems, [path.name for path in copied]


#: The casebook was saved (in an editor) while the case was being added: the save is kept, nothing written.
CHANGED_MEANWHILE = "{path} a changé pendant l'ajout du cas (enregistré entre-temps ?) ; rien n'a été écrit : relancez"


def write_checked(target: Path, text: str, profile_problems: ProfileCheck, read: bytes | None = None) -> list[Problem]:
    """Write ``text`` to ``target`` only if it validates there, with the card profiles it names beside it.

    The text is checked as a temporary file in the target's folder, then renamed over the target
    (an interrupted write never leaves half a casebook); problems name the target, not the temporary.
    ``read`` is the target's bytes ``text`` was made from: a target that no longer holds them was saved
    meanwhile (the check takes a while on a big casebook), and replacing it would lose that save, so
    :class:`ScaffoldError` (:data:`CHANGED_MEANWHILE`) is raised and the target left as it is.
    """

    def check(temporary: Path) -> list[Problem]:
        casebook, problems = check_casebook(temporary)
        if casebook is not None:  # « cahier valide » means what validate means: its card profiles too
            problems = profile_problems(casebook.fixtures.cards.values())
        if not problems and read is not None and _bytes_of(target) != read:
            raise ScaffoldError(CHANGED_MEANWHILE, path=target)
        return [_renamed(problem, str(temporary), str(target)) for problem in problems]

    return _replace_whole(target, text.encode("utf-8"), check)


def _bytes_of(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def temporary_beside(target: Path) -> Path:
    """The temporary file a write of ``target`` goes through: in its folder, so the rename is atomic."""
    return target.with_name(f".{target.name}.{os.getpid()}.nouveau")


def _replace_whole(target: Path, data: bytes, check: Callable[[Path], list[Problem]] | None = None) -> list[Problem]:
    """Write ``data`` at ``target`` through :func:`temporary_beside`, unless ``check`` finds problems there.

    An OSError names ``target``: the person gave that path, never the temporary one. A target marked read-only
    is refused, not replaced (a rename replaces it on POSIX, and Windows refuses it only after the copy).
    """
    if os.path.exists(target) and not os.stat(target).st_mode & stat.S_IWUSR:
        raise OSError(errno.EACCES, "read-only", str(target))
    temporary = temporary_beside(target)
    try:
        temporary.write_bytes(data)
        if target.exists():
            shutil.copymode(target, temporary)
        problems = check(temporary) if check is not None else []
        if not problems:
            replace_over(temporary, target)  # Windows: a casebook open in another program said so
        return problems
    except OSError as exc:
        named = OSError(exc.errno, exc.strerror, str(target))
        if hasattr(exc, "winerror"):  # what tells a file open in another program from a lack of rights
            named.winerror = exc.winerror  # type: ignore[attr-defined]
        raise named from None
    finally:
        with contextlib.suppress(OSError):  # never hides the write's own error
            temporary.unlink(missing_ok=True)


def _renamed(problem: Problem, old: str, new: str) -> Problem:
    if problem.source.file != old:
        return problem
    return replace(problem, source=replace(problem.source, file=new))
