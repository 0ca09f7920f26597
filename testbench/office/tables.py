"""Read the table of cases out of an office document: XLSX (openpyxl), ODS (odfpy), CSV, DOCX (python-docx).

Every reader yields the same grid of cell texts, each with its place in the document (``Feuille1!D14``,
``tableau 3, ligne 7``) and whether it is part of merged cells, so the importer and the export of results
never care which format a team keeps its exam book in. An unreadable document raises :class:`OfficeError`.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import math
import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from testbench.casebook.vocabulary import CASE_ID
from testbench.fmt import byte_size, os_reason
from testbench.i18n import _t, translator
from testbench.office.mapping import CellRef, Mapping, column_index, column_letters, is_letter
from testbench.office.problems import OfficeError, Problem

if TYPE_CHECKING:
    import zipfile

#: File extension -> kind of document.
KINDS = {".xlsx": "xlsx", ".xlsm": "xlsx", ".ods": "ods", ".csv": "csv", ".txt": "csv", ".docx": "docx"}
_SPACES = re.compile(r"\s+")
#: Characters XML cannot hold (a spreadsheet can: _x000B_, a vertical tab from a pasted text).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_PLAIN_SHEET = re.compile(r"[A-Za-z0-9_.À-ÿ]+")
#: How many times an ODS row or cell that holds a value or a formula may be repeated
#: (``table:number-rows-repeated``, ``table:number-columns-repeated``): more is a value filled down to the
#: sheet's bottom or right to its end, refused at its place (docs/office-import.md). Blank repeated rows
#: and cells, and the covered cells of a merge across the sheet, cost nothing whatever their count.
ODS_MAX_REPEAT = 1000
#: A spreadsheet's size (LibreOffice, Excel): a cell beyond it is a damaged document.
_SHEET_ROWS = 1_048_576
_SHEET_COLUMNS = 16_384
#: Python's csv module refuses a field over 131 072 characters; a cell may be longer (a pasted log).
_CSV_MAX_FIELD = 2**31 - 1
_ODS_REPEATED_ROW = (
    "ligne répétée {count} fois, plus que la limite de {limit} (une valeur recopiée jusqu'au bas de la "
    "feuille ?) : effacez les cellules sous le dernier cas"
)
_ODS_REPEATED_CELL = (
    "cellule répétée {count} fois, plus que la limite de {limit} (une valeur recopiée jusqu'au bout de la "
    "ligne ?) : effacez les cellules à droite du tableau"
)
_OTHER_SHEETS = _t(
    "d'autres feuilles contiennent des données, non lues : {names} (sheet = dans [source] pour en choisir une)"
)
_ODS_BAD_NUMBER = "valeur numérique illisible « {text} » (cellule endommagée)"
#: The first bytes of an OLE compound file: an Excel 97-2003 workbook, or an OOXML one encrypted by a password.
_OLE = bytes.fromhex("D0CF11E0A1B11AE1")
#: The stream an encrypted OOXML package holds (its name in the OLE directory is UTF-16).
_ENCRYPTION_INFO = "EncryptionInfo"
#: A spreadsheet shows a computed number with 15 significant digits: Excel stores =1,1*20 as 22.000000000000004.
_SHOWN_DIGITS = 15
#: An XLSX number format that pads a whole number with zeros to its length (« 000 »: 7 shows as 007).
_ZERO_PADDED = re.compile(r"0{2,}")


@dataclass(frozen=True)
class Place:
    """Where a cell is: ``sheet`` is the sheet name (XLSX/ODS), the file stem (CSV) or the table number (DOCX)."""

    sheet: str
    row: int  # 1-based
    col: int  # 1-based; 0 = the whole row
    kind: str  # "sheet" | "table" | "csv"
    line: int = 0  # CSV: the file line where the record starts (a cell may span lines); 0: ``row``
    #: what of the workbook beyond a cell's value (the export's copied personal data): "" the value, "comment" its
    #: comment, "link" its hyperlink's target, "hidden" the value in a hidden sheet, "header" the sheet's headers and
    #: footers, "name" the sheet's name, "properties" the document's properties (author, subject…)
    part: str = ""

    def text(self, lang: str | None = None) -> str:
        """``Feuille1!D14`` (``Feuille1!14:14`` for a whole row); ``tableau 3, ligne 7, colonne 2`` for a Word table."""
        t = translator(lang)
        if self.kind == "table":
            out = t("tableau {n}, ligne {row}").format(n=self.sheet, row=self.row)
            return out + (t(", colonne {col}").format(col=self.col) if self.col else "")
        if self.part == "properties":
            return t("propriétés du document")
        sheet = self.sheet if _PLAIN_SHEET.fullmatch(self.sheet) else "'" + self.sheet.replace("'", "''") + "'"
        if self.part == "header":
            return t("{sheet} (en-tête ou pied de page)").format(sheet=sheet)
        if self.part == "name":
            return t("{sheet} (nom de la feuille)").format(sheet=sheet)
        row = self.line or self.row
        where = f"{sheet}!{column_letters(self.col)}{row}" if self.col else f"{sheet}!{row}:{row}"
        if self.part in _PARTS:
            return t(_PARTS[self.part]).format(cell=where)
        return where

    def __str__(self) -> str:
        return self.text()


#: How a cell's comment, its hyperlink, or a cell of a hidden sheet, is named (:attr:`Place.part`).
_PARTS = {
    "comment": _t("{cell} (commentaire)"),
    "link": _t("{cell} (lien)"),
    "hidden": _t("{cell} (feuille masquée)"),
}


class LogicalText(str):
    """A true/false cell's text, ``true`` or ``false`` as the yes/no conversion reads it, known for one: the sheet
    shows it VRAI/FAUX (TRUE/FALSE in English), which is how a problem quotes it (:attr:`Cell.shown`)."""


_LOGICAL = {True: LogicalText("true"), False: LogicalText("false")}


class NumberText(str):
    """A number cell's text as the converters read it (« 4.5 »); the sheet shows its decimal comma in French
    (« 4,5 »), which is how a problem quotes it there (:meth:`Cell.said`)."""


class DateText(str):
    """A date cell's text as the converters read it, ISO (« 2026-01-12 », « 2026-01-12 18:45:00 »); the sheet shows
    it in its own form (« 12/01/2026 18:45 »), which is how a problem quotes it in French (:meth:`Cell.said`)."""

    sheet_form: str

    def __new__(cls, text: str, sheet_form: str) -> DateText:
        made = super().__new__(cls, text)
        made.sheet_form = sheet_form
        return made


def _date_text(value: dt.date) -> DateText:
    """A date or date-time value as :class:`DateText`; the sheet's form a French spreadsheet's own (« 12/01/2026 »,
    « 12/01/2026 18:45 »: an XLSX cell holds its value, not the text its format shows)."""
    if not isinstance(value, dt.datetime):
        return DateText(value.isoformat(), value.strftime("%d/%m/%Y"))
    if value.time() == dt.time():
        return DateText(value.date().isoformat(), value.strftime("%d/%m/%Y"))
    return DateText(value.isoformat(sep=" "), value.strftime("%d/%m/%Y %H:%M" + (":%S" if value.second else "")))


class ErrorText(str):
    """A formula's cached error as the sheet shows it (« #REF! », « #DIV/0! », « Err:502 »): text no field may take,
    since a title « #REF! » or an amount « #N/A » is the spreadsheet's failure, not the case's value."""


#: A true/false cell as the office suites show it, in each language.
_SHOWN = {"true": _t("VRAI"), "false": _t("FAUX")}


