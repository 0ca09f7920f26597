"""A whole number whose cell pads it with zeros is read as the sheet shows it: a case id typed 1 in a column
formatted ``000`` shows « 001 » and was imported as « 1 », a code typed 241763 formatted ``0000000`` shows
« 0241763 » and was refused as « 241763 » (six digits) — the zeros are the cell's format, not lost data."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import openpyxl

from testbench.office.importer import import_document
from testbench.office.mapping import load_mapping

EXAMPLES = Path(__file__).resolve().parents[1] / "casebooks" / "examples"
MAPPING = EXAMPLES / "cahier-exemple.mapping.toml"


def _xlsx(tmp_path: Path, number_format: str) -> Path:
    book = openpyxl.load_workbook(EXAMPLES / "cahier-exemple.xlsx")
    sheet = book["Cahier de tests"]
    sheet["A5"], sheet["O5"] = 1, 241763
    sheet["A5"].number_format = number_format
    sheet["O5"].number_format = "0" * 7 if number_format != "General" else "General"
    path = tmp_path / "cahier.xlsx"
    book.save(path)
    shutil.copy(EXAMPLES / "cahier-exemple.fixtures.xml", tmp_path)
    return path


def test_xlsx_numbers_formatted_with_zeros_keep_them(tmp_path: Path) -> None:
    done = import_document(_xlsx(tmp_path, "000"), load_mapping(MAPPING))
    assert done.problems == [], [p.text() for p in done.problems]
    assert b'<case id="001"' in done.xml
    assert b'code="0241763"' in done.xml


def test_xlsx_numbers_without_a_zero_format_read_as_their_value(tmp_path: Path) -> None:
    done = import_document(_xlsx(tmp_path, "General"), load_mapping(MAPPING))
    assert b'<case id="1"' in done.xml and b'code="241763"' in done.xml


def test_ods_number_shown_with_zeros_keeps_them(tmp_path: Path) -> None:
    source = EXAMPLES / "cahier-exemple.ods"
    path = tmp_path / "cahier.ods"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == "content.xml":
                text = data.decode("utf-8")
                cell = '<table:table-cell office:value-type="string"><text:p>EX-FSE-001</text:p></table:table-cell>'
                assert text.count(cell) == 1
                padded = cell.replace('"string"', '"float" office:value="1"').replace("EX-FSE-001", "001")
                data = text.replace(cell, padded).encode("utf-8")
            new.writestr(item, data)
    shutil.copy(EXAMPLES / "cahier-exemple.fixtures.xml", tmp_path)
    done = import_document(path, load_mapping(MAPPING))
    assert done.problems == [], [p.text() for p in done.problems]
    assert b'<case id="001"' in done.xml
