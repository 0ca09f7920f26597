"""Rows of cases hidden or filtered out in the sheet are read like the others (a filter is a view) and named: a
case the editor hid (an old version kept out of sight) was imported and run without a word."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from testbench.cli.main import main
from testbench.office.importer import import_document
from testbench.office.mapping import load_mapping

EXAMPLES = Path(__file__).resolve().parents[1] / "casebooks" / "examples"
MAPPING = EXAMPLES / "cahier-exemple.mapping.toml"


def _notes(document: Path) -> list[str]:
    shutil.copy(EXAMPLES / "cahier-exemple.fixtures.xml", document.parent)
    done = import_document(document, load_mapping(MAPPING))
    assert done.problems == [] and done.xml.count(b"<case ") == 13  # every case read, hidden or not
    return [note.text("fr") for note in done.notes]


def test_hidden_xlsx_rows_of_cases_are_named(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(EXAMPLES / "cahier-exemple.xlsx")
    sheet = book["Cahier de tests"]
    for row in (2, 9, 12, 40):  # above the header, a case, its continuation row, an empty row below
        sheet.row_dimensions[row].hidden = True
    path = tmp_path / "cahier.xlsx"
    book.save(path)
    notes = _notes(path)
    rows = "'Cahier de tests'!9:9, 'Cahier de tests'!12:12"
    said = f"{path}: lignes masquées ou filtrées, lues comme les autres (2) : {rows}"
    assert said in notes, notes


def test_an_xlsx_without_hidden_rows_says_nothing_of_them(tmp_path: Path) -> None:
    path = tmp_path / "cahier.xlsx"
    shutil.copy(EXAMPLES / "cahier-exemple.xlsx", path)
    assert not [note for note in _notes(path) if "masquées ou filtrées" in note]


def test_filtered_ods_rows_are_named(tmp_path: Path) -> None:
    path = tmp_path / "cahier.ods"
    with zipfile.ZipFile(EXAMPLES / "cahier-exemple.ods") as old, zipfile.ZipFile(path, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == "content.xml":
                text = data.decode("utf-8")
                row = '<table:table-row><table:table-cell office:value-type="string"><text:p>EX-FSE-005<'
                assert text.count(row) == 1
                filtered = row.replace("<table:table-row>", '<table:table-row table:visibility="filter">')
                data = text.replace(row, filtered).encode("utf-8")
            new.writestr(item, data)
    notes = _notes(path)
    assert f"{path}: lignes masquées ou filtrées, lues comme les autres (1) : 'Cahier de tests'!9:9" in notes, notes


def test_the_import_command_says_it_in_english(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(EXAMPLES.parent / "cards", tmp_path / "cards")  # where the fixtures find their profiles
    work = tmp_path / "examples"
    work.mkdir()
    book = openpyxl.load_workbook(EXAMPLES / "cahier-exemple.xlsx")
    book["Cahier de tests"].row_dimensions[9].hidden = True
    book.save(work / "cahier.xlsx")
    shutil.copy(EXAMPLES / "cahier-exemple.fixtures.xml", work)
    code = main(["import", str(work / "cahier.xlsx"), "--mapping", str(MAPPING), "-o", str(work / "out.xml"),
                 "--lang", "en"])  # fmt: skip
    said = capsys.readouterr()
    assert code == 0, said
    assert "hidden or filtered-out rows, read like the others (1): 'Cahier de tests'!9:9" in said.out + said.err
