"""A decimal as a person or an application writes it, read back as a number.

An operator keys the value the product under test shows — « 33,60 € », « 1 234,56 € », "€1,234.56" — and
an application's screen or log writes amounts its own way; a comparison must read each as the amount it is,
not fail it as « not a decimal ». One reader for the comparison, the operator's corrections and the
spreadsheet import, so the three never disagree on what a written amount is.

Rules: an optional sign (``+``, ``-``, the minus sign ``−``); the unit a value is shown with, part of the value
as written: the euro before or after (``€``, ``EUR``, ``euro``, ``euros``, any case), a percent sign after (a
rate, « 60 % »); thousands grouped by spaces (plain, no-break or narrow no-break:
what French software prints) or apostrophes. With both a comma and a dot, the last one is the decimal mark
and the other groups thousands (« 1.234,56 », "1,234.56"); alone, either is the decimal mark (« 0,5 » and
"0.5"; « 1,234 » is one and a quarter, as a French reader reads it).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_CURRENCY = re.compile(r"^(?:€|eur(?:os?)?\b)\s*|\s*(?:€|eur(?:os?)?|%)$", re.IGNORECASE)
_SPACES = re.compile("[ \u00a0\u202f']")
_GROUPED = re.compile(r"\d{1,3}(?:[ \u00a0\u202f']\d{3})+")
_MACHINE = re.compile(r"-?\d+(?:\.\d+)?")
_PLAIN = re.compile(r"\d+(?:[.,]\d+)?|[.,]\d+")


def _signed(text: str) -> tuple[str, str]:
    """``text``'s sign (« - » or nothing) and the rest."""
    if text and text[0] in "+-−":
        return ("" if text[0] == "+" else "-"), text[1:].lstrip()
    return "", text


def _grouped(whole: str, separator: str) -> str | None:
    """``whole`` with its thousands separators removed, or None when they do not group by three."""
    if separator in whole:
        parts = whole.split(separator)
        if not (1 <= len(parts[0]) <= 3 and all(len(p) == 3 for p in parts[1:])):
            return None
        whole = "".join(parts)
    return whole


def read_decimal(text: str) -> Decimal | None:
    """The number ``text`` writes (rules above), or None when it writes none."""
    if _MACHINE.fullmatch(text):  # what an engine and a casebook write (« 33.60 »): most values, read at once
        return Decimal(text)
    sign, raw = _signed(text.strip())
    raw = _CURRENCY.sub("", raw, count=1)
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


__all__ = ["read_decimal"]
