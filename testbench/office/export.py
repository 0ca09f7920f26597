"""A session's results written back into the exam book they came from (docs/office-import.md § export).

Each case's first row (found by :func:`testbench.office.tables.case_rows`, the importer's own rule)
receives the retained verdict (:mod:`testbench.store.verdicts`, through the read model), the values
observed for its expectations (``path = value``, one per line) and, when a report folder is given, a
relative link to the case in that report. The result columns are those of the mapping's ``[results]``;
a column the document lacks is added after its last header. Observed values pass through the report's
redaction (:mod:`testbench.report.personal`) unless the person opts out. The other cells are the editor's,
copied as the document had them; those that hold personal data are said (:attr:`ExportResult.copied_personal`).

An XLSX document is loaded and filled (formatting, other sheets, formulas, charts and images kept; a shape
openpyxl cannot carry is said; an .xlsm's macros kept in an .xlsm, said lost in an .xlsx); an ODS or DOCX
document, or a CSV one exported to ``.xlsx``, becomes an XLSX
sheet with every row at the same row number (the rows above the header too: the identity cells the mapping
reads) and named as the mapping's ``[source] sheet``, so that the same mapping imports the file written; a
CSV document exported to ``.csv`` stays CSV, every line kept. The file is written atomically; the session is
only read.

The document is read as ``testbench import`` reads it (its refusals are the export's) and each case compared
with the one the session ran: a case whose steps or expectations changed since the run gets a mark, not a
verdict; one whose title or comment changed keeps its verdict, said. Result columns over the
case's own, and an export that would write no case, are refused.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import tempfile
import warnings
import zipfile
from collections.abc import Callable, Iterator
from copy import copy
from dataclasses import dataclass, field, replace
from itertools import pairwise
from pathlib import Path
from typing import Any, TypeVar

from testbench import fmt
from testbench.domain.verdict import Verdict
from testbench.i18n import _t, translator
from testbench.office.diff import EXECUTED, FIELD_WORDS, changed_fields
from testbench.office.locks import document_open
from testbench.office.mapping import RESULT_CLASH, CellRef, Mapping
from testbench.office.problems import OfficeError, Problem
from testbench.office.tables import Cell, Place, Table, case_rows, cell_text, read_table
from testbench.report.owner import NotAReport, is_other_session, read_report
from testbench.report.personal import VALUE_CHARS, Scrubber, cut_note
from testbench.store.read import CaseView, Key, SessionView, read_session
from testbench.wholefile import write_whole

#: Result fields in the order their columns are added, with the header used when the mapping names none.
RESULT_HEADERS = {"verdict": "Verdict", "observed": "Valeurs observées", "evidence": "Preuve"}
#: The VBA project of a macro-enabled workbook (.xlsm): an .xlsx file cannot hold it
_VBA_PART = "xl/vbaProject.bin"
#: Microsoft 365 threaded comments: openpyxl drops them without a warning
_THREADS = "xl/threadedComments/"
#: What a case's verdict cell reads when the document changed the case since the run (its other result cells
#: emptied): a verdict of the case as it was run would be read as one of the case as now written
CHANGED_MARK = _t("modifié depuis l'exécution : à relancer")
_CHANGED = _t(
    "cas {case} modifié dans le document depuis l'exécution ({fields}) : son résultat n'est pas reporté"
    " (la ligne le signale ; relancez le cas)"
)
_EDITED = _t(
    "cas {case} modifié dans le document depuis l'exécution ({fields}) : son verdict est reporté, ce changement ne"
    " touche ni ce qui s'exécute ni ce qui est comparé"
)
_EVIDENCE_EMPTIED = _t(
    "colonne « {column} » ([results] evidence) vidée sur les lignes écrites ({count}) : sans --report, leur lien"
    " mènerait au rapport d'une autre exécution"
)
_UNREADABLE_CASE = _t(
    "cas {case} illisible dans le document (testbench import le détaille) : son résultat n'est pas reporté"
    " (la ligne le signale)"
)
_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}table"
_ODS_NAME = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}name"
UNREDACTED = _t(
    "valeurs observées NON anonymisées (export avec --no-redact) : ce classeur contient des données personnelles"
)
_NO_VALUES = _t(
    "formules du classeur écrit sans valeur calculée : {count} (openpyxl ne garde pas ces valeurs) : ouvrez-le"
    " dans un tableur et enregistrez-le avant de le réimporter ou de le donner en --document"
)
_DROPPED = _t(
    "contenus du classeur non repris dans le fichier écrit (l'original les garde) : extensions (validations,"
    " mises en forme conditionnelles…) {extensions}, commentaires en fil de discussion {threads}, autres {others}"
)
_OTHER_SHEETS = _t(
    "feuilles du document non reprises dans le fichier écrit (seule « {sheet} » l'est ; l'original les garde) :"
    " {names}"
)
_PROTECTED = _t(
    "feuille protégée : les résultats sont écrits dans ses cellules verrouillées (colonnes {columns}) et sa"
    " protection est gardée ; le tableur ne laissera les modifier qu'une fois la feuille déprotégée"
)
_T = TypeVar("_T")
#: the most characters an XLSX cell holds (Excel's limit; openpyxl writes more, which Excel then refuses or cuts)
CELL_CHARS = 32_767
#: the room a cut's note takes (« … [valeur coupée ici : 3 000 000 caractères en tout ; …] », in either language)
_NOTE_ROOM = 120
#: the fewest characters of a value a cell shows when many share it
_LEAST_SHOWN = 64


@dataclass(frozen=True)
class CaseResult:
    """What one case's row receives."""

    case_id: str
    verdict: str  # the retained verdict, in words
    observed: tuple[str, ...]  # « path = value », redacted
    link: str | None = None  # relative to the exported file


