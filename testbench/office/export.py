"""A session's results written back into the exam book they came from (docs/office-import.md § export).

Each case's first row (found by :func:`testbench.office.tables.case_rows`, the importer's own rule)
receives the retained verdict (:mod:`testbench.store.verdicts`, through the read model), the values
observed for its expectations (``path = value``, one per line) and, when a report folder is given, a
relative link to the case in that report. The result columns are those of the mapping's ``[results]``;
a column the document lacks is added after its last header. Observed values pass through the report's
redaction (:mod:`testbench.report.personal`) unless the person opts out.

An XLSX document is loaded and filled (formatting, other sheets, formulas, charts and images kept; a shape
openpyxl cannot carry is said; an .xlsm's macros kept in an .xlsm, said lost in an .xlsx); an ODS or DOCX
document, or a CSV one exported to ``.xlsx``, becomes an XLSX
sheet with every row at the same row number (the rows above the header too: the identity cells the mapping
reads) and named as the mapping's ``[source] sheet``, so that the same mapping imports the file written; a
CSV document exported to ``.csv`` stays CSV, every line kept. The file is written atomically; the session is
only read.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import zipfile
from collections.abc import Callable
from copy import copy
from dataclasses import dataclass, field, replace
from itertools import pairwise
from pathlib import Path

from testbench import fmt
from testbench.domain.verdict import Verdict
from testbench.i18n import translator
from testbench.office.mapping import CellRef, Mapping
from testbench.office.problems import OfficeError, Problem
from testbench.office.tables import Cell, Table, case_rows, read_table
from testbench.report.diff import chain_problems
from testbench.report.owner import NotAReport, is_other_session, read_report
from testbench.report.personal import Scrubber
from testbench.store.read import CaseView, Key, SessionView, read_session
from testbench.wholefile import write_whole

#: Result fields in the order their columns are added, with the header used when the mapping names none.
RESULT_HEADERS = {"verdict": "Verdict", "observed": "Valeurs observées", "evidence": "Preuve"}
#: The VBA project of a macro-enabled workbook (.xlsm): an .xlsx file cannot hold it
_VBA_PART = "xl/vbaProject.bin"


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
    """``path = value`` per value expectation, ``refus (step) = CODE`` per refusal; traces have no value."""
    assert view.latest is not None
    lines = []
    for comparison in session.comparisons(view.latest.id):
        kind = comparison.get("kind")
        if kind == "value":
            path = str(comparison.get("path") or "")
            value = fmt.typed(comparison.get("value_type") or "", scrub.at_path(path, comparison.get("observed")), lang)
            lines.append(f"{path} = {value}")
        elif kind == "refusal":
            label = t("refus ({step})").format(step=comparison.get("step") or "")
            lines.append(f"{label} = {fmt.value(scrub.value(comparison.get('observed')), lang)}")
    return tuple(lines)


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


def _by_case_id(session: SessionView, results: dict[Key, CaseResult], plan_id: str | None) -> dict[str, CaseResult]:
    """Results by case id; a case id in several casebooks is the one of the document's plan."""
    plans = {casebook.sha256: casebook.plan_id for casebook in session.casebooks}
    out: dict[str, CaseResult] = {}
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
    with read_session(session_path) as session:
        links = report_links(report, target, session) if report is not None else None
        results = _by_case_id(session, case_results(session, lang, redact, links), _plan_id(table, mapping))
        altered = chain_problems(session)  # as ``diff`` checks it: forged verdicts are written, but said
    rows = case_rows(table, mapping)
    outcome = ExportResult(
        not_in_document=[case_id for case_id in results if case_id not in rows],
        not_in_session=[case_id for case_id in rows if case_id not in results],
        altered=altered,
    )
    fields = ("verdict", "observed", "evidence") if report is not None else ("verdict", "observed")
    t = translator(lang)
    headers = {name: getattr(mapping.results, name) or t(RESULT_HEADERS[name]) for name in fields}
    columns, added = _columns(table, headers)
    outcome.added_columns = list(added.values())
    filled = [(rows[case_id], results[case_id]) for case_id in rows if case_id in results]
    if suffix == ".csv":
        data = _csv(document, mapping, table, columns, added, filled)
    else:
        data = _xlsx(document, mapping, table, columns, added, filled, outcome, t, macros=suffix == ".xlsm")
    write_whole(target, data)
    outcome.written = [result.case_id for _row, result in filled]
    return outcome


def _target_suffixes(table: Table, document: Path) -> tuple[str, ...]:
    """What ``--to`` may end with: XLSX always, XLSM for a macro-enabled workbook (its macros kept), CSV for a
    CSV document (it stays CSV)."""
    if table.kind == "csv":
        return (".xlsx", ".csv")
    if document.suffix.lower() == ".xlsm":
        return (".xlsx", ".xlsm")
    return (".xlsx",)


def _columns(table: Table, headers: dict[str, str]) -> tuple[dict[str, int], dict[int, str]]:
    """Result field -> 1-based column (the document's, by header text or letter, else a new one after the
    last header), and the columns added with their header."""
    last = max(table.header.values(), default=0)
    columns: dict[str, int] = {}
    added: dict[int, str] = {}
    for name, header in headers.items():
        col = table.column(header)
        if col is None:
            last += 1
            col = last
            added[col] = header
        columns[name] = col
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
) -> bytes:
    """The workbook written; ``macros``: an .xlsm written from an .xlsm, its VBA project carried over."""
    import openpyxl
    from openpyxl.cell.cell import MergedCell
    from openpyxl.styles import Alignment

    if table.kind == "xlsx":
        book = openpyxl.load_workbook(document, keep_vba=macros)
        sheet = book[mapping.source.sheet or book.sheetnames[0]]
    else:
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = _sheet_title(document, mapping, table, outcome, t)
        for cell in _document_cells(document, mapping, table):
            written = sheet.cell(cell.place.row, cell.place.col, cell.text)
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
            cell.value = text or None
            if name == "observed":
                cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal=cell.alignment.horizontal)
            elif name == "evidence" and text:
                cell.hyperlink = text
                cell.style = "Hyperlink"
    out = io.BytesIO()
    book.save(out)
    if table.kind == "xlsx":
        _say_lost_drawings(document, out.getvalue(), outcome)
        _say_lost_macros(document, out.getvalue(), outcome)
    return out.getvalue()


#: What an XLSX sheet's name cannot hold (Excel): these characters, more than 31 characters, an apostrophe at
#: either end.
_SHEET_FORBIDDEN = re.compile(r"[\\/?*\[\]:]")
_SHEET_LENGTH = 31


def _sheet_title(document: Path, mapping: Mapping, table: Table, outcome: ExportResult, t: Callable[[str], str]) -> str:
    """The written sheet's name: the mapping's ``[source] sheet`` (the same mapping then imports the file written),
    else the document's (``Tableau 1`` for a Word table, the file name for a CSV), made a name XLSX allows; a
    ``[source] sheet`` XLSX does not allow is said, with the name to give instead."""
    wanted = mapping.source.sheet or (t("Tableau {n}").format(n=table.name) if table.kind == "docx" else table.name)
    title = _SHEET_FORBIDDEN.sub("_", wanted)[:_SHEET_LENGTH].strip("'") or "Sheet1"
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
