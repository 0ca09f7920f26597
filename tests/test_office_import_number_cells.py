"""What a number cell holds is read as the spreadsheet shows it, and an identifier written against a raw path
stays the text it is: Excel stores =1,1*20 as 22.000000000000004 and shows 22,00 €; a NIR is no amount."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import openpyxl

from testbench.office.importer import import_document
from testbench.office.mapping import load_mapping
from testbench.office.tables import cell_text

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "casebooks" / "examples"
MAPPING = EXAMPLES / "cahier-exemple.mapping.toml"


def test_a_number_cell_is_read_with_fifteen_significant_digits() -> None:
    assert cell_text(1.1 * 20) == "22"
    assert cell_text(0.1 + 0.2) == "0.3"
    assert cell_text(12.5) == "12.5"
    assert cell_text(180019999900168.0) == "180019999900168"


def test_float_noise_in_an_amount_cell_is_not_beyond_the_cent(tmp_path: Path) -> None:
    """The value written as Excel stores it (openpyxl would shorten it to 22)."""
    book = openpyxl.load_workbook(EXAMPLES / "cahier-exemple.xlsx")
    sheet = book["Cahier de tests"]
    assert sheet["A10"].value == "EX-FSE-006" and sheet["R10"].value == 22
    sheet["R10"] = 22.5
    saved = tmp_path / "saved.xlsx"
    book.save(saved)
    document = tmp_path / "cahier.xlsx"
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(document, "w") as out:
        for name in source.namelist():
            data = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                assert data.count(b"<v>22.5</v>") == 1
                data = data.replace(b"<v>22.5</v>", b"<v>22.000000000000004</v>")
            out.writestr(name, data)

    done = import_document(document, load_mapping(MAPPING))

    assert done.problems == [] and "EX-FSE-006" in done.cases
    assert b'unit-price="22.00"' in done.xml


def test_identifiers_written_against_raw_paths_stay_text(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(EXAMPLES / "cahier-exemple.xlsx")
    sheet = book["Cahier de tests"]
    sheet["X5"] = sheet["X5"].value + "\nvitale.nir = 180019999900168\ncps.rpps = 10000000000\ninvoice.totals.amo = 56"
    document = tmp_path / "cahier.xlsx"
    book.save(document)
    shutil.copy(EXAMPLES / "cahier-exemple.fixtures.xml", tmp_path)

    done = import_document(document, load_mapping(MAPPING))

    assert done.problems == []
    assert b'path="vitale.nir" expected="180019999900168"' in done.xml
    assert b'path="cps.rpps" expected="10000000000"' in done.xml
    assert b'path="invoice.totals.amo" type="decimal" expected="56.00"' in done.xml


def test_a_whole_number_cell_keeps_every_digit() -> None:
    assert cell_text(1234567890123456.0) == "1234567890123456"
