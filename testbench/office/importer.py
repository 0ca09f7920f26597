"""Office document -> casebook XML, through a mapping (docs/office-import.md).

Rows are grouped into cases (a row with an empty id continues the case above: more invoice lines, steps,
expectations; a section title row is none, only said); each cell is converted as its field wants, and what cannot be
is a :class:`Problem` placed at its cell. A case with a problem is left out, the others are kept.
:func:`write_import` then checks the result with the casebook loader — in the folder it is written to, since card
profiles are relative to it — leaves out the cases the loader refuses (placed at their first row), and writes the
file atomically. A case left out for a conversion problem is checked too, as far as it was built, so that one run
says all of a row's errors.
"""

from __future__ import annotations

import contextlib
import copy
import difflib
import functools
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from testbench.casebook.model import Domain, Mode, SourceRef
from testbench.casebook.selection import codes_named
from testbench.casebook.source import SourceText, has_doctype
from testbench.casebook.vocabulary import CASE_ID, CASE_ID_RULE, case_id_fault
from testbench.domain.decimals import read_decimal, units_at
from testbench.domain.vocabulary import ACTIONS, OBSERVATION_ROOTS, REFUSAL_CODES
from testbench.fmt import DOMAIN_LABELS, MODE_LABELS, os_reason, visible_controls
from testbench.i18n import _t, tn, translator
from testbench.office import convert
from testbench.office.locks import document_open
from testbench.office.mapping import (
    CASE_FIELDS,
    DID_YOU_MEAN,
    IDENTITY_FIELDS,
    INVOICE_FIELDS,
    LINE_FIELDS,
    CellRef,
    ExpectSpec,
    Mapping,
    StepSpec,
    closest,
    folded,
    same_column,
)
from testbench.office.problems import OfficeError, Problem
from testbench.office.tables import SECTION_TITLE, Cell, Place, Table, read_table, section_title
from testbench.wholefile import write_whole
from testbench.xmlsafe import from_bytes
from testbench.xmlsafe import parser as xml_parser

__all__ = ["ImportResult", "OfficeError", "Problem", "import_document", "write_import"]

NS = "urn:testbench:casebook:1"
_UNCOMPUTED = (
    "formule sans valeur calculée (document jamais recalculé) : ouvrez-le dans un tableur, "
    "enregistrez-le, puis importez-le à nouveau"
)
#: A formula whose cached value is an error (:class:`testbench.office.tables.ErrorText`): never taken as the value.
_FORMULA_ERROR = _t(
    "formule en erreur « {value} » : corrigez-la dans le tableur, enregistrez le document, puis importez-le à nouveau"
)
#: Several merged cells on one row of cases, said once at the first.
_MERGED_RUN = _t(
    "cellules fusionnées dans la zone des cas ({count} sur la ligne, à partir de celle-ci) : une valeur par cellule"
)
_PARAMS = re.compile(r"^(?P<phrase>.*?)\s*\((?P<params>[^()]*)\)\s*$")
_PARAM_NAME = re.compile(r"[a-z][a-z0-9-]{0,40}")
#: A step parameter naming the PIN in any case and spacing (« PIN = 1234 », « Pin:1234 »): refused unquoted
_PIN_PARAM = re.compile(r"\s*pin\s*(?:[=:]|$|\s)", re.IGNORECASE)
_WORDS = re.compile(r"[\s,;]+")
#: A list marker before an item of a cell: « 1. », « 2) », « - », « • » followed by a space.
_LIST_MARKER = re.compile(r"\A(?:[0-9]{1,2}[.)]|[-–—•·*▪])\s+")
#: What a person separates the items of one line with when the mapping splits a cell at its lines only.
_ITEMS = re.compile(r"\s*[,;]\s*")
_STEPS_ON_ONE_LINE = _t(
    "plusieurs étapes sur une même ligne « {phrase} » : une étape par ligne de la cellule"
    " (ou la clé « separators » de [split])"
)
_VALUES_ON_ONE_LINE = _t(
    "plusieurs résultats attendus sur une même ligne « {item} » : un résultat par ligne de la cellule"
    " (ou la clé « separators » de [split])"
)
_PATH_LIKE = re.compile(r"[a-z_]+(\.[A-Za-z0-9_\[\]]+)+")
#: Digits alone this long are an identifier (FINESS, ADELI 9 digits; RPPS 11; NIR 13 or 15), not a number
_IDENTIFIER = re.compile(r"[0-9]{9,}")
#: Type of an expected value -> what is said when its text does not read (amounts and dates: convert's words).
_UNREADABLE = {
    "integer": "entier illisible « {text} »",
    "boolean": convert.BOOLEAN_UNREADABLE,
}
#: A domain or a mode none of the casebook's, said in the sheet's words: the column's header, and each domain or mode
#: as the mapping's [values] writes it, else by its name (:data:`testbench.fmt.DOMAIN_LABELS`), never its code.
_UNKNOWN_CHOICE = {
    "domain": _t("colonne « {column} » : « {text} » n'est pas un domaine connu (domaines : {words})"),
    "mode": _t("colonne « {column} » : « {text} » n'est pas un mode connu (modes : {words})"),
}
_CHOICE_LABELS = {"domain": DOMAIN_LABELS, "mode": MODE_LABELS}
#: An Exo (exonération) cell the casebook cannot take, said in the sheet's words rather than as the schema's
#: pattern: one character, a digit or a capital letter (``<line exo>`` in casebook-1.xsd).
_NOT_AN_EXO = _t(
    "colonne « {column} » : « {text} » n'est pas un code d'exonération (un seul caractère, chiffre ou lettre"
    " majuscule, 4 par exemple)"
)
_EXO = re.compile(r"[0-9A-Z]")
#: A column's text that is none of the values its field takes, said in the sheet's words.
_NOT_A_CHOICE = _t("colonne « {column} » : « {text} » n'est pas une valeur possible (valeurs : {words})")
_DUPLICATE_HEADER = _t("en-tête « {header} » en double (déjà en {place}) : le champ {field} lit la première")
_BAD_ID = _t("identifiant de cas invalide « {id} » — {why} ({rule})")
#: Fields of the case itself (not of a line, a step, an expectation): a continuation row does not give them —
#: but for its comment, a remark continued beside a line (:meth:`_Importer._own_fields`).
_CASE_OWN = tuple(name for name in (*CASE_FIELDS, *INVOICE_FIELDS) if name != "id")
#: A row without id just under a section title: which case it continues, none tells (the title is no case).
_UNDER_SECTION = _t("ligne sans identifiant de cas sous le titre de section « {title} », avant son premier cas")
#: Line attributes -> their ``<line>`` attribute name (``line-date`` is the line's ``date``).
_LINE_ATTRS = {"line-date": "date"}


@dataclass(frozen=True)
class ImportResult:
    xml: bytes
    cases: list[str]  # ids of the cases in ``xml``, in document order
    problems: list[Problem]
    left_out: list[str] = field(default_factory=list)  # ids of the cases left out because of a problem
    rows: dict[str, Place] = field(default_factory=dict)  # case id -> place of its first row
    copied: list[Path] = field(default_factory=list)  # card profiles copied beside the written casebook
    notes: list[Problem] = field(default_factory=list)  # said, not errors: the sheet read, columns not taken
    kept: list[str] = field(default_factory=list)  # left-out cases whose previous version was written unchanged
    #: previous cases no row names, written unchanged because a row's case is in doubt (see _Importer.doubtful)
    unmatched: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, Place]] = field(default_factory=list)  # rows left out for an id already used
    doubtful: Place | None = None  # the first row whose case its id does not tell (a duplicate, an erased id)
    #: previous cases that never came from the document (``new case --casebook``), written unchanged
    hand: list[str] = field(default_factory=list)


@dataclass
class _Case:
    id: str
    cells: list[dict[str, Cell]]  # one dict per row: field -> cell
    problems: list[Problem] = field(default_factory=list)