@dataclass(frozen=True)
class Cell:
    place: Place
    text: str  # the cell's value as text: numbers as written (12.5), dates ISO (2026-01-12), booleans true/false
    merged: bool
    uncomputed: bool = False  # a formula whose value the document does not hold (never recalculated): text ""

    def said(self, lang: str) -> str | None:
        """The text as the sheet shows it in ``lang`` when a problem must not quote :attr:`text` as read: a true/false
        cell's VRAI (TRUE), a number cell's « 4,5 », a date cell's « 12/01/2026 18:45 » in French; None when it is
        :attr:`text`."""
        if self.shown is not None:
            return translator(lang)(self.shown)
        if isinstance(self.text, NumberText) and lang == "fr" and "." in self.text:
            return self.text.replace(".", ",")
        if isinstance(self.text, DateText) and lang == "fr" and self.text.sheet_form != self.text:
            return self.text.sheet_form
        return None

    @property
    def error(self) -> bool:
        """Whether the cell holds a formula whose computed value is an error (:class:`ErrorText`)."""
        return isinstance(self.text, ErrorText)

    @property
    def shown(self) -> str | None:
        """A true/false cell's French word as the sheet shows it (« VRAI », to translate), None for any other."""
        return _SHOWN[self.text] if isinstance(self.text, LogicalText) else None


@dataclass(frozen=True)
class Table:
    """The table of cases: its header (text as written, spaces collapsed -> 1-based column) and data rows."""

    kind: str  # "xlsx" | "ods" | "csv" | "docx"
    name: str  # sheet name, file stem (CSV) or table number (DOCX)
    header: dict[str, int]
    rows: list[list[Cell]]  # data rows only, in order; rows with no text at all or repeating the header: left out
    header_row: int = 1
    header_cells: list[Cell] = field(default_factory=list)
    identity: dict[str, Cell] = field(default_factory=dict)  # identity fields read from cells ({ cell = "B2" })
    notes: list[Problem] = field(default_factory=list)  # what the reading chose (the sheet read): said, not errors
    lines: tuple[int, ...] = ()  # CSV: record (row) -> the file line it starts on, so places name file lines

    def place(self, row: int, col: int = 0) -> Place:
        kind = "table" if self.kind == "docx" else ("csv" if self.kind == "csv" else "sheet")
        line = self.lines[row - 1] if 0 < row <= len(self.lines) else 0
        return Place(self.name, row, col, kind, line)

    def column(self, spec: str) -> int | None:
        """The 1-based column a mapping names: header text as written (then ignoring case), else a letter."""
        wanted = _SPACES.sub(" ", spec).strip()
        if wanted in self.header:
            return self.header[wanted]
        folded = {name.casefold(): index for name, index in self.header.items()}
        if wanted.casefold() in folded:
            return folded[wanted.casefold()]
        return column_index(wanted) if is_letter(wanted) else None


#: One document's grid: rows of (text, merged), row 1 first, and the table's name.
_Grid = list[list[tuple[str, bool]]]
#: The (row, column) of the cells that hold a formula and no value for it (1-based).
_Uncomputed = frozenset[tuple[int, int]]


#: An office format we do not read -> what to save it as (the office suite's « Enregistrer sous »).
_SAVE_AS = {
    ".xls": _t("classeur Excel 97-2003 (.xls) : enregistrez-le au format .xlsx et importez-le"),
    ".xlsb": _t("classeur Excel binaire (.xlsb) : enregistrez-le au format .xlsx et importez-le"),
    ".doc": _t("document Word 97-2003 (.doc) : enregistrez-le au format .docx et importez-le"),
    ".odt": _t("document texte OpenDocument (.odt) : enregistrez-le au format .docx et importez-le"),
}


def document_kind(document: Path) -> str:
    """The kind of a document from its extension; :class:`OfficeError` for one we do not read (an old or binary
    office format: what to save it as)."""
    suffix = document.suffix.lower()
    kind = KINDS.get(suffix)
    if suffix in _SAVE_AS:
        raise OfficeError([Problem.of(document, _SAVE_AS[suffix])])
    if kind is None:
        raise OfficeError(
            [
                Problem.of(
                    document, "format de document non pris en charge (formats : {kinds})", kinds="XLSX, ODS, CSV, DOCX"
                )
            ]
        )
    return kind


def read_table(document: Path, mapping: Mapping) -> Table:
    """The table of cases of ``document`` as ``mapping`` locates it; :class:`OfficeError` when unreadable."""
    document = Path(document)
    kind = document_kind(document)
    if not document.is_file():
        raise OfficeError([Problem.of(document, "document introuvable")])
    uncomputed: _Uncomputed = frozenset()
    lines: tuple[int, ...] = ()
    notes: list[Problem] = []
    if kind != "csv":
        _check_package(document, kind)
    try:
        if kind == "xlsx":
            name, grid, uncomputed = _read_xlsx(document, mapping, notes)
        elif kind == "ods":
            name, grid, uncomputed = _read_ods(document, mapping, notes)
        elif kind == "csv":
            name, grid, lines = _read_csv(document, mapping)
        else:
            name, grid = _read_docx(document, mapping)
    except OfficeError:
        raise
    except Exception as exc:  # third-party parsers raise anything on a corrupt file
        raise OfficeError([_unreadable(document, kind, exc)]) from None
    try:
        _check_extent(document, grid, mapping, name if kind == "docx" else None)
        table = _table(kind, name, grid, mapping, uncomputed, lines)
    except OfficeError as exc:
        exc.notes[:0] = notes
        raise
    table.notes.extend(notes)
    return table


def _check_extent(document: Path, grid: _Grid, mapping: Mapping, table: str | None = None) -> None:
    """An empty document, or one that ends before its header row, is one problem (not every column missing).
    ``table``: the Word table read, whose end it is (another table of the document may be the cases')."""
    last = max((number for number, row in enumerate(grid, 1) if any(text.strip() for text, _ in row)), default=0)
    if last == 0 and table is None:
        raise OfficeError([Problem.of(document, _t("document vide"))])
    if last == 0:
        empty = _t("tableau {n} vide : est-ce le bon tableau ? (table = dans [source], 1 = le premier)")
        raise OfficeError([Problem.of(document, empty, n=table)])
    header = mapping.source.header_row
    if header > last and table is not None:
        beyond = _t(
            "l'en-tête (ligne {row}) est au-delà de la fin du tableau {n} (dernière ligne écrite : {last}) : est-ce le "
            "bon tableau ? (table = dans [source], 1 = le premier)"
        )
        raise OfficeError([Problem.of(document, beyond, row=header, n=table, last=last)])
    if header > last:
        beyond = _t("l'en-tête (ligne {row}) est au-delà de la fin du document (dernière ligne écrite : {last})")
        raise OfficeError([Problem.of(document, beyond, row=header, last=last)])


def _unreadable(document: Path, kind: str, exc: Exception) -> Problem:
    """« document XLSX illisible : {reason} », the reason in the reader's language."""
    label = kind.upper()
    ole = _ole_kind(document, kind) if kind in ("xlsx", "docx") else _ods_encrypted(document) if kind == "ods" else None

    def said(t: Callable[[str], str]) -> str:
        return t("document {kind} illisible : {reason}").format(kind=label, reason=t(ole) if ole else _reason(exc, t))

    return Problem.worded(document, said)


def _reason(exc: Exception, t: Callable[[str], str]) -> str:
    """A short, person-readable cause (an OS error's words; otherwise the kind of damage)."""
    if isinstance(exc, OSError) and exc.errno:
        return os_reason(exc, t)
    return t("fichier endommagé ou d'un autre format")


def _ole_kind(document: Path, kind: str = "xlsx") -> str | None:
    """Why an ``.xlsx`` or a ``.docx`` that is an OLE compound file cannot be read: a document encrypted by a
    password (Excel and Word wrap the package in OLE then), else an Excel or Word 97-2003 file; None for any other."""
    try:
        with document.open("rb") as file:
            head = file.read(len(_OLE))
            if head != _OLE:
                return None
            data = head + file.read()
    except OSError:
        return None
    encrypted = _ENCRYPTION_INFO.encode("utf_16_le") in data or _ENCRYPTION_INFO.encode() in data
    if kind == "docx":
        if encrypted:
            return _t("document protégé par mot de passe : enregistrez-en une copie sans mot de passe et importez-la")
        return _t("document Word 97-2003 (.doc) : enregistrez-le au format .docx et importez-le")
    if encrypted:
        return _t("classeur protégé par mot de passe : enregistrez-en une copie sans mot de passe et importez-la")
    return _t("classeur Excel 97-2003 (.xls) : enregistrez-le au format .xlsx et importez-le")