@dataclass
class ExportResult:
    written: list[str] = field(default_factory=list)  # case ids whose row received results, in row order
    not_in_document: list[str] = field(default_factory=list)  # session cases without a row
    not_in_session: list[str] = field(default_factory=list)  # document cases the session does not hold
    problems: list[Problem] = field(default_factory=list)  # placed: a result cell that cannot be written
    added_columns: list[str] = field(default_factory=list)  # headers the export added
    altered: list[str] = field(default_factory=list)  # why the session's journal chain does not verify (French)
    changed: list[str] = field(default_factory=list)  # cases the document changed since the run: marked, not written
    #: cells copied from the document that hold personal data (the editor's own, left as the document had them)
    copied_personal: list[Place] = field(default_factory=list)


# -- what the session says ---------------------------------------------------------------------------


def case_results(
    session: SessionView, lang: str, redact: bool = True, links: dict[Key, str] | None = None
) -> dict[Key, CaseResult]:
    """Each case of the session: its retained verdict and observed values (latest attempt), in ``lang``."""
    t = translator(lang)
    scrub = Scrubber.for_sessions(session, enabled=redact, lang=lang)
    results = {}
    for view in session.cases:
        verdict = view.retained_verdict
        try:
            words = t(Verdict(verdict).label_fr)
        except ValueError:
            words = verdict
        observed = _observed(session, view, scrub, t, lang) if view.latest else ()
        results[view.key] = CaseResult(view.case_id, words, observed, (links or {}).get(view.key))
    return results


def _observed(
    session: SessionView, view: CaseView, scrub: Scrubber, t: Callable[[str], str], lang: str
) -> tuple[str, ...]:
    """``path = value`` per value expectation, ``refus (step) = CODE`` per refusal; traces have no value. Their
    lines fit one cell (:data:`CELL_CHARS`): when they would not, the longest values are cut shorter than the report
    cuts them (:func:`_cap`), each cut said with the place its whole value stays, the session."""
    assert view.latest is not None
    shown = [c for c in session.comparisons(view.latest.id) if c.get("kind") in ("value", "refusal")]

    def line(comparison: dict[str, Any], limit: int = VALUE_CHARS) -> str:
        if comparison.get("kind") == "value":
            path = str(comparison.get("path") or "")
            observed = scrub.at_path(path, comparison.get("observed"), limit)
            return f"{path} = {fmt.typed(comparison.get('value_type') or '', observed, lang)}"
        label = t("refus ({step})").format(step=comparison.get("step") or "")
        return f"{label} = {fmt.value(scrub.value(comparison.get('observed'), limit), lang)}"

    lines = [line(comparison) for comparison in shown]
    budget = CELL_CHARS - max(len(lines) - 1, 0)  # the line breaks between them
    if sum(map(len, lines)) <= budget:
        return tuple(lines)
    cap = _cap([len(text) for text in lines], budget)
    for i, text in enumerate(lines):
        if len(text) > cap:  # what stands before the value, and the cut's note, within the cap too
            shorter = line(shown[i], max(cap - (text.find(" = ") + 3) - _NOTE_ROOM, _LEAST_SHOWN))
            lines[i] = shorter if len(shorter) < len(text) else text  # a short value and a note: no shorter
    return tuple(lines)


def _cap(lengths: list[int], budget: int) -> int:
    """The longest a line may be so that ``lengths``' lines fit ``budget`` characters: the short ones kept whole,
    the rest shared equally among the long ones."""
    left, count = budget, len(lengths)
    for length in sorted(lengths):
        if length * count > left:
            return left // count
        left, count = left - length, count - 1
    return max(lengths, default=budget)


def fit_cell(text: str, lang: str, *, in_document: bool = False) -> str:
    """``text`` as one XLSX cell holds it: whole up to :data:`CELL_CHARS` characters (Excel's limit: past it, Excel
    refuses the file or cuts the cell unsaid); else cut with the report's note, its length and where it stays whole
    (the session, or the document for the editor's cell copied, ``in_document``). A marker the cut falls in goes
    whole (« ‹NIR » alone would read as a value)."""
    if len(text) <= CELL_CHARS:
        return text
    note = cut_note(len(text), lang, in_document=in_document)
    shown = text[: CELL_CHARS - len(note)]
    if shown.rfind("‹") > shown.rfind("›"):
        shown = shown[: shown.rfind("‹")]
    return shown + note