def import_document(document: Path, mapping: Mapping, table: Table | None = None) -> ImportResult:
    """Convert ``document`` into casebook XML (not yet checked by the loader; see :func:`write_import`).

    Card profiles stay as the fixtures file writes them. :class:`OfficeError` when the document cannot be
    read or lacks a column the mapping names (its ``notes`` then say which sheet was read). ``table``: the
    document already read with ``mapping`` (the export reads it once).
    """
    table = table or read_table(document, mapping)
    importer = _Importer(table, mapping)
    try:
        return importer.run()
    except OfficeError as exc:
        exc.notes[:0] = importer.notes
        raise


def write_import(document: Path, mapping: Mapping, out: Path, drop_absent: bool = False) -> ImportResult:
    """Import ``document`` into ``out``: checked by the loader, refused cases left out, written atomically.

    Card profiles the fixtures name are written relative to ``out``'s folder; one that is not under it is
    copied into ``cards/`` there (never over a different file). A case left out for an error whose previous
    version is in the casebook ``out`` already holds keeps that version (a re-import never loses a case to a
    typo). A case of ``out`` that no import wrote (added by hand or by ``new case --casebook``) is kept too,
    unless ``drop_absent``: only a case that came from the document is removed with its row. Nothing is written
    when no case is left or the casebook itself (identity, fixtures) does not validate: :class:`OfficeError`.
    """
    table = read_table(document, mapping)
    out = Path(out)
    folder = out.resolve().parent
    importer = _Importer(table, mapping, folder)
    if (opened := document_open(document)) is not None:  # read all the same: the last save, not the edits on screen
        importer.notes.insert(0, opened)
    try:  # a failure anywhere (a full disk mid-copy) leaves nothing of this import, not even a card profile
        return _written(document, mapping, out, drop_absent, importer, table, folder)
    except OfficeError as exc:  # the sheet read, the columns not taken: said however the import failed
        exc.notes[:0] = importer.notes
        importer.undo_copies()
        raise
    except BaseException:
        importer.undo_copies()
        raise


def _written(
    document: Path, mapping: Mapping, out: Path, drop_absent: bool, importer: _Importer, table: Table, folder: Path
) -> ImportResult:
    """The body of :func:`write_import`: run, check, leave out what the loader refuses, write."""
    importer.run()
    keep = _previous_cases(out)
    importer.hand_made = _hand_made(out)  # never an imported case in doubt, even when dropped
    if not drop_absent:
        importer.hand = set(importer.hand_made)
    result = importer.render(keep=keep)
    problems, dropped = list(result.problems), set[str]()
    for _attempt in range(4):  # a previous version kept may be refused in its turn: one round more
        if not result.cases:
            raise OfficeError([*problems, _nothing_importable(document, table, bool(importer.cases))])
        previous = {*result.kept, *result.unmatched, *result.hand}
        refused = _check(result.xml, folder, mapping, importer, previous)
        if not refused:
            write_whole(out, result.xml)
            problems.extend(_kept(result))
            return ImportResult(
                result.xml, result.cases, problems, result.left_out, result.rows, list(importer.copied),
                result.notes, result.kept, result.unmatched, result.duplicates, result.doubtful, result.hand,
            )
        for case_id, messages in refused.items():
            if case_id in previous:  # its previous version does not validate either: nothing to keep
                keep.pop(case_id, None)
            dropped.add(case_id)
            for french, english, place in messages:
                where = place or result.rows.get(case_id) or mapping.path
                said = _composed(where, "cas {case} laissé de côté : {reason}", case_id, french, english)
                if said not in problems:  # four values of one cell on a refused step: said once at that cell
                    problems.append(said)
        result = importer.render(exclude=dropped, keep=keep)
    raise OfficeError(
        [*problems, Problem.of(mapping.path, "le cahier produit ne se valide pas : rien n'est écrit")]
    )


def _nothing_importable(document: Path, table: Table, any_case: bool) -> Problem:
    """Said of the document (the tool adds « rien n'est écrit »): no row under the header, or every case left out."""
    if not any_case:
        template = _t("aucun cas sous l'en-tête (ligne {row}) : aucun cas importable")
        return Problem.of(document, template, row=table.header_row)
    return Problem.of(document, "aucun cas importable")


def _previous_cases(out: Path) -> dict[str, etree._Element]:
    """The cases of the casebook ``out`` already holds (none when absent or not a casebook)."""
    from testbench.office.diff import read_cases

    try:
        found = read_cases(out.read_bytes()) if out.is_file() else None
    except OSError:
        found = None
    return found[1] if found is not None else {}


#: What the importer writes before each case: its first row (``Feuille1!A5``, ``tableau 1, ligne 3``), or why
#: its previous version was kept. A case after none of these never came from the document.
_IMPORTED = re.compile(r"(?:.+![A-Z]+[0-9]+|tableau [0-9]+, ligne [0-9]+.*|version précédente conservée.*)")


def _hand_made(out: Path) -> set[str]:
    """The ids of the cases of ``out`` that no import wrote (added by hand, ``new case --casebook``): none
    follows the comment the importer writes before each case it writes."""
    try:
        root = from_bytes(out.read_bytes()) if out.is_file() else None
    except (OSError, etree.XMLSyntaxError):
        return set()
    found: set[str] = set()
    for case in root.iter(f"{{{NS}}}case") if root is not None else ():
        before = case.getprevious()
        said = before.text.strip() if before is not None and before.tag is etree.Comment else ""
        if not _IMPORTED.fullmatch(said or ""):
            found.add(case.get("id", ""))
    return found


def _kept(result: ImportResult) -> list[Problem]:
    """Each case left out whose previous version was written unchanged, said at its first row; each previous
    case no row names, kept since a row in doubt may be its own, said at that row."""
    template = _t("cas {case} laissé de côté (erreur) : sa version précédente est conservée")
    said = [Problem.of(result.rows[case_id], template, case=case_id) for case_id in result.kept]
    unmatched = _t(
        "cas {case} de l'import précédent sans ligne dans le document : sa version précédente est conservée,"
        " car l'identifiant de cette ligne est en doute (elle est peut-être la sienne)"
    )
    said.extend(Problem.of(result.doubtful or "", unmatched, case=case_id) for case_id in result.unmatched)
    return said


