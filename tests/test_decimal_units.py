"""A value shown with its unit is the value: an amount with its euro (« 33.60 EUR », « 33,60 € ») and a rate with
its percent sign (« 60 % ») compare as the number they write, in the comparison, the operator's keyed values and
the import alike (one reader, ``domain.decimals.read_decimal``)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from testbench.domain.decimals import read_decimal
from testbench.runner.compare import reading


@pytest.mark.parametrize(
    ("text", "number"),
    [("60 %", "60"), ("60%", "60"), ("60,5 %", "60.5"), ("33.60 EUR", "33.60"), ("33,60 €", "33.60")],
)
def test_a_trailing_unit_is_read_with_its_number(text: str, number: str) -> None:
    assert read_decimal(text) == Decimal(number)
    assert reading("decimal", text) == Decimal(number)  # the comparison's own reading


@pytest.mark.parametrize("text", ["% 60", "60 % %", "%", "soixante %"])
def test_a_percent_sign_alone_or_before_is_no_number(text: str) -> None:
    assert read_decimal(text) is None