def report_links(report: Path, target: Path, session: SessionView) -> dict[Key, str]:
    """Case -> link to its section in the report folder ``report``, relative to the exported file.

    The anchors are read from the report's own ``report.json`` (the report owns them), which must be
    the report of this session.
    """
    try:
        data = read_report(report)
        cases = data["cases"]
    except (NotAReport, KeyError, TypeError):
        raise OfficeError(
            [Problem.of(report, "pas un dossier de rapport testbench (report.json absent ou illisible)")]
        ) from None
    if is_other_session(data, session.meta.get("session_id")):
        raise OfficeError([Problem.of(report, "ce rapport est celui d'une autre session")])
    page = _page_link((report / "index.html").resolve(), target.resolve().parent)
    return {(c["key"]["casebook_sha"], c["key"]["case_id"]): f"{page}#{c['anchor']}" for c in cases}


def _page_link(page: Path, folder: Path) -> str:
    """The report page as the exported file in ``folder`` links to it: relative (both resolved, so that a mapped
    Windows drive is the same on both sides), or an absolute ``file:`` URI when there is no relative path
    (Windows: another drive)."""
    try:
        return Path(os.path.relpath(page, folder)).as_posix()
    except ValueError:  # Windows: another drive, no relative path
        return page.as_uri()


def _by_case_id(session: SessionView, results: dict[Key, _T], plan_id: str | None) -> dict[str, _T]:
    """Results (or definitions) by case id; a case id in several casebooks is the one of the document's plan."""
    plans = {casebook.sha256: casebook.plan_id for casebook in session.casebooks}
    out: dict[str, _T] = {}
    for (sha, case_id), result in results.items():
        if case_id not in out or plans.get(sha) == plan_id:
            out[case_id] = result
    return out


def _plan_id(table: Table, mapping: Mapping) -> str | None:
    ref = mapping.identity.get("plan-id")
    if isinstance(ref, CellRef):
        cell = table.identity.get("plan-id")
        return cell.text.strip() if cell else None
    return ref


# -- writing -----------------------------------------------------------------------------------------


def export_results(
    session_path: Path,
    document: Path,
    mapping: Mapping,
    target: Path,
    lang: str = "fr",
    redact: bool = True,
    report: Path | None = None,
) -> ExportResult:
    """Write ``document`` with the session's results into ``target``; :class:`OfficeError` when nothing can be."""
    suffix = target.suffix.lower()
    table = read_table(document, mapping)
    allowed = _target_suffixes(table, document)
    if suffix not in allowed:
        unsupported = "extension de fichier non prise en charge ici (permises : {allowed})"
        raise OfficeError([Problem.of(target, unsupported, allowed=", ".join(allowed))])
    now = _document_cases(document, mapping, table)  # the import's refusals (a header not found) are the export's
    plan_id = _plan_id(table, mapping)
    with read_session(session_path) as session:
        links = report_links(report, target, session) if report is not None else None
        results = _by_case_id(session, case_results(session, lang, redact, links), plan_id)
        run = _by_case_id(session, {view.key: view.definition for view in session.cases}, plan_id)
        altered = session.chain_problems()  # as ``diff`` checks it: forged verdicts are written, but said
        known = Scrubber.for_sessions(session, lang=lang)  # what the copied cells are searched for, never changed
    rows = case_rows(table, mapping)
    outcome = ExportResult(
        not_in_document=[case_id for case_id in results if case_id not in rows],
        not_in_session=[case_id for case_id in rows if case_id not in results],
        altered=altered,
    )
    if (opened := document_open(document)) is not None:  # read all the same: said, unsaved edits are not in it
        outcome.problems.append(opened)
    t = translator(lang)
    headers = _result_headers(table, mapping, t, with_link=report is not None)
    columns, added = _columns(table, mapping, headers)
    outcome.added_columns = list(added.values())
    changed = _changed(table, rows, run, now, outcome)
    filled = [(rows[case_id], results[case_id]) for case_id in rows if case_id in results and case_id not in changed]
    if not filled:
        raise OfficeError([*outcome.problems, _nothing_to_write(document, table, rows, changed)])
    marked = [(rows[case_id], CaseResult(case_id, t(CHANGED_MARK), ())) for case_id in changed]
    filled = sorted([*filled, *marked], key=lambda pair: pair[0])
    # an XLSX workbook's rows above the header are searched in the workbook loaded to be written (_workbook_personal)
    cells = _table_cells(table) if table.kind == "xlsx" else _document_cells(document, mapping, table)
    personal = _Copied.of(mapping, table, {(row, col) for row, _result in filled for col in columns.values()}, known)
    copied = [cell.place for cell in cells if personal(cell)]
    if suffix != ".csv" and table.kind != "xlsx":  # a new workbook: its one sheet, the rows as the document's
        title = _sheet_name(mapping, table, t)
        copied = _sheet_named(title, known) + [replace(place, sheet=title, kind="sheet", line=0) for place in copied]
    outcome.copied_personal = copied
    if report is None and "evidence" in columns:
        _say_emptied(document, table, columns["evidence"], headers["evidence"], {row for row, _ in filled}, outcome)
    if suffix == ".csv":
        data = _csv(document, mapping, table, columns, added, filled)
    else:
        macros = suffix == ".xlsm"
        data = _xlsx(
            document, mapping, table, columns, added, filled, outcome, t, macros, unredacted=not redact, lang=lang,
            personal=personal, cells=cells,
        )
    write_whole(target, data)
    outcome.written = [result.case_id for _row, result in filled if result.case_id not in changed]
    return outcome


