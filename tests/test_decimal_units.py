"""A value shown with its unit is the value: an amount with its euro (« 33.60 EUR », « 33,60 € ») and a rate with
its percent sign (« 60 % ») compare as the number they write, in the comparison, the operator's keyed values and
the import alike (one reader, ``domain.decimals.read_decimal``, given the units of the value's path)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from testbench.domain.decimals import read_decimal, units_at
from testbench.runner.compare import reading

RATE, AMOUNT = units_at("invoice.lines[0].rate"), units_at("invoice.totals.amo")


@pytest.mark.parametrize(
    ("text", "number", "units"),
    [
        ("60 %", "60", RATE),
        ("60%", "60", RATE),
        ("60,5 %", "60.5", RATE),
        ("33.60 EUR", "33.60", AMOUNT),
        ("33,60 €", "33.60", AMOUNT),
    ],
)
def test_a_trailing_unit_is_read_with_its_number(text: str, number: str, units: tuple[str, ...]) -> None:
    assert read_decimal(text, units) == Decimal(number)
    assert reading("decimal", text, units=units) == Decimal(number)  # the comparison's own reading


@pytest.mark.parametrize("text", ["% 60", "60 % %", "%", "soixante %"])
def test_a_percent_sign_alone_or_before_is_no_number(text: str) -> None:
    assert read_decimal(text, RATE) is None
