"""A unit is read only where the path holds what it measures: « 33,60 % » keyed for an amount is no amount (it
passed as 33,60 € once the percent sign was read everywhere), « 60 € » no rate; the spreadsheet import's amount
refuses a percent sign at its cell; a path that holds neither reads no unit at all."""

from __future__ import annotations

from decimal import Decimal

import pytest
from fakes import value

from testbench.domain.decimals import EURO, PERCENT, read_decimal, units_at
from testbench.domain.verdict import Verdict
from testbench.office import convert
from testbench.runner.compare import compare_value


def _compared(path: str, expected: str, observed: str):
    leaf = path.rpartition(".")[2]
    tree: dict = {"invoice": {"totals": {leaf: observed}}} if "totals" in path else {"manual": {leaf: observed}}
    return compare_value(value("e1", path, expected), tree)


def test_an_amount_keyed_with_a_percent_sign_is_no_number() -> None:
    comparison = _compared("invoice.totals.amo", "33.60", "33,60 %")
    assert comparison.outcome is Verdict.FAIL
    assert comparison.message == "valeur observée « 33,60 % » : ce n'est pas un nombre"


def test_an_amount_keyed_with_its_euro_still_passes() -> None:
    assert _compared("invoice.totals.amo", "33.60", "33,60 €").outcome is Verdict.PASS


@pytest.mark.parametrize(
    ("observed", "outcome"), [("60 %", Verdict.PASS), ("60 €", Verdict.FAIL), ("60", Verdict.PASS)]
)
def test_a_rate_reads_its_percent_sign_and_no_euro(observed: str, outcome: Verdict) -> None:
    comparison = _compared("manual.paper_rate", "60", observed)
    assert comparison.outcome is outcome, comparison.message


@pytest.mark.parametrize("observed", ["3 €", "3 %"])
def test_a_value_neither_amount_nor_rate_reads_no_unit(observed: str) -> None:
    comparison = _compared("manual.count", "3", observed)
    assert comparison.outcome is Verdict.FAIL and "ce n'est pas un nombre" in comparison.message


def test_the_units_of_a_path() -> None:
    assert units_at("invoice.totals.amo") == (EURO,) and units_at("manual.paper_total") == (EURO,)
    assert units_at("invoice.lines[3].rate") == (PERCENT,) and units_at("manual.paper_rate") == (PERCENT,)
    assert units_at("pin.tries_left") == () and units_at("manual.rated") == ()


def test_the_spreadsheet_amount_refuses_a_percent_sign() -> None:
    assert convert.amount("33,60 %") is None and convert.amount_problem("33,60 %") == convert.AMOUNT_UNREADABLE
    assert convert.amount("33,60 €") == "33.60"


def test_a_reader_that_knows_no_path_reads_the_euro_only() -> None:
    assert read_decimal("33,60 %") is None and read_decimal("33,60 €") == Decimal("33.60")