@dataclass(frozen=True)
class _Copied:
    """Which of the document's cells the file copies (all but the result cells it writes, ``written``: (row, column))
    the report's redaction would mask: the editor's own text, copied as the document had it, but said, since the file
    then holds personal data beside the masked observed values. The rows above the header (a title, the identity
    cells) are copied too, and the result cells of rows not written (a case absent from the session keeps a previous
    export's values). Searched as the report redacts the same fields: a case's title, objective, comment and steps,
    the header and the rows above it as a casebook's wording (:meth:`Scrubber.wording`: « Exemple de facture » is
    not the persona EXEMPLE, « EXEMPLE — … » in capitals is); the identifiers the report prints as they are (the
    case id, the plan id and the other identity cells but the title) not at all. An XLSX document's other sheets,
    comments, links, headers and properties are copied too: :func:`_workbook_personal`."""

    known: Scrubber
    header_row: int
    wording: frozenset[int]  # the columns of the case's own text
    id_col: int | None
    skipped: frozenset[tuple[int, int]]  # the cells written, and the identity cells but the title

    @classmethod
    def of(cls, mapping: Mapping, table: Table, written: set[tuple[int, int]], known: Scrubber) -> _Copied:
        columns = {name: col for name, spec in mapping.columns.items() if (col := table.column(spec)) is not None}
        identity = {(cell.place.row, cell.place.col) for key, cell in table.identity.items() if key != "title"}
        wording = frozenset(columns[name] for name in _WORDING_FIELDS if name in columns)
        return cls(known, table.header_row, wording, columns.get("id"), frozenset(written | identity))

    def __call__(self, cell: Cell) -> bool:
        row, col = cell.place.row, cell.place.col
        if not cell.text or (row, col) in self.skipped or (row > self.header_row and col == self.id_col):
            return False
        own = row <= self.header_row or col in self.wording
        return (self.known.wording(cell.text) if own else self.known(cell.text)) != cell.text


def _table_cells(table: Table) -> list[Cell]:
    """The cells of the table read: its header and the rows below it."""
    return [*table.header_cells, *(cell for row in table.rows for cell in row)]


#: The case's fields the report redacts as a casebook's own text (:meth:`Scrubber.wording`)
_WORDING_FIELDS = ("title", "objective", "comment", "steps")


#: The document properties an XLSX file carries over (openpyxl's names)
_PROPERTIES = ("title", "subject", "creator", "lastModifiedBy", "keywords", "description", "category", "identifier")


def _workbook_personal(book: Any, read: Any, copied: _Copied) -> tuple[list[Place], list[Place]]:
    """What of an XLSX document the file copies, beyond the table of the ``read`` sheet (:class:`_Copied`), that the
    report's redaction would mask: the read sheet's rows above its header (a title, the identity cells), then the
    other sheets' cells (hidden ones too), every cell's comment and link, the sheets' names, headers and footers,
    the document's properties — all copied whole. Only the case rows were searched: a NIR in a hidden sheet, a
    comment or the properties went out unsaid. The rows above the header apart: they come before the table's."""
    known = copied.known

    def personal(text: object) -> bool:
        return isinstance(text, str) and bool(text) and known(text) != text

    above: list[Place] = []
    places: list[Place] = []
    for sheet in sorted(book.worksheets, key=lambda sheet: sheet is not read):  # the read sheet's comments first
        places += _sheet_named(sheet.title, known)
        hidden = "" if sheet.sheet_state == "visible" else "hidden"
        for row in sheet.iter_rows():
            for cell in row:
                place = Place(sheet.title, cell.row, cell.column, "sheet", part=hidden)
                if sheet is not read and personal(cell_text(cell.value)):
                    places.append(place)
                elif sheet is read and cell.row < copied.header_row:  # a title, the identity cells
                    above += [place] if copied(Cell(place, cell_text(cell.value), False)) else []
                if cell.comment is not None and personal(cell.comment.text):
                    places.append(replace(place, part="comment"))
                if personal(_link_text(cell)):  # « mailto:paul.essai@… » behind a cell that reads « écrire »
                    places.append(replace(place, part="link"))
        if any(personal(text) for text in _headers_footers(sheet)):
            places.append(Place(sheet.title, 0, 0, "sheet", part="header"))
    custom = [cell_text(prop.value) for prop in book.custom_doc_props.props]  # a NIR may be kept as a number
    if any(personal(getattr(book.properties, name)) for name in _PROPERTIES) or any(map(personal, custom)):
        places.append(Place("", 0, 0, "sheet", part="properties"))
    return above, places


def _link_text(cell: Any) -> str:
    """A cell's hyperlink as the file carries it: its target (a URL, ``mailto:``) and its place in the workbook."""
    link = cell.hyperlink
    return f"{link.target or ''} {link.location or ''}".strip() if link is not None else ""


def _sheet_named(title: str, known: Scrubber) -> list[Place]:
    """The sheet's name, when the report's redaction would mask it as the editor's words (« Dossier PAUL ESSAI »):
    it is copied too (the name of an XLSX document's sheets; a CSV's file name, an ODS sheet's, written)."""
    return [Place(title, 0, 0, "sheet", part="name")] if known.wording(title) != title else []