def _ods_encrypted(document: Path) -> str | None:
    """Why an ODS file cannot be read when LibreOffice encrypted it with a password (its manifest says so of its
    parts, or it holds one encrypted package): read as damaged, it was said « fichier endommagé »."""
    import zipfile

    try:
        with zipfile.ZipFile(document) as archive:
            names = set(archive.namelist())
            manifest = archive.read("META-INF/manifest.xml") if "META-INF/manifest.xml" in names else b""
    except (OSError, zipfile.BadZipFile, RuntimeError, ValueError, EOFError):
        return None
    if b"encryption-data" in manifest or "encrypted-package" in names:
        return _t("classeur protégé par mot de passe : enregistrez-en une copie sans mot de passe et importez-la")
    return None


#: An office package's parts are inflated by its reader, python-docx's whole into memory: a part that inflates more
#: than :data:`_INFLATE_RATIO` times, past :data:`_INFLATE_FROM` bytes, is a « zip bomb » (a few hundred KB that
#: inflate to gigabytes), refused before anything is inflated. A real exam book's parts inflate 10 to 40 times (the
#: sample's ``word/styles.xml`` 29 times), and a part of less than 16 MiB is never suspect.
_INFLATE_RATIO = 100
_INFLATE_FROM = 16 << 20
#: All the parts of a package together, inflated: beyond, no exam book (a workbook of 20 000 cases is 60 MB).
_PACKAGE_MAX = 1 << 30