def _check(
    xml: bytes, folder: Path, mapping: Mapping, importer: _Importer, kept: set[str], own_cells: bool = False
) -> dict[str, list[tuple[str, str, Place | None]]]:
    """Load ``xml`` from a temporary file in ``folder``: case id -> the loader's problems (French, English,
    the cell at fault when known: the cell of the attribute, else of the element, the loader names).
    ``own_cells`` keeps only the problems of a case placed at an attribute's own cell.

    A problem outside every case cannot be left out: :class:`OfficeError`, placed where its source is — an
    identity field at its cell or at its mapping line, a fixtures element at its line in the fixtures file.
    """
    from testbench.casebook.loader import check_casebook

    tree = from_bytes(xml)
    anchors = sorted(_anchors(tree, mapping, importer), key=lambda anchor: anchor[0])
    cells = _cells_by_line(tree, importer, kept)
    lines = xml.decode("utf-8").splitlines()
    handle, name = tempfile.mkstemp(prefix=".import-", suffix=".xml", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(xml)
        _casebook, problems = check_casebook(Path(name))
    finally:
        with contextlib.suppress(OSError):
            os.unlink(name)
    refused: dict[str, list[tuple[str, str, Place | None]]] = {}
    outside: list[Problem] = []
    for problem in problems:
        line = problem.source.line or 0
        owner: tuple[str, object] | None = None
        for start, anchor in anchors:
            if start <= line:
                owner = anchor
        english = problem.english or translator("en")(problem.message)
        if owner is not None and owner[0] == "case":
            place = _cell_at(cells, lines, line, problem.source.col, own_cells)
            if place is None and own_cells:
                continue
            refused.setdefault(str(owner[1]), []).append((problem.message, english, place))
        elif owner is not None and owner[0] == "identity":
            outside.append(_composed(owner[1], "identité : {reason}", "", problem.message, english))
        elif owner is not None and owner[0] == "fixtures":
            outside.append(Problem(str(owner[1]), problem.message, None, english))
        else:
            outside.append(_composed(mapping.path, "cahier produit invalide : {reason}", "", problem.message, english))
    if outside:
        raise OfficeError(outside)
    return refused


_ATTRIBUTE = re.compile(r'([\w:.-]+)="')


def _cells_by_line(
    tree: etree._Element, importer: _Importer, kept: set[str]
) -> dict[int, tuple[Cell, dict[str, Cell]]]:
    """Line of each element of the written cases -> the cells it was read from (the built elements and the
    ones read back from their text walk alike; a previous version ``kept`` was read from no cell)."""
    found: dict[int, tuple[Cell, dict[str, Cell]]] = {}
    for case in tree.iter(f"{{{NS}}}case"):
        built = importer.built.get(case.get("id", ""), importer.partial.get(case.get("id", "")))
        if built is None or case.get("id", "") in kept:
            continue
        for made, read in zip(built.iter(), case.iter(), strict=False):
            origin = importer.origins.get(made)
            if origin is not None and read.sourceline:
                found[read.sourceline] = origin
    return found


def _cell_at(
    cells: dict[int, tuple[Cell, dict[str, Cell]]], lines: list[str], line: int, col: int, own: bool = False
) -> Place | None:
    """The cell behind the loader's ``line:col``: the attribute's cell when the column is an attribute's, else
    the element's (None when ``own``: only an attribute's own cell is wanted)."""
    origin = cells.get(line)
    if origin is None:
        return None
    cell, attributes = origin
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    for match in _ATTRIBUTE.finditer(text):
        if match.start(1) + 1 == col and match.group(1) in attributes:
            return attributes[match.group(1)].place
    return None if own else cell.place


def _anchors(tree: etree._Element, mapping: Mapping, importer: _Importer) -> list[tuple[int, tuple[str, object]]]:
    """(line in the written casebook, what starts there): each case, each identity field with its place in
    the document or the mapping, each fixtures element with its line in the fixtures file."""
    q = f"{{{NS}}}"
    found: list[tuple[int, tuple[str, object]]] = [(tree.sourceline or 0, ("casebook", None))]
    identity = tree.find(f"{q}identity")
    for child in identity if identity is not None else ():
        if not isinstance(child.tag, str):
            continue
        key = etree.QName(child).localname
        ref = mapping.identity.get(key)
        cell = importer.table.identity.get(key) if isinstance(ref, CellRef) else None
        place = cell.place if cell is not None else mapping.identity_places.get(key, str(mapping.path))
        found.append((child.sourceline or 0, ("identity", place)))
    written = tree.find(f"{q}fixtures")
    if written is not None and importer.fixtures is not None and mapping.fixtures is not None:
        sources = [el for el in importer.fixtures.iter() if isinstance(el.tag, str)]
        copies = [el for el in written.iter() if isinstance(el.tag, str)]
        for copy, source in zip(copies, sources, strict=False):
            found.append((copy.sourceline or 0, ("fixtures", f"{mapping.fixtures}:{source.sourceline or 1}")))
    cases = tree.find(f"{q}cases")
    if cases is not None:
        found.append((cases.sourceline or 0, ("casebook", None)))
        found.extend((case.sourceline or 0, ("case", case.get("id", ""))) for case in cases.iter(f"{q}case"))
    return found


#: The separators a CSV file is usually written with, tried when the mapping's finds no column in the header.
_DELIMITERS = (";", ",", "\t", "|")


def _shown_delimiter(delimiter: str) -> str:
    """A separator as the mapping writes it (a tab: ``\\t``)."""
    return "\\t" if delimiter == "\t" else delimiter


def _some(headers: list[str]) -> str:
    """The first three headers of a list, « … » after them when there are more (one line stays readable)."""
    return ", ".join(headers[:3]) + ("…" if len(headers) > 3 else "")


def _lang(t: object) -> str:
    """The language a translator writes (a problem is worded once in each)."""
    return "fr" if t is translator("fr") else "en"


def _unread(t: object, header: str, count: int) -> str:
    """« colonne « Remarques » non reprise (3 cellules) » in the language of ``t``."""
    lang = _lang(t)
    if header:
        return tn(
            "colonne « {header} » non reprise ({count} cellule)",
            "colonne « {header} » non reprise ({count} cellules)",
            count,
            lang,
            header=header,
        )
    return tn(
        "colonne sans en-tête non reprise ({count} cellule)",
        "colonne sans en-tête non reprise ({count} cellules)",
        count,
        lang,
    )


def _composed(place: object, template: str, case: str, french: str, english: str) -> Problem:
    """A problem around a message the loader already worded in both languages."""
    fr, en = translator("fr")(template), translator("en")(template)
    where_fr = place.text("fr") if isinstance(place, Place) else str(place)
    where_en = place.text("en") if isinstance(place, Place) else None
    return Problem(where_fr, fr.format(case=case, reason=french), where_en, en.format(case=case, reason=english))


def _xml_problems(path: Path, parser: etree.XMLParser, exc: etree.XMLSyntaxError) -> list[Problem]:
    """A malformed fixtures file, said as the casebook loader says its own: ``file:line:col: XML mal formé : …``."""
    from testbench.casebook.source import malformed

    entries = [e for e in parser.error_log if e.level >= etree.ErrorLevels.ERROR]
    spots = [(e.line, e.column, e.message) for e in entries] or [(*(exc.position or (1, 1)), exc.msg)]
    out = []
    for line, col, detail in spots:
        said = malformed(SourceRef(str(path), max(line, 1), max(col, 1)), detail)
        out.append(Problem(str(said.source), said.message, None, said.english))
    return out


def _comment(text: str) -> etree._Comment:
    """An XML comment of any text (a sheet name may hold ``--``, which a comment cannot)."""
    return etree.Comment(" " + text.replace("--", "- -").replace("--", "- -") + " ")


class _Importer:
    """One document's conversion: rows -> cases -> XML, problems collected on the way."""

    def __init__(self, table: Table, mapping: Mapping, folder: Path | None = None) -> None:
        self.table = table
        self.mapping = mapping
        self.folder = folder
        self.problems: list[Problem] = []
        self.notes: list[Problem] = list(table.notes)
        self.copied: list[Path] = []
        self.made: Path | None = None  # the ``cards/`` folder this import created for its copies
        self.columns: dict[str, int] = {}
        self.cases: list[_Case] = []
        self.built: dict[str, etree._Element] = {}
        #: case left out for a conversion problem -> its element without the values that did not convert
        self.partial: dict[str, etree._Element] = {}
        #: element built -> the cell it came from and the cells of its attributes, to place the loader's problems
        self.origins: dict[etree._Element, tuple[Cell, dict[str, Cell]]] = {}
        self.fixtures: etree._Element | None = None
        #: rows whose case their id does not tell (an id already used, an erased id, none before the first case):
        #: a previous case no row names may be one of them, so it is kept rather than removed
        self.doubtful: list[Place] = []
        self.duplicates: list[tuple[str, Place]] = []  # (id, place) of each row left out for an id already used
        self.hand: set[str] = set()  # previous cases no import wrote: kept when no row names them
        self.hand_made: set[str] = set()  # the same, even when ``drop_absent`` removes them
        self.sections: dict[int, str] = {}  # document row of each section title row -> its title: no case

    # ----- rows -> cases
    def run(self) -> ImportResult:
        self._locate_columns()
        self._duplicate_headers()
        self._sections()
        self._unread_columns()
        self._group()
        self.fixtures = self._fixtures()
        for case in self.cases:
            element = _CaseBuilder(self, case).build()
            if element is not None:
                (self.partial if case.problems else self.built)[case.id] = element
        if self.folder is not None:
            self._check_partial(self.folder)
        for case in self.cases:  # once each: a column two fields read (tariff and unit-price) gives its error twice
            self.problems.extend(dict.fromkeys(case.problems))
        return self.render()

    def _check_partial(self, folder: Path) -> None:
        """The loader's problems in the cases left out for a conversion problem, each at an attribute's own cell
        (a tiers payant or an exo the schema refuses beside an unreadable ALD): one run says all of a row's
        errors. The others may only follow from the values that did not convert: said once these are fixed."""
        if not self.partial:
            return
        probe = self.render(partial=True)
        try:
            refused = _check(probe.xml, folder, self.mapping, self, set(), own_cells=True)
        except (OfficeError, OSError):  # outside the cases, or no temporary file: the check of the cases kept says it
            return
        template = "cas {case} laissé de côté : {reason}"
        for case in self.cases:
            if case.id in self.partial:
                for french, english, place in refused.get(case.id, []):
                    case.problems.append(_composed(place, template, case.id, french, english))

    def _locate_columns(self) -> None:
        width = max([len(self.table.header_cells), *(len(row) for row in self.table.rows)])
        absent: list[tuple[str, str]] = []
        for name, spec in self.mapping.columns.items():
            col = self.table.column(spec)
            if col is None or col > width:
                absent.append((name, spec))
            else:
                self.columns[name] = col
        if absent:
            raise OfficeError(self._absent_problems(absent))

    def _absent_problems(self, absent: list[tuple[str, str]]) -> list[Problem]:
        """What to say of the mapped columns the header lacks. None of them there: one problem (the wrong sheet
        or header row, likely). Else one per column; the import stops, since every case would otherwise be
        blamed again for what the missing column would have given."""
        if not self.columns:
            place = self.table.place(self.table.header_row)
            columns = _some([spec for _name, spec in absent])
            other = self._other_delimiter([spec for _name, spec in absent])
            if other is not None:  # a CSV saved with another separator (Excel in English writes commas)
                template = _t(
                    "aucune des colonnes attendues ({columns}) dans l'en-tête avec le séparateur « {used} » ; lu avec"
                    " « {found} », il les a : delimiter = \"{found}\" dans [source]"
                )
                used = _shown_delimiter(self.mapping.source.delimiter)
                return [Problem.of(place, template, columns=columns, used=used, found=_shown_delimiter(other))]
            template = _t("aucune des colonnes attendues ({columns}) dans l'en-tête : est-ce la bonne feuille ?")
            if self.table.kind == "docx":  # a Word document's tables are numbered, not named
                template = _t(
                    "aucune des colonnes attendues ({columns}) dans l'en-tête : est-ce le bon tableau ? (table = dans"
                    " [source], 1 = le premier)"
                )
            return [Problem.of(place, template, columns=columns)]
        return [self._absent(name, spec) for name, spec in absent]

    def _other_delimiter(self, specs: list[str]) -> str | None:
        """The usual CSV separator with which the header row gives two of the mapped columns (the one, when
        only one is mapped), the mapping's own giving none; None for a sheet or a Word table."""
        if self.table.kind != "csv":
            return None
        line = self.mapping.source.delimiter.join(cell.text for cell in self.table.header_cells)
        wanted = {same_column(spec) for spec in specs}
        for delimiter in _DELIMITERS:
            if delimiter == self.mapping.source.delimiter:
                continue
            found = {same_column(part) for part in line.split(delimiter)}
            if len(wanted & found) >= min(2, len(wanted)):
                return delimiter
        return None

    def _absent(self, name: str, spec: str) -> Problem:
        """A mapped column the header lacks, with the nearest header no other field reads (« Code LPP »)."""
        place = self.table.place(self.table.header_row)
        read = set(self.columns.values())
        unread = [text for text, col in self.table.header.items() if text and col not in read]
        near = difflib.get_close_matches(spec, unread, n=1, cutoff=0.6)
        if near:
            template = _t("colonne « {column} » (champ {field}) absente de l'en-tête — vouliez-vous dire « {near} » ?")
            return Problem.of(place, template, column=spec, field=name, near=near[0])
        return Problem.of(place, "colonne « {column} » (champ {field}) absente de l'en-tête", column=spec, field=name)

    def _duplicate_headers(self) -> None:
        """A mapped column's header written again further right: the field reads the first, said at the second."""
        mapped = {col: name for name, col in self.columns.items()}
        cells = self.table.header_cells
        for cell in cells:
            words = " ".join(cell.text.split())
            first = self.table.header.get(words)
            if words and first is not None and first != cell.place.col and first in mapped:
                place, name = cells[first - 1].place, mapped[first]
                self.problems.append(
                    Problem.worded(
                        cell.place,
                        lambda t, p=place, w=words, f=name: t(_DUPLICATE_HEADER).format(
                            header=w, place=p.text(_lang(t)), field=f
                        ),
                    )
                )

    def _sections(self) -> None:
        """The section title rows (« 1. Cas nominaux FSE »): no case, each said at its title cell, as a repeated
        header row is; the cases under it keep their own columns (docs/office-import.md)."""
        id_col = self.columns["id"]
        for row in self.table.rows:
            title = section_title(row, id_col)
            if title is not None:
                self.sections[row[id_col - 1].place.row] = title
                self.notes.append(Problem.of(row[id_col - 1].place, SECTION_TITLE, title=title))

    def _case_rows(self) -> list[list[Cell]]:
        """The rows of cases: the table's, less the section title rows."""
        return [row for row in self.table.rows if not row or row[0].place.row not in self.sections]

    def _unread_columns(self) -> None:
        """A column no field reads (unmapped, without header, a duplicate header) that holds data: one notice
        at its header cell, so nothing a team wrote is dropped unsaid; the export's result columns aside."""
        read = set(self.columns.values())
        results = self.mapping.results
        for spec in (results.verdict, results.observed, results.evidence):
            col = self.table.column(spec) if spec else None
            if col is not None:
                read.add(col)
        width = max((len(row) for row in self.table.rows), default=0)
        cells = self.table.header_cells
        for col in range(1, width + 1):
            words = " ".join(cells[col - 1].text.split()) if col <= len(cells) else ""
            if col in read or self.table.header.get(words) in self.columns.values():  # a duplicate: a problem
                continue
            count = sum(1 for row in self._case_rows() if col <= len(row) and row[col - 1].text.strip())
            if not count:
                continue
            place = self.table.place(self.table.header_row, col)
            self.notes.append(Problem.worded(place, lambda t, h=words, n=count: _unread(t, h, n)))

    def _group(self) -> None:
        """Rows -> cases. An id written on two rows puts both in doubt (a copy-paste over another case's id: the
        first row may as well be the pasted one), so neither is trusted; each keeps its previous version."""
        seen: dict[str, str] = {}
        current: _Case | None = None
        id_col = self.columns["id"]
        written: set[str] = set()
        later: dict[str, Place] = {}  # an id written more than once -> its second row
        for row in self._case_rows():
            text = row[id_col - 1].text.strip()
            if text in written:
                later.setdefault(text, row[id_col - 1].place)
            elif text:
                written.add(text)
        section = ""  # the title of the section a row without id would otherwise cross into
        for row in self.table.rows:
            id_cell = row[id_col - 1]
            if id_cell.place.row in self.sections:
                current, section = None, self.sections[id_cell.place.row]
                continue
            cells = {name: row[col - 1] for name, col in self.columns.items() if col <= len(row)}
            case_id = id_cell.text.strip()
            if not case_id:
                if current is None:
                    if section:
                        self.problems.append(Problem.of(id_cell.place, _UNDER_SECTION, title=section))
                    else:
                        self.problems.append(
                            Problem.of(id_cell.place, "ligne sans identifiant de cas avant le premier cas")
                        )
                    self.doubtful.append(id_cell.place)
                else:
                    current.cells.append(cells)
                    self._own_fields(current, cells)
                continue
            if case_id in seen:
                self.problems.append(
                    Problem.of(
                        id_cell.place,
                        "identifiant « {id} » en double (déjà en {place})",
                        id=case_id,
                        place=seen[case_id],
                    )
                )
                current = _Case(case_id, [cells])  # its rows are read, then dropped
                self.doubtful.append(id_cell.place)
                self.duplicates.append((case_id, id_cell.place))
                continue
            seen[case_id] = str(id_cell.place)
            current = _Case(case_id, [cells])
            if case_id in later:
                current.problems.append(
                    Problem.of(
                        id_cell.place,
                        "identifiant « {id} » en double (aussi en {place}) : aucune des lignes n'est reprise",
                        id=case_id,
                        place=later[case_id],
                    )
                )  # in doubt as its later row is, which says so (and places a kept case no row names)
                self.duplicates.append((case_id, id_cell.place))
            if not CASE_ID.fullmatch(case_id):
                current.problems.append(
                    Problem.worded(
                        id_cell.place,
                        lambda t, case_id=case_id: t(_BAD_ID).format(
                            id=visible_controls(case_id), why=case_id_fault(case_id, t), rule=t(CASE_ID_RULE)
                        ),
                    )
                )
            self.cases.append(current)

    def _own_fields(self, case: _Case, cells: dict[str, Cell]) -> None:
        """A row without id that fills a field of the case itself (title, patient…) is likely a case whose id was
        erased: joined to the case above, its title would be dropped unsaid and its lines taken by that case. A
        comment alone is not: a remark written on under the case, beside its line (« Ligne 2 : … »), joined to the
        case's comment — a case whose id was erased still has its title there."""
        filled = [cells[name] for name in _CASE_OWN if name in cells and cells[name].text.strip()]
        if filled and filled != [cells.get("comment")]:
            headers = _some([self.mapping.columns[name] for name in _CASE_OWN if cells.get(name) in filled])
            template = _t("ligne sans n° de cas mais avec {columns} : n° de cas vide ? (cas {case} laissé de côté)")
            case.problems.append(Problem.of(filled[0].place, template, columns=headers, case=case.id))
            self.doubtful.append(filled[0].place)

    # ----- fixtures and identity
    def _fixtures(self) -> etree._Element | None:
        path = self.mapping.fixtures
        if path is None:
            return None
        hardened = xml_parser()
        try:
            data = path.read_bytes()
        except OSError as exc:
            error = exc
            raise OfficeError(
                [
                    Problem.worded(
                        path, lambda t: t("fichier de fixtures illisible : {reason}").format(reason=os_reason(error, t))
                    )
                ]
            ) from None
        try:
            root = etree.fromstring(data, hardened, base_url=None)
        except etree.XMLSyntaxError as exc:
            raise OfficeError(_xml_problems(path, hardened, exc)) from None
        if has_doctype(root):
            # its entities, copied into the casebook written, crashed the check of that casebook
            refused = "déclaration DOCTYPE refusée : un fichier de fixtures ne doit contenir ni DTD ni entités"
            at = SourceText(str(path), data).ref_at(max(data.find(b"<!DOCTYPE"), 0))  # as a casebook's DOCTYPE is
            raise OfficeError([Problem.of(f"{path}:{at.line}:{at.col}", refused)])
        if etree.QName(root).localname != "fixtures":
            where = f"{path}:{root.sourceline or 1}"
            raise OfficeError([Problem.of(where, "le fichier de fixtures doit avoir pour racine <fixtures>")])
        for element in root.iter():
            if isinstance(element.tag, str):
                element.tag = f"{{{NS}}}{etree.QName(element).localname}"
        etree.cleanup_namespaces(root)
        for card in root.iter(f"{{{NS}}}card"):
            card.set("profile", self._profile(path, card.get("profile", ""), card.sourceline or 0))
        return root

    def _profile(self, fixtures: Path, profile: str, line: int) -> str:
        """The profile path as the written casebook must name it (copied under ``cards/`` if out of reach).

        A profile missing beside the fixtures file is said there, at the card's line, with the path it was
        looked for at (the fixtures name profiles relative to their own folder), not as the written casebook's.
        """
        if self.folder is None or not profile:
            return profile
        source = (fixtures.parent / profile).resolve()
        try:
            found = source.is_file()
        except OSError as exc:  # a name the system refuses (too long): said at the card, not as the casebook's write
            error = exc

            def unreadable(t: Callable[[str], str]) -> str:
                return t("profil de carte illisible : {reason}").format(reason=os_reason(error, t))

            raise OfficeError([Problem.worded(f"{fixtures}:{line}", unreadable)]) from None
        if not found:
            raise OfficeError([Problem.of(f"{fixtures}:{line}", "profil de carte introuvable : {path}", path=source)])
        try:
            relative = Path(os.path.relpath(source, self.folder))
        except ValueError:  # Windows: another drive, no relative path
            relative = Path("..")
        if ".." not in relative.parts and not relative.is_absolute():
            return relative.as_posix()
        target = self.folder / "cards" / source.name
        if target.exists():
            if target.read_bytes() != source.read_bytes():
                raise OfficeError(
                    [
                        Problem.of(
                            f"{fixtures}:{line}",
                            "profil de carte « {name} » : un autre fichier existe déjà en {target}",
                            name=profile,
                            target=target,
                        )
                    ]
                )
        else:
            if not target.parent.is_dir():
                target.parent.mkdir()
                self.made = target.parent
            self.copied.append(target)  # before the copy: one cut short (a full disk) is removed as well
            shutil.copyfile(source, target)
        return f"cards/{source.name}"

    def undo_copies(self) -> None:
        """Remove the profiles this import copied, and the ``cards/`` folder it made for them."""
        for path in self.copied:
            with contextlib.suppress(OSError):
                path.unlink()
        self.copied.clear()
        if self.made is not None:
            with contextlib.suppress(OSError):  # never one that holds other files
                self.made.rmdir()
            self.made = None

    def _identity(self) -> etree._Element:
        element = etree.Element(f"{{{NS}}}identity")
        for key in IDENTITY_FIELDS:
            value = self.mapping.identity.get(key, "")
            if isinstance(value, CellRef):
                cell = self.table.identity.get(key)
                if cell is not None and cell.error:  # « #REF! » is no plan id: nothing written until it is fixed
                    raise OfficeError([Problem.of(cell.place, _FORMULA_ERROR, value=cell.text)])
                text = cell.text.strip() if cell is not None else ""
                if key == "effective-date" and text:
                    text = convert.date(text, self.mapping.conversions) or text
            else:
                text = value
            etree.SubElement(element, f"{{{NS}}}{key}").text = text
        return element

    # ----- XML
    def render(
        self, exclude: set[str] | None = None, keep: dict[str, etree._Element] | None = None, partial: bool = False
    ) -> ImportResult:
        """The casebook of the cases built, less ``exclude``; a case left out whose previous version ``keep``
        holds (the casebook being re-imported over) is written as it was, in its place, rather than lost.
        ``partial``: the cases left out for a conversion problem instead, to be checked, never written."""
        exclude, keep = exclude or set(), keep or {}
        built = self.partial if partial else self.built
        root = etree.Element(f"{{{NS}}}casebook", nsmap={None: NS})
        root.set("format-version", "1")
        root.append(
            _comment(
                f"Cahier importé par testbench import depuis {self.table.name} ({self.table.kind.upper()}) avec "
                f"{self.mapping.path.name}. Modifiez le document d'origine puis ré-importez."
            )
        )
        root.append(self._identity())
        if self.fixtures is not None:
            root.append(self.fixtures)
        cases = etree.SubElement(root, f"{{{NS}}}cases")
        ids: list[str] = []
        blocks: dict[str, list[etree._Element]] = {}  # case id -> its comment and element, placed below
        rows: dict[str, Place] = {}
        left_out: list[str] = []
        kept: list[str] = []
        for case in self.cases:
            element = built.get(case.id)
            first = case.cells[0].get("id")
            if first is not None:
                rows.setdefault(case.id, first.place)
            if element is None or case.id in exclude:
                if case.id not in left_out:
                    left_out.append(case.id)
                if case.id in keep and case.id not in kept:
                    said = _comment("version précédente conservée : la ligne du document a une erreur")
                    blocks[case.id] = [said, copy.deepcopy(keep[case.id])]
                    ids.append(case.id)
                    kept.append(case.id)
                continue
            blocks[case.id] = [_comment(first.place.text("fr")), element] if first is not None else [element]
            ids.append(case.id)
        unmatched = self._unmatched(keep, exclude)
        doubt = "version précédente conservée : une ligne du document a un identifiant en doute"
        hand = self._hand_kept(keep, exclude)
        previous = list(keep)
        for case_id in previous:  # each at its place in the previous casebook, after the case it followed there
            if case_id not in unmatched and case_id not in hand:
                continue
            blocks[case_id] = [_comment(doubt), copy.deepcopy(keep[case_id])] if case_id in unmatched else [
                copy.deepcopy(keep[case_id])  # no comment before it: it stays one no import wrote
            ]
            before = [other for other in previous[: previous.index(case_id)] if other in ids]
            ids.insert(ids.index(before[-1]) + 1 if before else len(ids) if case_id in hand else 0, case_id)
        for case_id in ids:
            for node in blocks[case_id]:
                cases.append(node)
        etree.indent(root, space="  ")
        xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
        return ImportResult(
            xml, ids, list(self.problems), left_out, rows, list(self.copied), list(self.notes), kept, unmatched,
            list(self.duplicates), self.doubtful[0] if self.doubtful else None, hand,
        )

    def _unmatched(self, keep: dict[str, etree._Element], exclude: set[str]) -> list[str]:
        """The previous cases no row names, when a row's case is in doubt: a case whose id was typed over or
        erased is not removed unsaid (the import then fails, and says so at that row)."""
        if not self.doubtful:
            return []
        named = self._named()
        return [
            case_id
            for case_id in keep
            if case_id not in named and case_id not in exclude and case_id not in self.hand | self.hand_made
        ]

    def _hand_kept(self, keep: dict[str, etree._Element], exclude: set[str]) -> list[str]:
        """The previous cases no import wrote and no row names: the document never held them, so its lacking
        them removes nothing."""
        named = self._named()
        return [case_id for case_id in keep if case_id in self.hand and case_id not in named | exclude]

    def _named(self) -> set[str]:
        return {case.id for case in self.cases} | {case_id for case_id, _place in self.duplicates}


class _CaseBuilder:
    """One case's rows -> its ``<case>`` element; every cell that does not read is a placed problem."""

    def __init__(self, importer: _Importer, case: _Case) -> None:
        self.importer = importer
        self.mapping = importer.mapping
        self.case = case
        self.rows = case.cells
        #: a phrase of a steps cell was refused: an expectation no step produces may be its, said once it reads
        self.step_refused = False

    def problem(self, cell: Cell, template: str, /, **fields: object) -> None:
        """A problem at ``cell``; its text quoted as the sheet shows it (VRAI, not ``true``; « 4,5 » in French)."""
        if cell.said("fr") is None and cell.said("en") is None:
            self.case.problems.append(Problem.of(cell.place, template, **fields))
            return

        def render(t: Callable[[str], str]) -> str:
            shown = cell.said(_lang(t)) or cell.text
            return t(template).format(**{k: shown if v == cell.text else v for k, v in fields.items()})

        self.case.problems.append(Problem.worded(cell.place, render))

    def origin(self, element: etree._Element, cell: Cell | None, attributes: dict[str, Cell] | None = None) -> None:
        """Record where ``element`` (and each of its attributes) was read, for the loader's problems."""
        if cell is not None:
            self.importer.origins[element] = (cell, {} if attributes is None else attributes)

    def first(self, name: str) -> tuple[str, Cell | None]:
        """The field's text from the case's first row that gives it, else the mapping's default."""
        for row in self.rows:
            cell = row.get(name)
            if cell is not None and cell.text.strip():
                return cell.text.strip(), cell
        return self.mapping.defaults.get(name, "").strip(), None

    def joined(self, name: str) -> str:
        """The field's text from every row of the case that gives it, a line each (a remark continued on the
        rows below), else the mapping's default."""
        texts = [row[name].text.strip() for row in self.rows if name in row and row[name].text.strip()]
        return "\n".join(texts) if texts else self.mapping.defaults.get(name, "").strip()

    def build(self) -> etree._Element | None:
        """The case's element, even with conversion problems (then left out, but still checked); None when its
        rows are in doubt before any conversion (merged or uncomputed cells, its id, a row joined to it)."""
        for row in self.rows:
            merged = sorted((cell for cell in row.values() if cell.merged), key=lambda cell: cell.place.col)
            if len(merged) == 1:
                self.problem(merged[0], "cellules fusionnées dans la zone des cas : une valeur par cellule")
            elif merged:  # a case's row merged across (a section title row is none): said once, not once per cell
                self.problem(merged[0], _MERGED_RUN, count=len(merged))
            for cell in row.values():
                if cell.uncomputed:
                    self.problem(cell, _UNCOMPUTED)
                if cell.error:
                    self.problem(cell, _FORMULA_ERROR, value=cell.text)
        if self.case.problems:
            return None
        q = f"{{{NS}}}"
        element = etree.Element(f"{q}case", id=self.case.id)
        domain = self.choice("domain", [d.value for d in Domain])
        mode = self.choice("mode", [m.value for m in Mode])
        if domain:
            element.set("domain", domain)
        if mode:
            element.set("mode", mode)
        tags = self.words("tags")
        if tags:
            element.set("tags", " ".join(tags))
        requirements = self.words("requirements")
        if requirements:
            element.set("requirements", " ".join(requirements))
        title, title_cell = self.first("title")
        objective, _ = self.first("objective")
        comment = self.joined("comment")
        if not title:
            self.problem(title_cell or self.rows[0]["id"], "titre vide")
        etree.SubElement(element, f"{q}title").text = title
        etree.SubElement(element, f"{q}objective").text = objective or title
        if comment:
            etree.SubElement(element, f"{q}comment").text = comment
        cards = self.cards()
        if cards is not None:
            element.append(cards)
        steps, ids = self.steps()
        element.append(steps)
        element.append(self.expectations(ids))
        return element  # with problems, the case is left out but still checked (see _Importer._check_partial)

    # ----- case attributes
    def choice(self, name: str, allowed: list[str]) -> str:
        text, cell = self.first(name)
        if not text:
            self.problem(self.rows[0]["id"], "champ « {field} » vide et sans valeur par défaut", field=name)
            return ""
        value = self.mapping.conversions.synonym(name, text)
        if value not in allowed:  # its name in words, French or English (« dégradé », « cartes »), as -k takes it
            value = next(iter(codes_named(name, value)), value)
        if value not in allowed:
            where = cell or self.rows[0]["id"]
            sheet = self.mapping.conversions.words.get(name, {})
            labels = _CHOICE_LABELS[name]

            def render(t: Callable[[str], str]) -> str:
                words = ", ".join(sheet.get(code) or t(labels.get(code, code)) for code in allowed)
                shown = (where.said(_lang(t)) if where is cell else None) or text  # VRAI, « 12/01/2026 »
                return t(_UNKNOWN_CHOICE[name]).format(column=self.column(name, cell), text=shown, words=words)

            self.case.problems.append(Problem.worded(where.place, render))
            return ""
        return value

    def words(self, name: str) -> list[str]:
        text, _ = self.first(name)
        return [w for w in _WORDS.split(text) if w]

    def split(self, text: str) -> list[str]:
        parts = [text]
        for sep in self.mapping.separators:
            parts = [p for part in parts for p in part.split(sep)]
        return [p.strip() for p in parts if p.strip()]

    def cards(self) -> etree._Element | None:
        text, cell = self.first("cards")
        if not text:
            return None
        element = etree.Element(f"{{{NS}}}cards")
        for item in map(_unmarked, self.split(text.replace(",", "\n").replace(";", "\n"))):
            slot, sep, ref = item.partition(":")
            if not sep:
                slot, sep, ref = item.partition("=")
            slot = self.mapping.conversions.synonym("slot", slot).casefold()
            if not sep or slot not in ("cps", "vitale") or not ref.strip():
                self.problem(
                    cell or self.rows[0]["id"],
                    "carte « {item} » : écrire « emplacement : carte » (CPS : cps-psad)",
                    item=item,
                )
                continue
            card = etree.SubElement(element, f"{{{NS}}}card", slot=slot, ref=ref.strip())
            self.origin(card, cell, {"slot": cell, "ref": cell} if cell is not None else None)
        return element

    # ----- steps
    def steps(self) -> tuple[etree._Element, dict[str, list[str]]]:
        """``<steps>`` and action -> the ids of its steps, in order."""
        element = etree.Element(f"{{{NS}}}steps")
        ids: dict[str, list[str]] = {}
        for row in self.rows:
            cell = row.get("steps")
            if cell is None:
                continue
            for phrase in self.split(cell.text):
                spec = self.step_spec(phrase, cell)
                if spec is None:
                    self.step_refused = True
                    continue
                count = len(ids.get(spec.action, []))
                step_id = f"s-{spec.action}" + (f"-{count + 1}" if count else "")
                ids.setdefault(spec.action, []).append(step_id)
                step = etree.SubElement(element, f"{{{NS}}}{spec.action}", id=step_id)
                self.origin(step, cell)
                for key, value in spec.params:
                    step.set(key, value)
                if spec.action == "invoice":
                    self.invoice(step)
        if not len(element) and not self.step_refused:  # a phrase refused is said at its cell, not as no step
            self.problem(self.rows[0].get("steps") or self.rows[0]["id"], "aucune étape")
        return element, ids

    def step_spec(self, phrase: str, cell: Cell) -> StepSpec | None:
        from testbench.traces.redact import redact_pins  # its patterns compiled only when a document is imported

        params: list[tuple[str, str]] = []
        match = _PARAMS.match(phrase)
        if match:
            phrase = match.group("phrase")
            for item in match.group("params").split(","):
                key, sep, value = item.partition("=")
                if _PIN_PARAM.match(item):  # before any other check: a PIN is never quoted back, in no case
                    self.problem(
                        cell,
                        "« {item} » : un code porteur ne s'écrit jamais dans le cahier ; "
                        "il vient du profil de la carte",
                        item="pin=…",
                    )
                    return None
                if not sep or not _PARAM_NAME.fullmatch(key.strip()):
                    shown = redact_pins(item.strip())
                    self.problem(cell, "paramètre d'étape illisible « {item} » (écrire nom=valeur)", item=shown)
                    return None
                params.append((key.strip(), value.strip()))
        spec = self.known_step(phrase) or self.known_step(_unmarked(phrase))
        if spec is None:
            self.unknown_step(redact_pins(phrase), cell)  # a code written in the phrase is not quoted back either
            return None
        merged = dict(spec.params)
        merged.update(params)
        return StepSpec(spec.action, tuple(merged.items()))

    def known_step(self, phrase: str) -> StepSpec | None:
        """The phrase's step as [steps] declares it, else the action it names, else None."""
        spec = self.mapping.steps.get(folded(phrase))
        return StepSpec(phrase) if spec is None and phrase in ACTIONS else spec

    def unknown_step(self, phrase: str, cell: Cell) -> None:
        """A phrase neither [steps] nor the actions know: the closest phrase of [steps] (« Facturer » for
        « Facturation »), as the mapping's own typos get their closest word, else where to declare it."""
        written = {folded(spec.phrase): spec.phrase for spec in self.mapping.steps.values() if spec.phrase}
        written.update((action, action) for action in ACTIONS)
        parts = [_unmarked(part) for part in _ITEMS.split(phrase)]
        if len(parts) > 1 and any(folded(part) in written for part in parts):  # « Lecture CPS, Facturation »
            self.problem(cell, _STEPS_ON_ONE_LINE, phrase=phrase)
            return
        near = closest(folded(phrase), list(written))
        if near is None:
            template = "étape inconnue « {phrase} » : à déclarer dans [steps] du fichier de correspondance"
            self.problem(cell, template, phrase=phrase)
            return
        said, name = _t("étape inconnue « {phrase} » {hint}"), written[near]

        def render(t: Callable[[str], str]) -> str:
            return t(said).format(phrase=phrase, hint=t(DID_YOU_MEAN).format(name=name))

        self.case.problems.append(Problem.worded(cell.place, render))

    def invoice(self, step: etree._Element) -> None:
        attributes = self.importer.origins.get(step, (self.rows[0]["id"], {}))[1]
        for name in INVOICE_FIELDS:
            text, cell = self.first(name)
            if not text:
                continue
            value, template = self.field_value(name, text)
            if value is None:
                self.bad(cell, name, template, text)
                continue
            step.set(name, value)
            if cell is not None:
                attributes[name] = cell
        for row in self.rows:
            if "code" in row and row["code"].text.strip():
                step.append(self.line(row))

    def bad(self, cell: Cell | None, name: str, template: str, text: str) -> None:
        """A field's text that does not convert, said at its cell (else the case's id cell) with what is accepted."""
        fields = {"text": text, "value": text, "words": convert.boolean_words(self.mapping.conversions)}
        if template == _NOT_A_CHOICE:
            fields.update(words=self.choice_words(name), column=self.column(name, cell))
        if template == _NOT_AN_EXO:
            fields.update(column=self.column(name, cell))
        if name in ("care-date", "line-date"):
            template, fields = convert.date_problem(text, self.mapping.conversions)
        self.problem(cell or self.rows[0]["id"], template, **fields)

    def line(self, row: dict[str, Cell]) -> etree._Element:
        element = etree.Element(f"{{{NS}}}line")
        attributes: dict[str, Cell] = {}
        self.origin(element, row["code"], attributes)
        for name in LINE_FIELDS:
            cell = row.get(name)
            text = cell.text.strip() if cell is not None else ""
            text = text or self.mapping.defaults.get(name, "").strip()
            if not text:
                continue
            value, template = self.field_value(name, text)
            if value is None:
                self.bad(cell, name, template, text)
                continue
            element.set(_LINE_ATTRS.get(name, name), value)
            if cell is not None:
                attributes[_LINE_ATTRS.get(name, name)] = cell
        return element

    def field_value(self, name: str, text: str) -> tuple[str | None, str]:
        """An invoice or line attribute's value (None when unreadable) and what to say then."""
        conv = self.mapping.conversions
        if name in ("unit-price", "tariff", "amc-cap") or (name == "plv" and conv.synonym(name, text) != "none"):
            return convert.price(text), convert.amount_problem(text)
        if name == "coefficient":
            return convert.number(text), convert.NUMBER_UNREADABLE
        if name == "quantity":
            return convert.integer(text), "quantité illisible « {text} » (un entier)"
        if name in ("care-date", "line-date"):
            return convert.date(text, conv), convert.DATE_UNREADABLE
        if name == "ald":
            return convert.boolean(text, conv), convert.BOOLEAN_UNREADABLE
        value = conv.synonym(name, text)
        if name == "exo":
            return (value if _EXO.fullmatch(value) else None), _NOT_AN_EXO
        allowed = _choices(name)
        if allowed and value not in allowed:  # said in the sheet's words, not as the schema's attribute
            return None, _NOT_A_CHOICE
        return value, ""

    def choice_words(self, name: str) -> str:
        """The values a column accepts, as the mapping lets the sheet write them (« Non, AMO, AMO + AMC »)."""
        words = self.mapping.conversions.words.get(name, {})
        return ", ".join(words.get(value, value) for value in _choices(name))

    def column(self, name: str, cell: Cell | None) -> str:
        """The header of the column ``name`` is read from, as the sheet writes it."""
        cells = self.importer.table.header_cells
        if cell is not None and 0 < cell.place.col <= len(cells) and cells[cell.place.col - 1].text.strip():
            return " ".join(cells[cell.place.col - 1].text.split())
        return self.mapping.columns.get(name, name)

    # ----- expectations
    def expectations(self, steps: dict[str, list[str]]) -> etree._Element:
        element = etree.Element(f"{{{NS}}}expectations")
        used: set[str] = set()
        line_index = -1
        written = False  # an expectation written, even one refused (then said at its cell, not as none)
        for row in self.rows:
            has_line = "code" in row and bool(row["code"].text.strip())
            line_index += 1 if has_line else 0
            cell = row.get("expected")
            if cell is not None:
                for item in self.split(cell.text):
                    written = True
                    self.value(element, item, cell, steps, used, line_index if has_line else None)
            refusal = row.get("refusal")
            if refusal is not None and refusal.text.strip():
                written = True
                self.refusal(element, refusal, steps, used)
        if not len(element) and not written:
            self.problem(self.rows[0].get("expected") or self.rows[0]["id"], "aucun résultat attendu")
        return element

    def value(
        self,
        parent: etree._Element,
        item: str,
        cell: Cell,
        steps: dict[str, list[str]],
        used: set[str],
        line: int | None,
    ) -> None:
        label, sep, text = item.partition("=")
        if not sep:
            label, sep, text = item.rpartition(":")
        label, text = label.strip(), text.strip()
        spec = self.expect_spec(label, text)
        if spec is None and _unmarked(label) != label:  # « - Part AMO = 33,60 € »
            label = _unmarked(label)
            spec = self.expect_spec(label, text)
        if not sep or spec is None:
            self.problem(
                cell,
                "résultat attendu « {item} » : écrire « libellé = valeur », libellé déclaré dans [expected]",
                item=item,
            )
            return
        path = spec.path
        if "[i]" in path:
            if line is None:
                self.problem(cell, "« {label} » porte sur une ligne de facture : la ligne n'a pas de code", label=label)
                return
            path = path.replace("[i]", f"[{line}]")
        value = self.typed(spec.type, text, path)
        if value is None:
            if "=" in text:  # « Part AMO = 33,60 € ; Reste à charge = 22,40 € »: two values, not one unreadable
                self.problem(cell, _VALUES_ON_ONE_LINE, item=item)
            elif spec.type == "date":
                template, fields = convert.date_problem(text, self.mapping.conversions)
                self.problem(cell, template, **fields)
            else:
                words = convert.boolean_words(self.mapping.conversions)
                template = _UNREADABLE.get(spec.type) or convert.decimal_problem(path)
                self.problem(cell, template, text=text, words=words)
            return
        root = path.split(".", 1)[0].split("[", 1)[0]
        producers = [s for action in OBSERVATION_ROOTS.get(root, ()) for s in steps.get(action, [])]
        if not producers:
            if not self.step_refused:  # else likely the refused step's: said once that step reads
                self.problem(cell, "« {label} » : aucune étape du cas ne produit « {path} »", label=label, path=path)
            return
        ident = _unique("e-" + "-".join(re.findall(r"[A-Za-z0-9_]+", path)), used)
        attrs = {"id": ident, "step": producers[-1], "path": path, "type": spec.type, "expected": value}
        if spec.type == "string":
            del attrs["type"]
        self.origin(etree.SubElement(parent, f"{{{NS}}}value", attrs), cell)

    def expect_spec(self, label: str, text: str) -> ExpectSpec | None:
        """The label's expectation as [expected] declares it, else an observation path written out, else None."""
        spec = self.mapping.expected.get(folded(label))
        if spec is None and _PATH_LIKE.fullmatch(label):
            spec = ExpectSpec(label, _guess_type(label, text, self.mapping))
        return spec

    def typed(self, kind: str, text: str, path: str) -> str | None:
        """``text`` as the casebook writes a value of ``kind`` at ``path`` (a decimal with its path's unit: « 60 % »
        on a rate, « 33,60 € » on an amount), None when it does not read."""
        conv = self.mapping.conversions
        if kind == "decimal":
            return convert.amount(text, units_at(path))
        if kind == "integer":
            return convert.integer(text)
        if kind == "date":
            return convert.date(text, conv)
        if kind == "boolean":
            return convert.boolean(text, conv)
        return text

    def refusal(self, parent: etree._Element, cell: Cell, steps: dict[str, list[str]], used: set[str]) -> None:
        code = self.mapping.conversions.synonym("refusal", cell.text).upper()
        near = closest(code, sorted(REFUSAL_CODES)) if code not in REFUSAL_CODES and cell.shown is None else None
        if near is not None:  # a typo (« PIN_BLOKED »): the code meant, not the list of them all
            said, written = _t("code de refus inconnu « {code} » {hint}"), cell.text.strip()

            def render(t: Callable[[str], str]) -> str:
                return t(said).format(code=written, hint=t(DID_YOU_MEAN).format(name=near))

            self.case.problems.append(Problem.worded(cell.place, render))
            return
        if code not in REFUSAL_CODES:
            self.problem(
                cell,
                "code de refus inconnu « {code} » (codes : {known})",
                code=cell.text.strip(),
                known=", ".join(sorted(REFUSAL_CODES)),
            )
            return
        order = [s for action in ACTIONS for s in steps.get(action, [])]
        target = steps.get("invoice", order)[-1:] if order else []
        if not target:
            if not self.step_refused:  # else it waits for the refused phrase, said at its cell: checked once it reads
                self.problem(cell, "refus « {code} » : le cas n'a aucune étape automatique", code=code)
            return
        element = etree.SubElement(parent, f"{{{NS}}}refusal", id=_unique("e-refus", used), step=target[0], code=code)
        self.origin(element, cell)


@functools.cache
def _choices(name: str) -> tuple[str, ...]:
    """The values the schema lists for the invoice or line attribute ``name`` (none: any text it checks itself)."""
    from importlib import resources

    data = resources.files("testbench.casebook.schema").joinpath("casebook-1.xsd").read_bytes()
    xs = {"xs": "http://www.w3.org/2001/XMLSchema"}
    found = from_bytes(data).xpath(
        "//xs:attribute[@name=$name]//xs:enumeration/@value", namespaces=xs, name=_LINE_ATTRS.get(name, name)
    )
    return tuple(dict.fromkeys(str(value) for value in found))


def _guess_type(path: str, text: str, mapping: Mapping) -> str:
    """The type of a value written against a raw path: an amount's or a rate's is decimal, else a number reads
    as decimal, then a date, a yes/no.

    Nine digits or more alone on a path that holds no amount (:func:`testbench.domain.vocabulary.is_amount`)
    are an identifier — a FINESS, an RPPS, a NIR — compared as text: as a decimal, ``vitale.nir =
    180019999900168`` was expected as « 180019999900168.00 ». Shorter ones (a rank « 01 », a count, an invoice
    number « 1 ») are numbers, compared by value."""
    if units_at(path):  # an amount or a rate: « 60 € » on a rate is a mistake placed at its cell, not a text
        return "decimal"
    if _IDENTIFIER.fullmatch(text):
        return "string"
    if read_decimal(text) is not None:  # even one too long to compute with: then placed as unreadable
        return "decimal"
    if convert.date(text, mapping.conversions) is not None:
        return "date"
    if convert.boolean(text, mapping.conversions) is not None and not text.strip().isdigit():
        return "boolean"
    return "string"


def _unmarked(item: str) -> str:
    """An item of a cell without the list marker a person numbers or bullets its line with (« 1. Lecture CPS »,
    « - Facturation »): tried when the item as written is none the mapping knows."""
    return _LIST_MARKER.sub("", item.strip(), count=1)


def _unique(base: str, used: set[str]) -> str:
    ident, n = base[:80], 2
    while ident in used:
        ident, n = f"{base[:76]}-{n}", n + 1
    used.add(ident)
    return ident