def _headers_footers(sheet: Any) -> Iterator[str]:
    """The texts of a sheet's headers and footers (odd, even and first pages; left, centre and right)."""
    for kind in ("oddHeader", "oddFooter", "evenHeader", "evenFooter", "firstHeader", "firstFooter"):
        item = getattr(sheet, kind)
        for part in (item.left, item.center, item.right):
            if part.text:
                yield part.text


def _document_cases(document: Path, mapping: Mapping, table: Table) -> dict[str, dict[str, Any]]:
    """The cases the document gives now, as a session records a case (:class:`~testbench.casebook.model.Case`
    encoded): read by the importer, then the casebook loader, as ``import`` then ``run`` read them. A case the
    import leaves out is absent; a document the import refuses (no header found) is refused: :class:`OfficeError`."""
    from testbench.casebook.loader import check_casebook_cases
    from testbench.office.importer import import_document
    from testbench.store import codec

    xml = import_document(document, mapping, table).xml
    with tempfile.TemporaryDirectory() as folder:  # card profiles refused there: the cases are read all the same
        path = Path(folder) / "casebook.xml"
        path.write_bytes(xml)
        _casebook, _problems, cases = check_casebook_cases(path)
    return {case.id: codec.loads(codec.dumps(case)) for case in cases}


def _changed(
    table: Table,
    rows: dict[str, int],
    run: dict[str, dict[str, Any]],
    now: dict[str, dict[str, Any]],
    outcome: ExportResult,
) -> list[str]:
    """The cases of both the document and the session whose document row no longer gives what ran or what
    was compared (an expected value, a step edited after the run), each said at its row: their verdict would
    vouch for another case. A case whose other fields changed (a title, a comment) keeps its verdict, said."""
    changed = []
    for case_id, row in rows.items():
        if case_id not in run:
            continue
        if case_id not in now:
            outcome.problems.append(Problem.of(table.place(row), _UNREADABLE_CASE, case=case_id))
            changed.append(case_id)
            continue
        fields = changed_fields(run[case_id], now[case_id])
        executed = tuple(name for name in fields if name in EXECUTED)
        if fields:
            said = _CHANGED if executed else _EDITED
            outcome.problems.append(Problem.worded(table.place(row), _fields_said(said, case_id, fields)))
        if executed:
            changed.append(case_id)
    outcome.changed = changed
    return changed


def _fields_said(template: str, case_id: str, fields: tuple[str, ...]) -> Callable[[Callable[[str], str]], str]:
    """``template`` said of ``case_id`` and its ``fields``, each field in the reader's language."""
    return lambda t: t(template).format(case=case_id, fields=", ".join(t(FIELD_WORDS[name]) for name in fields))


def _nothing_to_write(document: Path, table: Table, rows: dict[str, int], changed: list[str]) -> Problem:
    """Why no row receives a result (the tool adds « rien n'est écrit »): a written file would hold none."""
    if not rows:
        said = "aucun cas sous l'en-tête (ligne {row}) : aucun résultat à reporter"
        return Problem.of(document, said, row=table.header_row)
    if changed:
        said = "chaque cas de la session a été modifié dans le document depuis l'exécution : aucun résultat à reporter"
        return Problem.of(document, said)
    said = "aucun des {count} cas du document dans la session : aucun résultat à reporter (est-ce le bon document ?)"
    return Problem.of(document, said, count=len(rows))


def _result_headers(table: Table, mapping: Mapping, t: Callable[[str], str], with_link: bool) -> dict[str, str]:
    """Result field -> the header (or letter) of its column. Without a report the evidence column is only the
    one ``[results] evidence`` names, emptied when the document has it (a previous export's link would stand
    beside this session's verdict): a column of the default header is the team's own, never touched."""
    named = ("verdict", "observed")
    headers = {name: getattr(mapping.results, name) or _default_header(table, name, t) for name in named}
    evidence = mapping.results.evidence or (_default_header(table, "evidence", t) if with_link else None)
    if evidence and (with_link or table.column(evidence) is not None):
        headers["evidence"] = evidence
    return headers


def _default_header(table: Table, name: str, t: Callable[[str], str]) -> str:
    """The default header of result ``name`` in the words of ``t``, or in the other language's when the document
    has that column (an export with the other ``--lang``): a column added beside it would leave that export's
    values (« Valeurs observées ») next to this one's verdict."""
    headers = dict.fromkeys((t(RESULT_HEADERS[name]), RESULT_HEADERS[name], translator("en")(RESULT_HEADERS[name])))
    return next((header for header in headers if table.column(header) is not None), t(RESULT_HEADERS[name]))


def _say_emptied(document: Path, table: Table, column: int, header: str, rows: set[int], outcome: ExportResult) -> None:
    """The evidence cells emptied without a report (their link led to another session's report): counted."""
    cells = (cell for line in table.rows for cell in line if cell.place.row in rows and cell.place.col == column)
    count = sum(1 for cell in cells if cell.text.strip())
    if count:
        outcome.problems.append(Problem.of(document, _EVIDENCE_EMPTIED, column=header, count=count))


