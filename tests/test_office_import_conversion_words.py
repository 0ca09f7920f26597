"""What a cell that does not convert is told: the forms accepted, an Excel date serial in a General cell,
a date with a time, a day the calendar lacks, and an amount beyond the cent (never written as a price)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

from testbench.office import convert
from testbench.office.importer import import_document
from testbench.office.mapping import Conversions, load_mapping

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "casebooks" / "examples"
MAPPING = EXAMPLES / "cahier-exemple.mapping.toml"
SHEET = "'Cahier de tests'"


def problems(tmp_path: Path, cells: dict[str, object]) -> list[str]:
    book = openpyxl.load_workbook(EXAMPLES / "cahier-exemple.xlsx")
    sheet = book["Cahier de tests"]
    for ref, value in cells.items():
        sheet[ref] = value
    if "K6" in cells:  # a date typed in a cell formatted as a number: its serial shows
        sheet["K6"].number_format = "General"
    path = tmp_path / "cahier.xlsx"
    book.save(path)
    return [problem.text("fr") for problem in import_document(path, load_mapping(MAPPING)).problems]


def test_dates_that_do_not_read_say_why_and_what_is_accepted(tmp_path: Path) -> None:
    said = problems(
        tmp_path,
        {"K5": "12-01-2026", "K6": 46034, "K7": dt.datetime(2026, 1, 12, 18, 45), "K8": "30/02/2026"},
    )
    assert said == [
        f"{SHEET}!K5: date illisible « 12-01-2026 » (attendu : 2026-01-31, 31/01/2026 ou une cellule au format date)",
        f"{SHEET}!K6: nombre 46034 : une date Excel (12/01/2026) ? formatez la cellule en date",
        f"{SHEET}!K7: date « 12/01/2026 18:45 » avec une heure : la date seule est attendue "
        "(2026-01-31, 31/01/2026)",
        f"{SHEET}!K8: le 30/02/2026 n'existe pas",
    ]


def test_a_date_at_midnight_written_as_text_reads_as_its_date() -> None:
    assert convert.date("2026-01-12 00:00:00", Conversions()) == "2026-01-12"


def test_amounts_that_do_not_read_say_the_forms_and_the_cent(tmp_path: Path) -> None:
    said = problems(tmp_path, {"R5": "56.0O", "R6": "1 234,567", "R7": 14.005})
    assert said == [
        f"{SHEET}!R5: montant illisible « 56.0O » (attendu : 12,50 €, 12.5, 1 234,56 ou une cellule nombre)",
        f"{SHEET}!R6: montant « 1 234,567 » au-delà du centime : deux décimales au plus",
        f"{SHEET}!R7: montant « 14,005 » au-delà du centime : deux décimales au plus",  # a number cell, as shown
    ]


def test_a_price_with_trailing_zeros_is_still_a_price() -> None:
    assert convert.price("14,000") is None  # written as three decimals: refused, the team means 14,00 or 14,001
    assert convert.price("14,5") == "14.50"
    assert convert.price("1 234,56 €") == "1234.56"
