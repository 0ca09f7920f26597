"""A decimal in a spreadsheet is read with its path's unit, as the comparison reads it: « 60 % » is a rate's
60, « 33,60 EUR » an amount's 33.60; a unit the path cannot hold is placed at its cell, naming what it holds."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl

from testbench.office.importer import import_document
from testbench.office.mapping import load_mapping

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "casebooks" / "examples"
MAPPING = EXAMPLES / "cahier-exemple.mapping.toml"


def _import(tmp_path: Path, extra: str):  # type: ignore[no-untyped-def]
    book = openpyxl.load_workbook(EXAMPLES / "cahier-exemple.xlsx")
    sheet = book["Cahier de tests"]
    sheet["X5"] = sheet["X5"].value + "\n" + extra
    document = tmp_path / "cahier.xlsx"
    book.save(document)
    shutil.copy(EXAMPLES / "cahier-exemple.fixtures.xml", tmp_path)
    return import_document(document, load_mapping(MAPPING))


def test_a_rate_with_its_percent_sign_reads_as_the_rate(tmp_path: Path) -> None:
    done = _import(tmp_path, "invoice.lines[0].rate = 60 %\ninvoice.totals.amo = 33.60 EUR")

    assert [p.text("fr") for p in done.problems] == []
    assert b'path="invoice.lines[0].rate" type="decimal" expected="60.00"' in done.xml
    assert b'path="invoice.totals.amo" type="decimal" expected="33.60"' in done.xml


def test_a_unit_the_path_cannot_hold_names_what_it_holds(tmp_path: Path) -> None:
    done = _import(tmp_path, "invoice.lines[0].rate = 60 €")

    assert [p.text("fr") for p in done.problems] == [
        "'Cahier de tests'!X5: taux illisible « 60 € » (attendu : 60 %, 60, 12,5 ou une cellule nombre)"
    ]
    assert done.problems[0].text("en").startswith("'Cahier de tests'!X5: unreadable rate “60 €”")


def test_a_percent_on_an_amount_is_an_unreadable_amount(tmp_path: Path) -> None:
    done = _import(tmp_path, "invoice.totals.amo = 60 %")

    assert done.problems[0].text("fr").startswith("'Cahier de tests'!X5: montant illisible « 60 % »")


def test_a_euro_on_a_count_is_placed_as_an_unreadable_number(tmp_path: Path) -> None:
    done = _import(tmp_path, "lot.invoice_count = 3 €")

    assert [p.text("fr") for p in done.problems] == ["'Cahier de tests'!X5: nombre illisible « 3 € »"]