def _target_suffixes(table: Table, document: Path) -> tuple[str, ...]:
    """What ``--to`` may end with: XLSX always, XLSM for a macro-enabled workbook (its macros kept), CSV for a
    CSV document (it stays CSV)."""
    if table.kind == "csv":
        return (".xlsx", ".csv")
    if document.suffix.lower() == ".xlsm":
        return (".xlsx", ".xlsm")
    return (".xlsx",)


def _columns(table: Table, mapping: Mapping, headers: dict[str, str]) -> tuple[dict[str, int], dict[int, str]]:
    """Result field -> 1-based column (the document's, by header text or letter, else a new one after the
    last header), and the columns added with their header. A result column that a [columns] field reads, or
    that two results share, is refused at its mapping line: results written there would replace the case."""
    last = max(table.header.values(), default=0)
    read = {col: name for name, spec in mapping.columns.items() if (col := table.column(spec)) is not None}
    columns: dict[str, int] = {}
    added: dict[int, str] = {}
    problems = []
    for name, header in headers.items():
        col = table.column(header)
        if col is None:
            last += 1
            col = last
            added[col] = header
        clash = read.get(col) or next((other for other, taken in columns.items() if taken == col), None)
        if clash is not None:
            place = mapping.result_places.get(name, mapping.path)
            problems.append(Problem.of(place, RESULT_CLASH, column=header, key=name, field=clash))
        columns[name] = col
    if problems:
        raise OfficeError(problems)
    return columns, added


def _cells(result: CaseResult) -> dict[str, str]:
    return {"verdict": result.verdict, "observed": "\n".join(result.observed), "evidence": result.link or ""}


def _xlsx(
    document: Path,
    mapping: Mapping,
    table: Table,
    columns: dict[str, int],
    added: dict[int, str],
    filled: list[tuple[int, CaseResult]],
    outcome: ExportResult,
    t: Callable[[str], str],
    macros: bool = False,
    unredacted: bool = False,
    lang: str = "fr",
    personal: _Copied | None = None,
    cells: tuple[Cell, ...] | list[Cell] = (),
) -> bytes:
    """The workbook written; ``macros``: an .xlsm written from an .xlsm, its VBA project carried over;
    ``unredacted``: marked so in its properties and on its observed values' header. Every cell it writes fits XLSX
    (:func:`fit_cell`; ``lang``: the words of a cut's note). An XLSX document's personal data, copied, is searched
    with ``personal`` (:func:`_workbook_personal`)."""
    import openpyxl
    from openpyxl.cell.cell import MergedCell
    from openpyxl.styles import Alignment

    dropped: list[str] = []  # openpyxl's warnings: what it reads and will not write (an x14 validation)
    if table.kind == "xlsx":
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            book = openpyxl.load_workbook(document, keep_vba=macros)
        dropped = [str(warning.message) for warning in caught]
        sheet = book[table.name]  # the sheet the import read (the active one without sheet =, a name with spaces)
        if personal is not None:
            above, beyond = _workbook_personal(book, sheet, personal)
            outcome.copied_personal = [*above, *outcome.copied_personal, *beyond]
    else:
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = _sheet_title(document, mapping, table, outcome, t)
        for cell in cells:  # the document's (:func:`_document_cells`): a CSV, ODS or Word cell may be longer
            written = sheet.cell(cell.place.row, cell.place.col, fit_cell(cell.text, lang, in_document=True))
            written.data_type = "s"  # a text, even one that starts with « = » (openpyxl would make it a formula)
    last_header = max(table.header.values(), default=0)
    for col, header in added.items():
        cell = sheet.cell(table.header_row, col, header)
        if last_header:  # dressed as the document's last header
            cell._style = copy(sheet.cell(table.header_row, last_header)._style)
    for row, result in filled:
        for name, text in _cells(result).items():
            if name not in columns:
                continue
            cell = sheet.cell(row, columns[name])
            if isinstance(cell, MergedCell):
                outcome.problems.append(
                    Problem.of(table.place(row, columns[name]), "cellule fusionnée : le résultat n'y est pas écrit")
                )
                continue
            cell.value = fit_cell(text, lang) or None
            if name == "observed":
                cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal=cell.alignment.horizontal)
            elif name == "evidence":
                cell.hyperlink = text or None  # emptied: a previous export's link led to another session's report
                if text:
                    cell.style = "Hyperlink"
    if table.kind == "xlsx":
        _say_protected(sheet, table, columns, [row for row, _result in filled], outcome)
    if unredacted:
        _mark_unredacted(book, sheet.cell(table.header_row, columns["observed"]), t)
    formulas = _formulas(book) if table.kind == "xlsx" else 0
    if formulas:
        book.calculation.fullCalcOnLoad = True  # a spreadsheet computes them again when it opens the file
    out = io.BytesIO()
    book.save(out)
    if table.kind == "xlsx":
        _say_lost_drawings(document, out.getvalue(), outcome)
        _say_lost_macros(document, out.getvalue(), outcome)
        _say_dropped(document, out.getvalue(), dropped, outcome)
        if formulas:
            _say_formulas(document, formulas, outcome)
    elif table.kind == "ods":
        _say_other_sheets(document, table, outcome)
    return out.getvalue()