def _check_package(document: Path, kind: str) -> None:
    """An office package (a zip) its reader must not open: a part that inflates like a zip bomb, parts too large
    together, or a part's name written twice (which of the two a reader takes is its choice: Word and python-docx
    differ). Anything else — not a zip, a damaged one — is the reader's to say."""
    import zipfile

    try:
        with zipfile.ZipFile(document) as package:
            parts = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return
    seen: set[str] = set()
    for part in parts:
        if part.filename in seen:
            reason = _t("partie « {part} » écrite deux fois dans l'archive : document endommagé")
            raise OfficeError([_package_problem(document, kind, reason, part=part.filename)])
        seen.add(part.filename)
        packed = max(part.compress_size, 1)
        if part.file_size > _INFLATE_FROM and part.file_size > _INFLATE_RATIO * packed:
            reason = _t(
                "la partie « {part} » ferait {size} une fois décompressée pour {packed} dans le fichier ({ratio} fois "
                "plus) : archive piégée (« bombe zip ») ou endommagée, non décompressée"
            )
            sizes = {"size": part.file_size, "packed": packed}
            ratio = str(part.file_size // packed)
            raise OfficeError([_package_problem(document, kind, reason, sizes, part=part.filename, ratio=ratio)])
    total = sum(part.file_size for part in parts)
    if total > _PACKAGE_MAX:
        reason = _t("{size} une fois décompressé, plus que les {limit} qu'un cahier de tests peut faire : non lu")
        raise OfficeError([_package_problem(document, kind, reason, {"size": total, "limit": _PACKAGE_MAX})])


def _package_problem(
    document: Path, kind: str, reason: str, sizes: dict[str, int] | None = None, **fields: str
) -> Problem:
    """« document DOCX illisible : {reason} » in both languages, ``sizes`` (in bytes) written as each language does."""

    def said(lang: str) -> str:
        t = translator(lang)
        written = {key: byte_size(value, lang) for key, value in (sizes or {}).items()}
        text = t(reason).format(**fields, **written)
        return t("document {kind} illisible : {reason}").format(kind=kind.upper(), reason=text)

    return Problem(str(document), said("fr"), None, said("en"))


def _table(
    kind: str,
    name: str,
    grid: _Grid,
    mapping: Mapping,
    uncomputed: _Uncomputed = frozenset(),
    lines: tuple[int, ...] = (),
) -> Table:
    spec = mapping.source
    placer = Table(kind, name, {}, [], lines=lines)
    header: dict[str, int] = {}
    header_cells: list[Cell] = []
    if len(grid) >= spec.header_row:
        for col, (text, merged) in enumerate(grid[spec.header_row - 1], 1):
            header_cells.append(Cell(placer.place(spec.header_row, col), text, merged))
            words = _SPACES.sub(" ", text).strip()
            if words and words not in header:
                header[words] = col
    width = max((len(r) for r in grid), default=0)
    rows: list[list[Cell]] = []
    titles = _words(grid[spec.header_row - 1]) if len(grid) >= spec.header_row else []
    repeated: list[int] = []
    for number in range(max(spec.first_data_row, spec.header_row + 1), len(grid) + 1):
        raw = grid[number - 1]
        if not any(text.strip() for text, _ in raw):
            continue
        if len([t for t in titles if t]) > 1 and _words(raw) == titles:
            repeated.append(number)  # the header row again (a page break of a converted PDF): no case
            continue
        padded = raw + [("", False)] * (width - len(raw))
        rows.append(
            [
                Cell(placer.place(number, col), text, merged, (number, col) in uncomputed)
                for col, (text, merged) in enumerate(padded, 1)
            ]
        )
    identity: dict[str, Cell] = {}
    for key, ref in mapping.identity.items():
        if isinstance(ref, CellRef):
            row = grid[ref.row - 1] if ref.row <= len(grid) else []
            text, merged = row[ref.column - 1] if ref.column <= len(row) else ("", False)
            identity[key] = Cell(placer.place(ref.row, ref.column), text, merged)
    notes = [Problem.of(placer.place(number), _REPEATED_HEADER) for number in repeated]
    return Table(kind, name, header, rows, spec.header_row, header_cells, identity, notes, lines=lines)


#: a data row that is the header row again, as a document converted from a PDF repeats it after each page break: read
#: as a case, it was refused (« identifiant de cas invalide « N° cas » ») and took the lines of the case it cut in two
_REPEATED_HEADER = _t(
    "ligne identique à celle des en-têtes (répétée à un saut de page) : lue comme en-têtes, pas comme un cas"
)


def _words(row: list[tuple[str, bool]]) -> list[str]:
    """A row's texts, spaces collapsed, without its empty cells at the end: two rows alike read alike."""
    words = [_SPACES.sub(" ", text).strip() for text, _ in row]
    while words and not words[-1]:
        words.pop()
    return words


def case_rows(table: Table, mapping: Mapping) -> dict[str, int]:
    """Case id -> the 1-based row (in the document) of its first row; rows without an id continue a case, and a
    section title row (:func:`section_title`) is none."""
    col = table.column(mapping.columns.get("id", ""))
    out: dict[str, int] = {}
    if col is None:
        return out
    for row in table.rows:
        text = row[col - 1].text.strip() if col <= len(row) else ""
        if text and text not in out and section_title(row, col) is None:
            out[text] = row[col - 1].place.row
    return out


#: Said at a section title row's id cell (:func:`section_title`): what the row is, and that no case comes of it.
SECTION_TITLE = _t("ligne de titre de section « {title} » : pas un cas, non reprise")


def section_title(row: list[Cell], id_col: int) -> str | None:
    """The title of a section title row (« 1. Cas nominaux FSE »), None for any other row.

    A CNDA-style casebook groups its cases under such rows, the title in the id column, often merged across the
    row: read as a case, each was refused (an invalid id, merged cells) and every sectioned document failed. A
    section title is the row's only text, in the id column — alone, or one merged span that starts there (a Word
    span repeats its text in each cell it covers) — and is no valid case id: a valid id is a case even with
    nothing else beside it (its « aucune étape » says so), and a formula cell is said as such, never a title.
    """
    if not 0 < id_col <= len(row) or any(cell.uncomputed or cell.error for cell in row):
        return None
    head = row[id_col - 1]
    title = head.text.strip()
    if not title or CASE_ID.fullmatch(title) or any(cell.text.strip() for cell in row[: id_col - 1]):
        return None
    span = head.merged
    for cell in row[id_col:]:
        span = span and cell.merged and cell.text.strip() in ("", title)
        if cell.text.strip() and not span:
            return None
    return _SPACES.sub(" ", title)


def cell_text(value: object) -> str:
    """A spreadsheet value as the text a person sees: 12.5, 14, 2026-01-12, true (control characters as spaces)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return _CONTROL.sub(" ", value)
    if isinstance(value, bool):
        return _LOGICAL[value]
    if isinstance(value, float):  # beyond 10^16 a float is no longer exact: written as a spreadsheet shows it
        shown = value if value.is_integer() else float(f"{value:.{_SHOWN_DIGITS}g}")  # no binary noise
        return NumberText(int(shown) if shown.is_integer() and abs(shown) < 1e16 else repr(shown))
    if isinstance(value, dt.date):
        return _date_text(value)
    return str(value)


def _read_xlsx(document: Path, mapping: Mapping, notes: list[Problem]) -> tuple[str, _Grid, _Uncomputed]:
    """The sheet's values (openpyxl, the workbook read once) and its cells whose formula has no value.

    ``openpyxl.load_workbook`` is its ``ExcelReader`` read: called here, the reader also names the sheet's
    part in the package, whose formulas are then scanned in the same file (openpyxl reads either a cell's
    value or its formula, never both: a second load of the workbook cost as much as the first).
    """
    import zipfile

    from openpyxl.reader.excel import ExcelReader

    with document.open("rb") as file:
        reader = ExcelReader(file, data_only=True)
        with warnings.catch_warnings():  # « Data Validation extension is not supported »: nothing an import reads
            warnings.simplefilter("ignore")
            reader.read()
        book = reader.wb
        sheet_name = _named_sheet(mapping.source.sheet, book.sheetnames) or _xlsx_default_sheet(book)
        if sheet_name not in book.sheetnames:
            raise OfficeError([_missing_sheet(document, sheet_name, book.sheetnames)])
        sheet = book[sheet_name]
        if mapping.source.sheet is None:
            hidden = [ws.title for ws in book.worksheets if ws.sheet_state != "visible"]
            visible = [ws for ws in book.worksheets if ws.sheet_state == "visible" and ws is not sheet]
            others = [ws.title for ws in visible if _holds(ws)]
            notes.extend(_sheet_notes(document, sheet_name, hidden, others))
        else:
            notes.extend(_sheet_notes(document, sheet_name, [], []))
        merged: set[tuple[int, int]] = set()
        for span in sheet.merged_cells.ranges:
            for row in range(span.min_row, span.max_row + 1):
                for col in range(span.min_col, span.max_col + 1):
                    merged.add((row, col))
        grid = _sparse_grid(sheet, merged)
        _header_from_above(sheet, grid, mapping.source.header_row)
        hidden_rows = [row for row, dimension in sheet.row_dimensions.items() if dimension.hidden]
        notes.extend(_hidden_rows(document, sheet_name, hidden_rows, grid, mapping))
        part = next(rel.target for found, rel in reader.parser.find_sheets() if found.name == sheet_name)
        with zipfile.ZipFile(file) as package:  # the file already open: its directory is read again, not the book
            uncomputed = _uncomputed_formulas(package, part, grid)
    return sheet_name, grid, uncomputed


def _header_from_above(sheet: Any, grid: _Grid, header: int) -> None:
    """A header cell merged with the rows above it (a two-level header: « N° cas » over rows 3 and 4, beside
    « Ligne de facture » over its columns) holds its text in the merge's first cell, above the header row: it is
    the column's header, as the sheet shows it. It was « colonne « N° cas » absente de l'en-tête »."""
    for span in sheet.merged_cells.ranges:
        if span.min_row < header <= span.max_row and header <= len(grid):
            first = sheet._cells.get((span.min_row, span.min_col))
            text = _shown(first) if first is not None and first.value is not None else ""
            row = grid[header - 1]
            if text and not (len(row) >= span.min_col and row[span.min_col - 1][0]):
                row.extend([_BLANK] * (span.min_col - len(row)))
                row[span.min_col - 1] = (text, True)


def _hidden_rows(document: Path, sheet: str, rows: list[int], grid: _Grid, mapping: Mapping) -> list[Problem]:
    """A note naming the rows of cases hidden or filtered out in the sheet: they are read like the others (a
    filter is a view), but a case the editor hid would otherwise be imported and run unseen."""
    first = max(mapping.source.first_data_row, mapping.source.header_row + 1)
    held = [r for r in sorted(rows) if first <= r <= len(grid) and any(text.strip() for text, _ in grid[r - 1])]
    if not held:
        return []
    places = ", ".join(Place(sheet, row, 0, "sheet").text() for row in held[:5]) + ("…" if len(held) > 5 else "")
    template = _t("lignes masquées ou filtrées, lues comme les autres ({count}) : {places}")
    return [Problem.of(document, template, count=len(held), places=places)]


def _xlsx_default_sheet(book: Any) -> str:
    """With no ``sheet =``: the workbook's active sheet when it is visible, else its first visible one
    (a hidden sheet, « Ancienne version », is never read unless named)."""
    visible = [ws for ws in book.worksheets if ws.sheet_state == "visible"]
    active = book.active
    if active is not None and active in visible:
        return str(active.title)
    return str((visible or book.worksheets)[0].title)


def _holds(sheet: Any) -> bool:
    """Whether an XLSX sheet holds any value (a sheet of cases beside the one read)."""
    return any(cell.value not in (None, "") for cell in sheet._cells.values())


def _sheet_notes(document: Path, read: str, hidden: list[str], others: list[str]) -> list[Problem]:
    """What the import says of its choice of sheet: the one read, the hidden ones passed over, and the other
    visible sheets that hold data (one of them may be the cases: ``sheet =`` in ``[source]`` chooses)."""
    notes = [Problem.of(document, _t("feuille « {sheet} » lue"), sheet=read)]
    for sheets, template in ((hidden, _t("feuilles masquées non lues : {names}")), (others, _OTHER_SHEETS)):
        if sheets:  # each name quoted, as every sheet name the import says: « Cas, FSE » is one sheet

            def said(t: Callable[[str], str], sheets: list[str] = sheets, template: str = template) -> str:
                return t(template).format(names=_quoted_sheets(t, sheets))

            notes.append(Problem.worded(document, said))
    return notes


def _quoted_sheets(t: Callable[[str], str], names: list[str]) -> str:
    """Sheet names, each quoted (a comma or a space at its end inside a name shows)."""
    return ", ".join(t("« {name} »").format(name=sheet) for sheet in names)


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _sparse_grid(sheet: Any, merged: set[tuple[int, int]]) -> _Grid:
    """The sheet's rows from the cells it holds, each row as long as its last cell with a value: a stray
    cell far below or far right (XFD1048576) made ``iter_rows`` walk every cell of the rectangle up to it
    (minutes, gigabytes); the rows in between are empty lists. ``_cells`` is openpyxl's own map of the cells
    a sheet holds (its ``iter_rows`` builds on it)."""
    held = sorted((rc, cell) for rc, cell in sheet._cells.items() if cell.value is not None or rc in merged)
    last_row = max((r for (r, _c), _v in held), default=0)
    grid: _Grid = [[] for _ in range(last_row)]
    for (r, c), cell in held:
        row = grid[r - 1]
        row.extend([("", (r, k) in merged) for k in range(len(row) + 1, c)])
        row.append((_shown(cell), (r, c) in merged))
    return grid


def _shown(cell: Any) -> str:
    """An XLSX cell's text; a whole number in a cell formatted ``000`` as the sheet shows it, its leading zeros
    kept: a case id « 001 », a code « 0241763 » typed as numbers read 1 and 241763 (the zeros are its format)."""
    text = cell_text(cell.value)
    if cell.data_type == "e":  # a formula's cached error (t="e"): its text, marked
        return ErrorText(text)
    if isinstance(cell.value, (int, float)) and text.isdigit() and _ZERO_PADDED.fullmatch(cell.number_format):
        return text.zfill(len(cell.number_format))
    return text


def _uncomputed_formulas(package: zipfile.ZipFile, part: str, grid: _Grid) -> _Uncomputed:
    """The empty cells of ``grid`` that hold a formula: a document written by a program and never opened
    in a spreadsheet has no value for its formulas, and the values are all an import reads.

    The sheet's XML part is scanned for its cells' formula elements (no entity, no network); a cell without
    its ``r`` reference follows the one before it, as openpyxl reads it.
    """
    from openpyxl.utils.cell import coordinate_to_tuple

    from testbench.xmlsafe import iterparse

    empty = {(r, c) for r, row in enumerate(grid, 1) for c, (text, _merged) in enumerate(row, 1) if not text}
    found: set[tuple[int, int]] = set()
    row = col = 0
    with package.open(part) as xml:
        events = iterparse(xml, events=("start", "end"), tag=(f"{_MAIN}row", f"{_MAIN}c"))
        for event, element in events:
            if element.tag == f"{_MAIN}row":
                if event == "start":
                    row, col = int(element.get("r") or row + 1), 0
                else:
                    element.clear()
            elif event == "end":
                ref = element.get("r")
                row, col = coordinate_to_tuple(ref) if ref else (row, col + 1)
                if (row, col) in empty and element.find(f"{_MAIN}f") is not None:
                    found.add((row, col))
    return frozenset(found)


def _named_sheet(wanted: str | None, names: list[str]) -> str | None:
    """The sheet the mapping names: its exact name, else the one name equal but for surrounding spaces
    (« Cahier de tests » typed in the mapping, « Cahier de tests  » in the workbook)."""
    if wanted is None or wanted in names:
        return wanted
    near = [name for name in names if name.strip() == wanted.strip()]
    return near[0] if len(near) == 1 else wanted


def _missing_sheet(document: Path, name: str, names: list[str]) -> Problem:
    """Each sheet name quoted, so a space at its end shows."""

    def said(t: Callable[[str], str]) -> str:
        return t("feuille « {sheet} » absente (feuilles : {names})").format(sheet=name, names=_quoted_sheets(t, names))

    return Problem.worded(document, said)


_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
#: LibreOffice's extension namespace: ``calcext:value-type="error"`` marks a formula whose cached value is an error
_CALCEXT = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}"
_BLANK = ("", False)


class _Damaged(ValueError):
    """A document whose structure cannot be (a cell beyond the sheet's size): « fichier endommagé »."""


def _read_ods(document: Path, mapping: Mapping, notes: list[Problem]) -> tuple[str, _Grid, _Uncomputed]:
    """The sheet's cells, from the package's ``content.xml`` read as a stream (lxml; no entity, no network).

    A damaged ``content.xml`` (a cut-off file) raises, so nothing is imported from it: odfpy's loader printed
    the parse error and went on with part of the document. odfpy (still the writer of the examples) is not the
    reader: behind a well-formedness pass it read a 700-row book in 0.87 s and 87 MB where this takes 0.17 s and
    38 MB (5,000 rows: 8.8 s and 388 MB), for a reader only 15 % shorter. Repeated rows and cells are expanded only when
    they hold something, within :data:`ODS_MAX_REPEAT`; blank ones are counted, never copied. With no
    ``sheet =``, the first visible sheet is read (a hidden one's style says ``table:display="false"``).
    """
    import zipfile

    from lxml import etree

    from testbench.xmlsafe import iterparse

    wanted = mapping.source.sheet
    names: list[str] = []
    hidden_styles: set[str] = set()
    hidden: list[str] = []
    others: list[str] = []  # visible sheets not read that hold a value
    current = ""  # the sheet being streamed
    sheet: _OdsSheet | None = None
    tables = 0  # table:table elements open (a cell may hold a table of its own)
    spreadsheet = False
    with zipfile.ZipFile(document) as package, package.open("content.xml") as xml:
        events = iterparse(
            xml,
            events=("start", "end"),
            tag=(f"{_OFFICE}spreadsheet", f"{_TABLE}table", f"{_TABLE}table-row", f"{_STYLE}style"),
        )
        try:
            for event, element in events:
                if element.tag == f"{_OFFICE}spreadsheet":
                    spreadsheet = True
                elif element.tag == f"{_STYLE}style":
                    if event == "end" and _hidden_table_style(element):
                        hidden_styles.add(element.get(f"{_STYLE}name") or "")
                elif element.tag == f"{_TABLE}table":
                    tables += 1 if event == "start" else -1
                    if event == "start" and tables == 1 and spreadsheet:
                        name = current = element.get(f"{_TABLE}name") or ""
                        names.append(name)
                        if element.get(f"{_TABLE}style-name") in hidden_styles:
                            hidden.append(name)
                        if sheet is None and (_same_sheet(name, wanted) or (wanted is None and name not in hidden)):
                            sheet = _OdsSheet(name)
                    elif event == "end" and tables == 0:
                        if sheet is not None:
                            sheet.done = True
                        element.clear(keep_tail=True)
                elif event == "end" and tables == 1:  # a row of a sheet, its cells complete
                    if sheet is not None and not sheet.done:
                        sheet.row(element)
                    elif current not in hidden and current not in others and _ods_holds(element):
                        others.append(current)
                    element.clear(keep_tail=True)
                    parent = element.getparent()
                    while parent is not None and element.getprevious() is not None:
                        del parent[0]
        except etree.XMLSyntaxError:
            # An undeclared namespace prefix (some writers forget one) leaves the document whole and read;
            # any other error is a damaged file.
            errors = [e for e in events.error_log if e.level >= etree.ErrorLevels.ERROR]
            if not errors or any(e.domain != etree.ErrorDomains.NAMESPACE for e in errors):
                raise
    if not spreadsheet:
        raise _Damaged("not a spreadsheet")
    if sheet is None:
        raise OfficeError([_missing_sheet(document, wanted or "", names)])
    if wanted is None:
        notes.extend(_sheet_notes(document, sheet.name, hidden, [name for name in others if name != sheet.name]))
    else:
        notes.extend(_sheet_notes(document, sheet.name, [], []))
    notes.extend(_hidden_rows(document, sheet.name, sheet.hidden, sheet.grid, mapping))
    return sheet.name, sheet.grid, frozenset(sheet.uncomputed)


def _same_sheet(name: str, wanted: str | None) -> bool:
    """Whether an ODS sheet is the one the mapping names, surrounding spaces aside (its sheets are streamed:
    the first that matches is read)."""
    return wanted is not None and (name == wanted or name.strip() == wanted.strip())


def _hidden_table_style(style: Any) -> bool:
    """Whether an automatic style hides the sheets that use it (``table:display="false"``)."""
    if style.get(f"{_STYLE}family") != "table":
        return False
    return any(p.get(f"{_TABLE}display") == "false" for p in style.iter(f"{_STYLE}table-properties"))


def _ods_holds(row: Any) -> bool:
    """Whether an ODS row holds a value (a number, a date, a text)."""
    return any(
        cell.get(f"{_OFFICE}value-type") is not None or any((p.text or len(p)) for p in cell.iter(f"{_TEXT}p"))
        for cell in row
    )


class _OdsSheet:
    """One ODS sheet's grid, built row by row as the stream gives them."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.grid: _Grid = []
        self.uncomputed: set[tuple[int, int]] = set()
        self.blank_rows = 0  # blank rows seen since the last row that holds something, not yet in the grid
        self.hidden: list[int] = []  # rows hidden or filtered out (table:visibility) that hold something
        self.done = False

    def place(self, row: int, col: int = 0) -> Place:
        return Place(self.name, row, col, "sheet")

    def row(self, element: Any) -> None:
        number = len(self.grid) + self.blank_rows + 1
        repeat = _repeat(element.get(f"{_TABLE}number-rows-repeated"))
        cells: list[tuple[str, bool]] = []
        formulas: list[int] = []  # columns of the row's formulas without a value
        blanks = 0  # blank cells since the last one that holds something
        held = False  # a value or a formula in the row (not only merged cells)
        for cell in element:
            if cell.tag not in (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell"):
                continue
            times = _repeat(cell.get(f"{_TABLE}number-columns-repeated"))
            col = len(cells) + blanks + 1
            text, uncomputed = self.value(cell, number, col)
            merged = (
                cell.tag == f"{_TABLE}covered-table-cell"
                or _repeat(cell.get(f"{_TABLE}number-columns-spanned")) > 1
                or _repeat(cell.get(f"{_TABLE}number-rows-spanned")) > 1
            )
            if not (text or uncomputed) and (not merged or times > ODS_MAX_REPEAT):
                blanks += times  # blank, or the covered cells of a merge across the sheet: nothing to read
                continue
            held = held or bool(text) or uncomputed
            if times > ODS_MAX_REPEAT:
                problem = Problem.of(self.place(number, col), _ODS_REPEATED_CELL, count=times, limit=ODS_MAX_REPEAT)
                raise OfficeError([problem])
            if col + times - 1 > _SHEET_COLUMNS:
                raise _Damaged("beyond the last column")
            cells.extend([_BLANK] * blanks)
            blanks = 0
            if uncomputed:
                formulas.extend(range(col, col + times))
            cells.extend([(text, merged)] * times)
        if not cells or (not held and repeat > ODS_MAX_REPEAT):  # a merge down the sheet is no value
            self.blank_rows += repeat
            return
        if repeat > ODS_MAX_REPEAT:
            problem = Problem.of(self.place(number), _ODS_REPEATED_ROW, count=repeat, limit=ODS_MAX_REPEAT)
            raise OfficeError([problem])
        if number + repeat - 1 > _SHEET_ROWS:
            raise _Damaged("beyond the last row")
        empty: list[tuple[str, bool]] = []
        self.grid.extend([empty] * self.blank_rows)  # one shared empty row: never changed by the readers
        self.blank_rows = 0
        if element.get(f"{_TABLE}visibility") in ("collapse", "filter"):
            self.hidden.extend(range(len(self.grid) + 1, len(self.grid) + 1 + repeat))
        for _ in range(repeat):
            self.uncomputed.update((len(self.grid) + 1, col) for col in formulas)
            self.grid.append(cells)

    def value(self, cell: Any, row: int, col: int) -> tuple[str, bool]:
        """A cell's text as a person sees it, and whether it is a formula the document holds no value for."""
        value_type = cell.get(f"{_OFFICE}value-type")
        formula = cell.get(f"{_TABLE}formula") is not None
        if formula and cell.get(f"{_CALCEXT}value-type") == "error":  # shown « #DIV/0! », « Err:502 »
            return ErrorText(cell_text("\n".join(_ods_text(p) for p in cell if p.tag == f"{_TEXT}p")) or "#"), False
        if value_type in ("float", "currency", "percentage"):
            raw = cell.get(f"{_OFFICE}value")
            number = _finite(raw)
            if number is None:
                if formula:
                    return "", True
                raise OfficeError([Problem.of(self.place(row, col), _ODS_BAD_NUMBER, text=raw or "")])
            text = _ods_padded(cell_text(number), cell)
        elif value_type == "date":  # ISO, a time after a space as an XLSX date-time's; quoted as the sheet shows it
            iso = (cell.get(f"{_OFFICE}date-value") or "").removesuffix("T00:00:00").replace("T", " ")
            shown = cell_text("\n".join(_ods_text(p) for p in cell if p.tag == f"{_TEXT}p"))
            text = DateText(iso, shown or iso)
        elif value_type == "boolean":
            text = _LOGICAL[cell.get(f"{_OFFICE}boolean-value") == "true"]
        else:
            text = cell_text("\n".join(_ods_text(p) for p in cell if p.tag == f"{_TEXT}p"))
            # a value type is the computed value's: a formula's empty text then is its result, not a lack
            return text, formula and value_type is None and not text
        return text, formula and not text


def _ods_padded(text: str, cell: Any) -> str:
    """A whole number as the sheet shows it when its shown text only adds leading zeros (a number style with
    ``number:min-integer-digits``: « 007 » for 7), as :func:`_shown` reads an XLSX cell formatted ``000``."""
    shown = "".join(_ods_text(p) for p in cell if p.tag == f"{_TEXT}p")
    if text.isdigit() and shown.isascii() and shown.isdigit() and len(shown) > len(text) and int(shown) == int(text):
        return shown
    return text


def _repeat(value: str | None) -> int:
    """A repetition or span count (1 when absent); not a number: a damaged document."""
    return max(int(value), 1) if value else 1


def _finite(raw: str | None) -> float | None:
    """An ``office:value`` as a number; None when absent, not a number, or infinite."""
    try:
        number = float(raw) if raw is not None else None
    except ValueError:
        return None
    return number if number is not None and math.isfinite(number) else None


def _ods_text(element: Any) -> str:
    """A paragraph's text with its spaces (``text:s``), tabs and line breaks; spans and links unwrapped."""
    out = [element.text or ""]
    for child in element:
        if child.tag == f"{_TEXT}s":
            count = _repeat(child.get(f"{_TEXT}c"))
            if count > _SHEET_COLUMNS:  # no cell holds so many spaces in a row: a damaged document
                raise _Damaged("spaces")
            out.append(" " * count)
        elif child.tag == f"{_TEXT}tab":
            out.append("\t")
        elif child.tag == f"{_TEXT}line-break":
            out.append("\n")
        elif isinstance(child.tag, str):
            out.append(_ods_text(child))
        out.append(child.tail or "")
    return "".join(out)


def _read_csv(document: Path, mapping: Mapping) -> tuple[str, _Grid, tuple[int, ...]]:
    """The records of a CSV file and the file line each starts on (a quoted cell may span lines).

    Read strictly: a quote left open swallowed the records below it into one cell, then said as empty fields
    of the wrong case; it is refused at the line where its record starts.
    """
    raw = document.read_bytes()
    encoding = mapping.source.encoding
    not_text = _not_text(document, raw, encoding)
    if not_text is not None:
        raise OfficeError([not_text])
    # UTF-16 without its byte order mark has a null beside each ASCII character: read as an 8-bit encoding
    # (cp1252 takes any byte) every header came garbled, and under UTF-8 its first « ° » got the cp1252 hint —
    # counted before decoding, so that either way the hint is UTF-16's; a stray null in a cell is only a space
    # (:func:`cell_text`)
    if raw.count(b"\x00") * 4 > len(raw) and not codecs.lookup(encoding).name.startswith(("utf-16", "utf-32")):
        start, newline = raw.index(b"\x00"), b"\n"
        where = f"{document}:{raw.count(newline, 0, start) + 1}:{start - raw.rfind(newline, 0, start)}"
        raise OfficeError([_csv_problem(where, _CSV_NUL)])
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise OfficeError([_undecodable(document, raw, encoding, exc)]) from None
    rows: list[list[str]] = []
    lines: list[int] = []
    done = 0  # the file line the last record read ends on
    limit = csv.field_size_limit(_CSV_MAX_FIELD)  # a cell may be longer than Python's default allows
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=mapping.source.delimiter, strict=True)
    try:
        for row in reader:
            lines.append(done + 1)
            rows.append(row)
            done = reader.line_num
    except csv.Error as exc:
        at_end = str(exc).startswith("unexpected end of data")
        raise OfficeError([_bad_quote(document, done + 1, at_end)]) from None
    finally:
        csv.field_size_limit(limit)
    return document.stem, [[(cell_text(cell), False) for cell in row] for row in rows], tuple(lines)


def _bad_quote(document: Path, line: int, at_end: bool) -> Problem:
    """A quote the CSV reader cannot close, at ``file:line`` of the record it is in."""
    if at_end:
        reason = _t(
            "guillemet ouvert dans cet enregistrement et jamais fermé (la cellule irait jusqu'à la fin du fichier)"
        )
    else:
        reason = _t(
            "guillemet non fermé ou mal placé dans cet enregistrement : une cellule entre guillemets se ferme par un"
            ' guillemet suivi du séparateur ou de la fin de ligne (un guillemet dans le texte s\'écrit "")'
        )
    return _csv_problem(f"{document}:{line}", reason)


_CSV_WORKBOOK = _t("c'est un classeur (XLSX, ODS ou XLS), pas un texte : importez-le sous son extension")
_CSV_UTF16 = _t('texte en UTF-16 (le « Texte Unicode » d\'Excel) : encoding = "utf-16" dans la correspondance')
_CSV_NUL = _t('caractères nuls : un texte en UTF-16 (encoding = "utf-16") ou un fichier qui n\'est pas du texte')


def _not_text(document: Path, raw: bytes, encoding: str) -> Problem | None:
    """A file named ``.csv`` that is no text in ``encoding``: a workbook renamed (a zip, an OLE file), or
    UTF-16 (Excel's « Texte Unicode ») under another encoding, whose hint would otherwise be cp1252."""
    if raw.startswith((b"PK\x03\x04", _OLE)):
        return _csv_problem(str(document), _CSV_WORKBOOK)
    utf16 = raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if utf16 and not codecs.lookup(encoding).name.startswith("utf-16"):
        return _csv_problem(str(document), _CSV_UTF16)
    return None


def _undecodable(document: Path, raw: bytes, encoding: str, exc: UnicodeDecodeError) -> Problem:
    """The first byte the encoding cannot read, at ``file:line:column``. A file otherwise in UTF-8 holds a
    stray byte (a character pasted from elsewhere); one with no UTF-8 at all is likely Excel's cp1252 CSV.
    (``utf-8-sig`` counts its offsets after the byte order mark.)"""
    name = codecs.lookup(encoding).name
    start = exc.start + (len(codecs.BOM_UTF8) if name == "utf-8-sig" and raw.startswith(codecs.BOM_UTF8) else 0)
    line = raw.count(b"\n", 0, start) + 1
    begin = raw.rfind(b"\n", 0, start) + 1
    column = len(raw[begin:start].decode(encoding, errors="replace")) + 1
    where = f"{document}:{line}:{column}"
    byte = f"0x{raw[start]:02X}"
    if not name.startswith("utf-8"):
        other = _t("octet {byte} qui n'est pas du texte en {encoding}")
        return _csv_problem(where, other, byte=byte, encoding=encoding)
    if any(ord(char) > 127 and char != "\ufffd" for char in raw.decode("utf-8", errors="replace")):
        stray = _t("octet {byte} qui n'est pas de l'utf-8 (un caractère collé d'un autre document ? retapez-le)")
        return _csv_problem(where, stray, byte=byte)
    cp1252 = _t(
        "texte qui n'est pas en {encoding}"
        ' (un CSV enregistré par Excel : encoding = "cp1252" dans la correspondance)'
    )
    return _csv_problem(where, cp1252, encoding="utf-8")


def _csv_problem(where: str, reason: str, **fields: str) -> Problem:
    """« document CSV illisible : {reason} », each part in the reader's language."""

    def said(t: Callable[[str], str]) -> str:
        return t("document {kind} illisible : {reason}").format(kind="CSV", reason=t(reason).format(**fields))

    return Problem.worded(where, said)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
#: The columns a Word table may have (Word: 63; LibreOffice more): a merge or a shift past it is a damaged document,
#: refused at its cell — a span of a million columns made every row a million cells (90 s, then a problem a cell).
DOCX_MAX_COLUMNS = 1000
_DOCX_SPAN = _t(
    "cellule fusionnée sur {count} colonnes (w:gridSpan), la ligne irait au-delà des {limit} colonnes d'un "
    "tableau : document endommagé"
)
_DOCX_SHIFT = _t(
    "ligne décalée de {count} colonnes (w:gridBefore), au-delà des {limit} colonnes d'un tableau : document endommagé"
)
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
#: The namespaces Word reads that a ``mc:Choice`` may require (Word 2010 to 365's extensions, its drawings and text
#: boxes, equations): the Choice that requires only these is the branch Word shows; any other, its ``mc:Fallback``.
_DOCX_KNOWN = frozenset(
    {
        "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
        "http://schemas.openxmlformats.org/officeDocument/2006/math",
        "http://schemas.microsoft.com/office/word/2010/wordml",
        "http://schemas.microsoft.com/office/word/2012/wordml",
        "http://schemas.microsoft.com/office/word/2015/wordml/symex",
        "http://schemas.microsoft.com/office/word/2016/wordml/cid",
        "http://schemas.microsoft.com/office/word/2018/wordml",
        "http://schemas.microsoft.com/office/word/2018/wordml/cex",
        "http://schemas.microsoft.com/office/word/2020/wordml/sdtdatahash",
        "http://schemas.microsoft.com/office/word/2023/wordml/word16du",
        "http://schemas.microsoft.com/office/word/2010/wordprocessingDrawing",
        "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
        "http://schemas.microsoft.com/office/word/2010/wordprocessingGroup",
        "http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas",
        "http://schemas.microsoft.com/office/word/2010/wordprocessingInk",
        "http://schemas.microsoft.com/office/drawing/2010/main",
    }
)
_DOCX_COUNT = _t("nombre illisible « {text} » dans {element} : document endommagé")


def _read_docx(document: Path, mapping: Mapping) -> tuple[str, _Grid]:
    """The table's cells as Word shows them. python-docx reads only the rows and cells that are a table's own
    children, and only the body's own tables: a row or a cell inside a content control (Word's repeating section, a
    form's field) or a custom XML element was dropped without a word — a case's row gone, a row's cells shifted
    under the wrong headers — and so was a table so wrapped, the next one taken for it. A row shifted right
    (``w:gridBefore``) starts under the column Word shows it under."""
    import docx

    word = docx.Document(str(document))
    _docx_choose_alternatives(word.element.body)
    tables = list(_docx_children(word.element.body, f"{_W}tbl"))
    number = mapping.source.table
    if number > len(tables):
        raise OfficeError(
            [Problem.of(document, "tableau {n} absent (le document en a {count})", n=number, count=len(tables))]
        )
    hidden = _DocxHidden(word.styles.element)
    grid: _Grid = []
    for row_number, tr in enumerate(_docx_children(tables[number - 1], f"{_W}tr"), 1):
        place = Place(str(number), row_number, 0, "table")
        shift = _docx_count(tr.find(f"{_W}trPr/{_W}gridBefore"), place, "w:gridBefore")
        if shift > DOCX_MAX_COLUMNS:
            raise OfficeError([Problem.of(place, _DOCX_SHIFT, count=shift, limit=DOCX_MAX_COLUMNS)])
        cells: list[tuple[str, bool]] = [_BLANK] * shift
        for tc in _docx_children(tr, f"{_W}tc"):
            here = Place(str(number), row_number, len(cells) + 1, "table")
            span = max(_docx_count(tc.find(f"{_W}tcPr/{_W}gridSpan"), here, "w:gridSpan"), 1)  # 0: Word's 1
            if len(cells) + span > DOCX_MAX_COLUMNS:
                raise OfficeError([Problem.of(here, _DOCX_SPAN, count=span, limit=DOCX_MAX_COLUMNS)])
            merged = span > 1 or tc.find(f"{_W}tcPr/{_W}vMerge") is not None
            cells.extend([(cell_text(_docx_cell_text(tc, hidden)), merged)] * span)
        grid.append(cells)
    return str(number), grid


def _docx_choose_alternatives(body: Any) -> None:
    """Each ``mc:AlternateContent`` replaced by the one branch Word shows: its first ``mc:Choice`` whose
    ``Requires`` names only namespaces Word reads, else its ``mc:Fallback``, else nothing. python-docx keeps both
    branches, so a run written twice for two versions of Word (a 2010 feature and its fallback) was read twice."""
    for alternate in list(body.iter(f"{_MC}AlternateContent")):
        parent = alternate.getparent()
        if parent is None:
            continue
        at = parent.index(alternate)
        parent.remove(alternate)
        for offset, child in enumerate(list(_docx_branch(alternate))):
            parent.insert(at + offset, child)


def _docx_branch(alternate: Any) -> list[Any]:
    """The children of the branch of ``alternate`` Word takes (none when it takes none)."""
    for choice in alternate.iterchildren(f"{_MC}Choice"):
        prefixes = (choice.get("Requires") or "").split()
        if prefixes and all(choice.nsmap.get(prefix) in _DOCX_KNOWN for prefix in prefixes):
            return list(choice)
    fallback = alternate.find(f"{_MC}Fallback")
    return [] if fallback is None else list(fallback)


class _DocxHidden:
    """Whether a run is hidden text (``w:vanish``, ``w:specVanish``), as Word resolves it: the run's own properties,
    else its character style's, else its paragraph's style's, else the document's defaults, a style through those it
    is based on. Word does not show hidden text unless asked to, nor prints it — a note to the team, an old value
    kept out of sight. Text hidden by a style (a « Note masquée » style applied to remarks) was read as shown:
    imported into the casebook and copied, visible, by ``testbench export``."""

    def __init__(self, styles: Any) -> None:
        found = [] if styles is None else list(styles.iterchildren(f"{_W}style"))
        self.styles = {style.get(f"{_W}styleId"): style for style in found}
        self.paragraph = next(
            (
                style.get(f"{_W}styleId")
                for style in found
                if style.get(f"{_W}type") == "paragraph" and _docx_on(style.get(f"{_W}default"))
            ),
            None,
        )
        defaults = None if styles is None else styles.find(f"{_W}docDefaults/{_W}rPrDefault/{_W}rPr")
        self.default = bool(_docx_vanish(defaults))
        self.known: dict[str | None, bool | None] = {}

    def __call__(self, r: Any, p: Any) -> bool:
        own = _docx_vanish(r.find(f"{_W}rPr"))
        if own is not None:
            return own
        character = _docx_val(r.find(f"{_W}rPr/{_W}rStyle"))
        paragraph = _docx_val(p.find(f"{_W}pPr/{_W}pStyle")) or self.paragraph
        for style_id in (character, paragraph):
            hidden = self._style(style_id)
            if hidden is not None:
                return hidden
        return self.default

    def mark(self, p: Any) -> bool:
        """Whether a paragraph's mark is hidden: a paragraph with nothing shown then takes no line in its cell."""
        own = _docx_vanish(p.find(f"{_W}pPr/{_W}rPr"))
        if own is not None:
            return own
        hidden = self._style(_docx_val(p.find(f"{_W}pPr/{_W}pStyle")) or self.paragraph)
        return self.default if hidden is None else hidden

    def _style(self, style_id: str | None) -> bool | None:
        """The style's own hidden mark, else that of the first style it is based on that has one (None: none says;
        a loop of bases ends), remembered: every run of a cell asks."""
        if style_id in self.known:
            return self.known[style_id]
        chain: list[str | None] = []
        hidden: bool | None = None
        while style_id in self.styles and style_id not in chain:
            chain.append(style_id)
            style = self.styles[style_id]
            hidden = _docx_vanish(style.find(f"{_W}rPr"))
            if hidden is not None:
                break
            style_id = _docx_val(style.find(f"{_W}basedOn"))
        self.known.update(dict.fromkeys(chain, hidden))
        return hidden


def _docx_vanish(props: Any) -> bool | None:
    """What run properties say of hiding: True or False when they hold ``w:vanish``/``w:specVanish``, else None."""
    if props is None:
        return None
    marks = [mark for tag in ("vanish", "specVanish") if (mark := props.find(f"{_W}{tag}")) is not None]
    return any(_docx_on(mark.get(f"{_W}val")) for mark in marks) if marks else None


def _docx_on(value: str | None) -> bool:
    """A Word on/off attribute: absent is on."""
    return (value or "true").lower() not in ("false", "0", "off")


def _docx_val(element: Any) -> str | None:
    """An element's ``w:val`` (None without the element)."""
    return None if element is None else element.get(f"{_W}val")


def _docx_children(element: Any, tag: str) -> Iterator[Any]:
    """``element``'s ``tag`` children in document order, with those inside content controls (``w:sdt``) and custom
    XML elements (``w:customXml``), however deep: Word shows them as the others."""
    for child in element:
        if child.tag == tag:
            yield child
        elif child.tag == f"{_W}sdt":
            for content in child.iterchildren(f"{_W}sdtContent"):
                yield from _docx_children(content, tag)
        elif child.tag == f"{_W}customXml":
            yield from _docx_children(child, tag)


def _docx_count(element: Any, place: Place, name: str) -> int:
    """A span or a shift's ``w:val`` (0 when absent); not a number: refused at its cell."""
    if element is None:
        return 0
    text = element.get(f"{_W}val") or ""
    try:
        return int(text)
    except ValueError:
        raise OfficeError([Problem.of(place, _DOCX_COUNT, text=text, element=name)]) from None


def _docx_cell_text(tc: Any, hidden: _DocxHidden) -> str:
    """A Word cell's text as Word shows it: python-docx reads only a paragraph's own runs, so the text of a
    tracked insertion (``w:ins``: a reviewer's « 33,61 » over « 33,60 », revisions on), of a content control
    or of a smart tag was dropped unsaid; deleted and moved-away text (``w:del``, ``w:moveFrom``) and hidden text
    (``w:vanish``, directly or by a style: ``hidden``) are not shown.
    A table inside the cell is read too, its cells separated by tabs and its rows by line breaks, as Word copies
    it as text: it was dropped unsaid."""
    paragraph, run, gone = f"{_W}p", f"{_W}r", {f"{_W}del", f"{_W}moveFrom"}

    def shown(p: Any) -> str:
        out = []
        for r in p.iter(run):
            parent = r.getparent()
            while parent is not None and parent is not p and parent.tag not in gone and parent.tag != paragraph:
                parent = parent.getparent()
            if parent is p and not hidden(r, p):  # not deleted, hidden, nor in a text box's paragraph of its own
                out.append(r.text)
        return "".join(out)

    def nested(tbl: Any) -> str:
        rows = _docx_children(tbl, f"{_W}tr")
        return "\n".join("\t".join(_docx_cell_text(c, hidden) for c in _docx_children(tr, f"{_W}tc")) for tr in rows)

    def block(child: Any) -> tuple[str, bool]:  # its text, and whether it takes no line when empty (a hidden mark)
        return (nested(child), False) if child.tag == f"{_W}tbl" else (shown(child), hidden.mark(child))

    return "\n".join(text for text, gone in map(block, _docx_blocks(tc)) if text or not gone)


def _docx_blocks(element: Any) -> Iterator[Any]:
    """A cell's paragraphs and tables in document order, those inside content controls and custom XML too."""
    for child in element:
        if child.tag in (f"{_W}p", f"{_W}tbl"):
            yield child
        elif child.tag == f"{_W}sdt":
            for content in child.iterchildren(f"{_W}sdtContent"):
                yield from _docx_blocks(content)
        elif child.tag == f"{_W}customXml":
            yield from _docx_blocks(child)
