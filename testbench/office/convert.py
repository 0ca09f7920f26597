"""Cell texts into casebook values: amounts (« 12,50 € » -> 12.50), dates (« 01/02/2026 » -> 2026-02-01),
booleans (« Oui » -> true), integers. Each returns None when the text does not read, so the caller places
the problem at the cell."""

from __future__ import annotations

import datetime as dt
from decimal import Context, Decimal, InvalidOperation

from testbench.domain.decimals import read_decimal
from testbench.office.mapping import Conversions

_CENT = Decimal("0.01")
#: The most digits a number read from a cell may have, the cents an amount gains included: the precision of
#: Python's decimal arithmetic, which prices and compares amounts. A longer number (« 1e300 » in a cell, 29
#: digits) computes with nothing: it does not read, and is placed at its cell like any unreadable amount.
MAX_DIGITS = 28
_CONTEXT = Context(prec=MAX_DIGITS, traps=[InvalidOperation])


def _read(text: str) -> Decimal | None:
    """The number ``text`` writes, or None when it writes none or one of more than :data:`MAX_DIGITS` digits."""
    value = read_decimal(text)
    if value is None or not value.is_finite() or len(value.as_tuple().digits) > MAX_DIGITS:
        return None
    return value


def number(text: str) -> str | None:
    """« 1 234,5 », « 1,5 », « 14 € » -> ``1234.5``, ``1.5``, ``14`` (a dot, as casebooks write it)."""
    value = _read(text)
    return None if value is None else format(value, "f")  # never 1E-7: casebooks write no exponent


def amount(text: str) -> str | None:
    """« 12,5 € », « 14 » -> ``12.50``, ``14.00``: at least the cents, whatever the cell's format."""
    value = _read(text)
    if value is None:
        return None
    if value.as_tuple().exponent > -2:  # type: ignore[operator]
        try:
            value = value.quantize(_CENT, context=_CONTEXT)
        except InvalidOperation:  # the cents take it past MAX_DIGITS
            return None
    return format(value, "f")


def integer(text: str) -> str | None:
    """« 4 », « 4,0 » -> ``4``; None for « 4,5 » or « quatre »."""
    value = _read(text)
    if value is None or value != value.to_integral_value():
        return None
    return str(int(value))


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