def _say_protected(sheet: Any, table: Table, columns: dict[str, int], rows: list[int], outcome: ExportResult) -> None:
    """A protected sheet's locked result cells are written all the same (openpyxl does not enforce protection)
    and the protection kept, the editor's: said at the header row, so that nobody wonders why the spreadsheet
    then refuses to change a verdict by hand."""
    if not sheet.protection.sheet:
        return
    locked = [
        col
        for col in dict.fromkeys(columns.values())
        if any(sheet.cell(row, col).protection.locked for row in rows)
    ]
    if locked:
        headers = [str(sheet.cell(table.header_row, col).value or "") for col in locked]
        outcome.problems.append(
            Problem.worded(
                table.place(table.header_row),
                lambda t: t(_PROTECTED).format(
                    columns=", ".join(t("« {name} »").format(name=header) for header in headers)
                ),
            )
        )


def _mark_unredacted(book: Any, header: Any, t: Callable[[str], str]) -> None:
    """A workbook written with ``--no-redact`` says so where it travels with the file: its properties (the
    subject and keywords a file manager shows) and a note on the observed values' header."""
    from openpyxl.cell.cell import MergedCell
    from openpyxl.comments import Comment

    said = t(UNREDACTED)
    book.properties.subject = said
    book.properties.keywords = t("non anonymisé")
    if not isinstance(header, MergedCell):
        header.comment = Comment(said, "testbench")


def _formulas(book: Any) -> int:
    """The formula cells of the workbook: openpyxl writes them without the value a spreadsheet computed."""
    return sum(cell.data_type == "f" for sheet in book.worksheets for row in sheet.iter_rows() for cell in row)


def _say_formulas(document: Path, count: int, outcome: ExportResult) -> None:
    """The written workbook's formulas have no computed value until a spreadsheet saves it: the import reads
    such a cell as empty (refused), and so would the next export given it as ``--document``."""
    outcome.problems.append(Problem.of(document, _NO_VALUES, count=count))


