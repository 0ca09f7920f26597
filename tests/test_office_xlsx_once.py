"""Importing an XLSX reads the workbook once: its values and its formulas without values (a document
never recalculated) come from one read of the file, not two loads of the whole workbook (openpyxl reads
either a cell's value or its formula, so the formulas were read by a second load that cost as much)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from openpyxl.reader.excel import ExcelReader

from testbench.office.mapping import load_mapping
from testbench.office.tables import read_table

EXAMPLES = Path(__file__).resolve().parents[1] / "casebooks" / "examples"
MAPPING = EXAMPLES / "cahier-exemple.mapping.toml"


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Each load of a workbook (``openpyxl.load_workbook`` is an ExcelReader's read)."""
    seen: list[object] = []
    read = ExcelReader.read

    def counted(self: ExcelReader) -> None:
        seen.append(self)
        read(self)

    monkeypatch.setattr(ExcelReader, "read", counted)
    return seen


def test_the_workbook_is_loaded_once_and_its_uncomputed_formulas_are_still_found(
    tmp_path: Path, loads: list[object]
) -> None:
    book = openpyxl.load_workbook(EXAMPLES / "cahier-exemple.xlsx")
    sheet = book["Cahier de tests"]
    (first,) = [cell for row in sheet.iter_rows() for cell in row if cell.value == "EX-FSE-001"]
    emptied = sheet.cell(first.row, first.column + 1)
    emptied.value = "=1+1"  # openpyxl writes a formula without its value
    document = tmp_path / "formules.xlsx"
    book.save(document)
    loads.clear()
    table = read_table(document, load_mapping(MAPPING))
    assert len(loads) == 1
    uncomputed = [(c.place.row, c.place.col) for row in table.rows for c in row if c.uncomputed]
    assert uncomputed == [(emptied.row, emptied.column)]

    loads.clear()
    plain = read_table(EXAMPLES / "cahier-exemple.xlsx", load_mapping(MAPPING))
    assert len(loads) == 1 and plain.rows and not [c for row in plain.rows for c in row if c.uncomputed]
