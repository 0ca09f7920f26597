"""Digits alone against a raw path: a short value (a rank « 01 », a count, an invoice number « 1 ») is a number
compared by value, as the engine reports it; only an identifier's nine digits or more (FINESS, RPPS, NIR) stay
the text the document writes."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl

from testbench.office.importer import import_document
from testbench.office.mapping import load_mapping

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "casebooks" / "examples"
MAPPING = EXAMPLES / "cahier-exemple.mapping.toml"


def _imported(tmp_path: Path, lines: str) -> bytes:
    book = openpyxl.load_workbook(EXAMPLES / "cahier-exemple.xlsx")
    sheet = book["Cahier de tests"]
    sheet["X5"] = sheet["X5"].value + "\n" + lines
    document = tmp_path / "cahier.xlsx"
    book.save(document)
    shutil.copy(EXAMPLES / "cahier-exemple.fixtures.xml", tmp_path)
    done = import_document(document, load_mapping(MAPPING))
    assert done.problems == []
    return done.xml


def test_short_digits_are_numbers_compared_by_value(tmp_path: Path) -> None:
    xml = _imported(tmp_path, "vitale.beneficiaries[0].rank = 01\ninvoice.number = 1")

    assert b'path="vitale.beneficiaries[0].rank" type="decimal"' in xml
    assert b'path="invoice.number" type="decimal"' in xml


def test_nine_digits_or_more_are_an_identifier_kept_as_written(tmp_path: Path) -> None:
    xml = _imported(tmp_path, "cps.rpps = 00000000011\nvitale.nir = 180019999900168")

    assert b'path="cps.rpps" expected="00000000011"' in xml
    assert b'path="vitale.nir" expected="180019999900168"' in xml
