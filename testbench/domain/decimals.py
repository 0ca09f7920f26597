"""A decimal as a person or an application writes it, read back as a number.

An operator keys the value the product under test shows — « 33,60 € », « 1 234,56 € », "€1,234.56" — and
an application's screen or log writes amounts its own way; a comparison must read each as the amount it is,
not fail it as « not a decimal ». One reader for the comparison, the operator's corrections and the
spreadsheet import, so the three never disagree on what a written amount is.

Rules: an optional sign (``+``, ``-``, the minus sign ``−``); the unit a value is shown with, when the value
may have it (:func:`units_at`: « 33,60 % » is no amount, « 60 € » no rate): the euro before or after (``€``,
``EUR``, ``euro``, ``euros``, any case), the percent sign after (a rate, « 60 % »); thousands grouped by
spaces (plain, no-break or narrow no-break:
what French software prints) or apostrophes. With both a comma and a dot, the last one is the decimal mark
and the other groups thousands (« 1.234,56 », "1,234.56"); alone, either is the decimal mark (« 0,5 » and
"0.5"; « 1,234 » is one and a quarter, as a French reader reads it).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from decimal import Decimal, InvalidOperation

from testbench.domain.vocabulary import is_amount, is_rate

#: The units a value may be written with: the euro of an amount, the percent sign of a rate.
EURO, PERCENT = "€", "%"
#: Each unit as written, before or after the number.
_UNITS = {
    EURO: re.compile(r"^(?:€|eur(?:os?)?\b)\s*|\s*(?:€|eur(?:os?)?)$", re.IGNORECASE),
    PERCENT: re.compile(r"\s*%$"),
}
_SPACES = re.compile("[ \u00a0\u202f']")
_GROUPED = re.compile(r"\d{1,3}(?:[ \u00a0\u202f']\d{3})+")
_MACHINE = re.compile(r"-?\d+(?:\.\d+)?")
_PLAIN = re.compile(r"\d+(?:[.,]\d+)?|[.,]\d+")


def _signed(text: str) -> tuple[str, str]:
    """``text``'s sign (« - » or nothing) and the rest."""
    if text and text[0] in "+-−":
        return ("" if text[0] == "+" else "-"), text[1:].lstrip()
    return "", text


def _without_unit(raw: str, units: Collection[str]) -> str:
    """``raw`` without the first of ``units`` it is written with (one only: « 60 % € » keeps its « % »)."""
    for unit in units:
        bare, found = _UNITS[unit].subn("", raw, count=1)
        if found:
            return bare
    return raw


def _grouped(whole: str, separator: str) -> str | None:
    """``whole`` with its thousands separators removed, or None when they do not group by three."""
    if separator in whole:
        parts = whole.split(separator)
        if not (1 <= len(parts[0]) <= 3 and all(len(p) == 3 for p in parts[1:])):
            return None
        whole = "".join(parts)
    return whole


def units_at(path: str) -> tuple[str, ...]:
    """The unit a value at observation ``path`` may be written with: the euro on an amount, the percent sign on a
    rate (:func:`~testbench.domain.vocabulary.is_amount`, :func:`~testbench.domain.vocabulary.is_rate`), none
    elsewhere — a unit the value cannot have is a mistake."""
    if is_amount(path):
        return (EURO,)
    return (PERCENT,) if is_rate(path) else ()


def read_decimal(text: str, units: Collection[str] = (EURO,)) -> Decimal | None:
    """The number ``text`` writes (rules above) with one of ``units`` (:func:`units_at` a path's; by default the
    euro, as a caller that knows no path reads a written amount), or None when it writes none."""
    if _MACHINE.fullmatch(text):  # what an engine and a casebook write (« 33.60 »): most values, read at once
        return Decimal(text)
    sign, raw = _signed(text.strip())
    raw = _without_unit(raw, units)
    if not sign:  # « € -12,00 » and "-€12.00" read alike
        sign, raw = _signed(raw)
    whole, mark, decimals = raw, "", ""
    if "," in raw and "." in raw:
        mark = "," if raw.rindex(",") > raw.rindex(".") else "."
        whole, _, decimals = raw.rpartition(mark)
        grouped = _grouped(whole, "." if mark == "," else ",")
        if grouped is None:
            return None
        whole = grouped
    elif "," in raw or "." in raw:
        mark = "," if "," in raw else "."
        whole, _, decimals = raw.rpartition(mark)
    if _SPACES.search(whole):
        if not _GROUPED.fullmatch(whole):
            return None
        whole = _SPACES.sub("", whole)
    number = f"{whole}.{decimals}" if mark else whole
    if not _PLAIN.fullmatch(number):
        return None
    try:
        return Decimal(sign + number)
    except InvalidOperation:  # pragma: no cover - the pattern above admits only what Decimal reads
        return None


__all__ = ["EURO", "PERCENT", "read_decimal", "units_at"]


def to_the_cent(text: str) -> str | None:
    """An amount as a casebook writes it, cut to the cent: « 14.0000 » → « 14.00 » (zeros past the cent say
    nothing); None when a third decimal other than 0 is there (« 1.005 »: a mistake, not a price); any other
    text (no decimals, a word) as written. One rule for the casebook check and the request the bench sends."""
    whole, dot, fraction = text.strip().partition(".")
    if not dot or len(fraction) <= 2 or not fraction.isdigit():
        return text
    return None if fraction[2:].strip("0") else f"{whole}.{fraction[:2]}"
