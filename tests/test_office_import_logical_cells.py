"""A true/false cell where a number is wanted is quoted as the sheet shows it — VRAI/FAUX in French, TRUE/FALSE
in English — never as the ``true`` the reader turned it into; a text cell « true » stays quoted as written."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl

from testbench.office.importer import import_document
from testbench.office.mapping import load_mapping

EXAMPLES = Path(__file__).resolve().parents[1] / "casebooks" / "examples"
MAPPING = EXAMPLES / "cahier-exemple.mapping.toml"


def _import_quantity(tmp_path: Path, value: object) -> list[tuple[str, str]]:
    book = openpyxl.load_workbook(EXAMPLES / "cahier-exemple.xlsx")
    book["Cahier de tests"]["P5"] = value  # Qté of EX-FSE-001
    document = tmp_path / "cahier.xlsx"
    book.save(document)
    shutil.copy(EXAMPLES / "cahier-exemple.fixtures.xml", tmp_path)
    done = import_document(document, load_mapping(MAPPING))
    return [(p.text("fr"), p.text("en")) for p in done.problems]


def test_a_true_cell_in_a_number_column_reads_vrai_and_true(tmp_path: Path) -> None:
    assert _import_quantity(tmp_path, True) == [
        (
            "'Cahier de tests'!P5: quantité illisible « VRAI » (un entier)",
            "'Cahier de tests'!P5: unreadable quantity “TRUE” (an integer)",
        )
    ]


def test_a_false_cell_reads_faux(tmp_path: Path) -> None:
    assert _import_quantity(tmp_path, False)[0][0] == "'Cahier de tests'!P5: quantité illisible « FAUX » (un entier)"


def test_a_text_cell_saying_true_is_quoted_as_written(tmp_path: Path) -> None:
    assert _import_quantity(tmp_path, "true")[0][0] == "'Cahier de tests'!P5: quantité illisible « true » (un entier)"


def test_an_ods_true_cell_reads_vrai(tmp_path: Path) -> None:
    from odf.namespaces import OFFICENS, TABLENS
    from odf.opendocument import load
    from odf.table import TableRow
    from odf.text import P

    book = load(str(EXAMPLES / "cahier-exemple.ods"))
    row = book.spreadsheet.getElementsByType(TableRow)[4]  # row 5: EX-FSE-001
    cells = [c for c in row.childNodes if c.qname[1] in ("table-cell", "covered-table-cell")]
    column, cell = 0, None
    for candidate in cells:  # the 16th column (P), repeated cells counted
        repeat = int(candidate.getAttrNS(TABLENS, "number-columns-repeated") or 1)
        if column + repeat >= 16:
            cell = candidate
            break
        column += repeat
    assert cell is not None and cell.getAttrNS(OFFICENS, "value") == "4"
    cell.setAttrNS(OFFICENS, "value-type", "boolean")
    cell.setAttrNS(OFFICENS, "boolean-value", "true")
    for child in list(cell.childNodes):
        cell.removeChild(child)
    cell.addElement(P(text="VRAI"))
    document = tmp_path / "cahier.ods"
    book.save(str(document))
    shutil.copy(EXAMPLES / "cahier-exemple.fixtures.xml", tmp_path)

    done = import_document(document, load_mapping(MAPPING))

    assert [p.text("fr") for p in done.problems] == ["'Cahier de tests'!P5: quantité illisible « VRAI » (un entier)"]