def _threads(workbook: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        return sum(name.startswith(_THREADS) for name in archive.namelist())


def _say_dropped(document: Path, written: bytes, dropped: list[str], outcome: ExportResult) -> None:
    """What openpyxl said it would not carry (extensions: an x14 validation, a conditional format), and the
    threaded comments it drops unsaid: counted, never its English words; the original keeps them."""
    try:
        threads = max(_threads(document.read_bytes()) - _threads(written), 0)
    except (OSError, zipfile.BadZipFile):
        threads = 0
    extensions = sum("extension" in message.casefold() for message in dropped)
    others = len(dropped) - extensions
    if extensions or others or threads:
        outcome.problems.append(
            Problem.of(document, _DROPPED, extensions=extensions, threads=threads, others=others)
        )


def _say_other_sheets(document: Path, table: Table, outcome: ExportResult) -> None:
    """An ODS document's other sheets are not carried into the XLSX written (its table of cases is): named."""
    from lxml import etree

    from testbench.xmlsafe import iterparse

    try:
        with zipfile.ZipFile(document) as archive, archive.open("content.xml") as content:
            names = [
                element.get(_ODS_NAME) or ""
                for _event, element in iterparse(content, events=("start",), tag=_ODS_TABLE)
            ]
    except (OSError, zipfile.BadZipFile, KeyError, etree.XMLSyntaxError):
        return  # read a moment ago as a table: nothing to name rather than a failed export
    others = [name for name in names if name != table.name]
    if others:
        outcome.problems.append(Problem.of(document, _OTHER_SHEETS, names=", ".join(others), sheet=table.name))


#: What an XLSX sheet's name cannot hold (Excel): these characters, more than 31 characters, an apostrophe at
#: either end.
_SHEET_FORBIDDEN = re.compile(r"[\\/?*\[\]:]")
_SHEET_LENGTH = 31


def _sheet_title(document: Path, mapping: Mapping, table: Table, outcome: ExportResult, t: Callable[[str], str]) -> str:
    """The written sheet's name: the mapping's ``[source] sheet`` (the same mapping then imports the file written),
    else the document's (``Tableau 1`` for a Word table, the file name for a CSV), made a name XLSX allows; a
    ``[source] sheet`` XLSX does not allow is said, with the name to give instead."""
    wanted = _wanted_sheet_name(mapping, table, t)
    title = _sheet_name(mapping, table, t)
    if mapping.source.sheet and title != wanted:
        outcome.problems.append(
            Problem.of(
                document,
                "une feuille XLSX ne peut s'appeler « {sheet} » (31 caractères au plus, sans \\ / ? * [ ] :) :"
                " elle s'appelle « {title} » ; pour importer ce fichier, mettez sheet = « {title} » dans [source]",
                sheet=wanted,
                title=title,
            )
        )
    return title


def _wanted_sheet_name(mapping: Mapping, table: Table, t: Callable[[str], str]) -> str:
    return mapping.source.sheet or (t("Tableau {n}").format(n=table.name) if table.kind == "docx" else table.name)


def _sheet_name(mapping: Mapping, table: Table, t: Callable[[str], str]) -> str:
    """The name of the one sheet of a workbook written from a CSV, ODS or Word document (:func:`_sheet_title`),
    where the places said of its cells are (the document's own would name a sheet the file does not have)."""
    return _SHEET_FORBIDDEN.sub("_", _wanted_sheet_name(mapping, table, t))[:_SHEET_LENGTH].strip("'") or "Sheet1"


def _document_cells(document: Path, mapping: Mapping, table: Table) -> list[Cell]:
    """Every cell of the document's sheet that holds a text: the header and the rows below it, and the rows
    above the header (a title, the identity cells of ``[identity]``), read again as a table from row 1. A Word
    cell spanning columns is read once per column: its text is kept in its first one."""
    cells = [*table.header_cells, *(cell for row in table.rows for cell in row)]
    if table.header_row > 1:
        whole = read_table(document, replace(mapping, source=replace(mapping.source, header_row=1, first_data_row=2)))
        above = [*whole.header_cells, *(cell for row in whole.rows for cell in row)]
        cells = [cell for cell in above if cell.place.row < table.header_row] + cells
    return [cell for before, cell in pairwise([None, *cells]) if cell and cell.text and not _spans(cell, before)]


def _spans(cell: Cell, before: Cell | None) -> bool:
    """Whether ``cell`` is the continuation of the merged cell ``before`` it (same row, same text)."""
    return (
        before is not None
        and cell.merged
        and before.merged
        and before.place.row == cell.place.row
        and before.text == cell.text
    )


#: a shape of a drawing part (a text box, an arrow, a form control): openpyxl keeps charts and images only
_SHAPE = re.compile(rb"<(?:\w+:)?sp[ >]")


def _drawings(workbook: bytes) -> tuple[int, int]:
    """The images (media parts) and shapes (``<sp>`` of its drawing parts) an XLSX file holds."""
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        names = archive.namelist()
        images = sum(name.startswith("xl/media/") for name in names)
        shapes = sum(
            len(_SHAPE.findall(archive.read(name)))
            for name in names
            if name.startswith("xl/drawings/") and name.endswith(".xml")
        )
    return images, shapes


def _say_lost_drawings(document: Path, written: bytes, outcome: ExportResult) -> None:
    """Charts and images are carried over (openpyxl, with Pillow for the images); a shape is not, nor an image
    in a format it cannot write again (WMF): said, the original keeping them."""
    try:
        before = _drawings(document.read_bytes())
    except (OSError, zipfile.BadZipFile):
        return  # read a moment ago by openpyxl: nothing to compare with rather than a failed export
    after = _drawings(written)
    images, shapes = max(before[0] - after[0], 0), max(before[1] - after[1], 0)
    if images or shapes:
        outcome.problems.append(
            Problem.of(
                document,
                "éléments graphiques du classeur non repris dans le fichier écrit (l'original les garde) : images"
                " {images}, formes {shapes}",
                images=images,
                shapes=shapes,
            )
        )


def _has_macros(workbook: bytes) -> bool:
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        return _VBA_PART in archive.namelist()


def _say_lost_macros(document: Path, written: bytes, outcome: ExportResult) -> None:
    """A macro-enabled workbook's VBA project is kept in an .xlsm written; an .xlsx cannot hold it: said, the
    original keeping it."""
    try:
        lost = _has_macros(document.read_bytes()) and not _has_macros(written)
    except (OSError, zipfile.BadZipFile):
        return  # read a moment ago by openpyxl: nothing to compare with rather than a failed export
    if lost:
        outcome.problems.append(
            Problem.of(
                document,
                "macros (projet VBA) du classeur non reprises : un fichier .xlsx ne peut les contenir (l'original"
                " les garde ; écrivez un fichier .xlsm pour les reprendre)",
            )
        )


def _csv(
    document: Path,
    mapping: Mapping,
    table: Table,
    columns: dict[str, int],
    added: dict[int, str],
    filled: list[tuple[int, CaseResult]],
) -> bytes:
    """The CSV document, every line as it was, with the result columns filled.

    The lines are copied with the same dialect the table reader used (:mod:`testbench.office.tables`),
    so row numbers agree with :func:`case_rows`.
    """
    spec = mapping.source
    document_bytes = document.read_bytes()
    text = document_bytes.decode(spec.encoding)
    lines = list(csv.reader(io.StringIO(text, newline=""), delimiter=spec.delimiter))
    width = max(columns.values())

    def put(row: int, col: int, value: str) -> None:
        while len(lines) < row:
            lines.append([])
        line = lines[row - 1]
        line.extend([""] * (max(width, col) - len(line)))
        line[col - 1] = value

    for col, header in added.items():
        put(table.header_row, col, header)
    for row, result in filled:
        for name, value in _cells(result).items():
            if name in columns:
                put(row, columns[name], value)
    out = io.StringIO(newline="")
    ending = "\r\n" if "\r\n" in text else "\n"
    csv.writer(out, delimiter=spec.delimiter, lineterminator=ending).writerows(lines)
    encoding = _csv_encoding(spec.encoding, document_bytes)
    return out.getvalue().encode(encoding, errors=fmt.PLAIN)  # Excel's cp1252 CSV cannot spell every value


def _csv_encoding(encoding: str, document: bytes) -> str:
    """The encoding the CSV is written in: the mapping's, except that ``utf-8-sig`` (read with or without a BOM)
    writes a BOM only when the document had one."""
    if codecs.lookup(encoding).name == "utf-8-sig" and not document.startswith(codecs.BOM_UTF8):
        return "utf-8"
    return encoding
