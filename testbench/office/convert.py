"""Cell texts into casebook values: amounts (« 12,50 € » -> 12.50), dates (« 01/02/2026 » -> 2026-02-01),
booleans (« Oui » -> true), integers. Each returns None when the text does not read, so the caller places
the problem at the cell."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from testbench.domain.decimals import read_decimal
from testbench.office.mapping import Conversions

_CENT = Decimal("0.01")


def number(text: str) -> str | None:
    """« 1 234,5 », « 1,5 », « 14 € » -> ``1234.5``, ``1.5``, ``14`` (a dot, as casebooks write it)."""
    value = read_decimal(text)
    return None if value is None else str(value)


def amount(text: str) -> str | None:
    """« 12,5 € », « 14 » -> ``12.50``, ``14.00``: at least the cents, whatever the cell's format."""
    value = number(text)
    if value is None:
        return None
    exact = Decimal(value)
    return str(exact.quantize(_CENT) if exact.as_tuple().exponent > -2 else exact)  # type: ignore[operator]


def integer(text: str) -> str | None:
    """« 4 », « 4,0 » -> ``4``; None for « 4,5 » or « quatre »."""
    value = number(text)
    if value is None or Decimal(value) != Decimal(value).to_integral_value():
        return None
    return str(int(Decimal(value)))


def date(text: str, conversions: Conversions) -> str | None:
    """A date in ISO form, from ISO or one of the mapping's formats (``%d/%m/%Y`` by default)."""
    raw = text.strip()
    for form in ("%Y-%m-%d", *conversions.date_formats):
        try:
            return dt.datetime.strptime(raw, form).date().isoformat()
        except ValueError:
            continue
    return None


def boolean(text: str, conversions: Conversions) -> str | None:
    """``true``/``false`` from the mapping's words (« Oui », « X », « Non »…)."""
    word = text.strip().casefold()
    if word in conversions.true_words:
        return "true"
    if word in conversions.false_words:
        return "false"
    return None
