"""Cell texts into casebook values: amounts (« 12,50 € » -> 12.50), dates (« 01/02/2026 » -> 2026-02-01),
booleans (« Oui » -> true), integers. Each returns None when the text does not read, so the caller places
the problem at the cell."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from decimal import Context, Decimal, InvalidOperation

from testbench.domain.decimals import EURO, read_decimal
from testbench.domain.vocabulary import is_amount, is_rate
from testbench.i18n import _t
from testbench.office.mapping import Conversions, folded

_CENT = Decimal("0.01")
#: The most digits a number read from a cell may have, the cents an amount gains included: the precision of
#: Python's decimal arithmetic, which prices and compares amounts. A longer number (« 1e300 » in a cell, 29
#: digits) computes with nothing: it does not read, and is placed at its cell like any unreadable amount.
MAX_DIGITS = 28
_CONTEXT = Context(prec=MAX_DIGITS, traps=[InvalidOperation])
#: What is said of a text that is no amount, or one beyond the cent; {text} is the cell's text.
AMOUNT_UNREADABLE = _t("montant illisible « {text} » (attendu : 12,50 €, 12.5, 1 234,56 ou une cellule nombre)")
#: What is said of a text that is no rate (« 60 % ») or no number, at a path that holds one.
RATE_UNREADABLE = _t("taux illisible « {text} » (attendu : 60 %, 60, 12,5 ou une cellule nombre)")
NUMBER_UNREADABLE = _t("nombre illisible « {text} »")
AMOUNT_BEYOND_CENT = _t("montant « {value} » au-delà du centime : deux décimales au plus")
#: What is said of a text that is no date: {dates} are the accepted forms, shown on a sample date.
DATE_UNREADABLE = _t("date illisible « {text} » (attendu : {dates} ou une cellule au format date)")
DATE_SERIAL = _t("nombre {text} : une date Excel ({date}) ? formatez la cellule en date")
DATE_WITH_TIME = _t("date « {text} » avec une heure : la date seule est attendue ({dates})")
DATE_NONEXISTENT = _t("le {text} n'existe pas")
#: What is said of a text that is no yes/no: {words} are the mapping's words (:func:`boolean_words`).
BOOLEAN_UNREADABLE = _t("oui/non illisible « {text} » (valeurs : {words})")
#: A whole number an Excel date is stored as when its cell is not formatted as a date (1927 to 2173).
_SERIAL = re.compile(r"\d{5}(\.\d+)?")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_MIDNIGHT = re.compile(r"[ T]00:00(:00)?$")
_SAMPLE = dt.date(2026, 1, 31)


def _read(text: str, units: Collection[str] = (EURO,)) -> Decimal | None:
    """The number ``text`` writes with one of ``units`` (:func:`testbench.domain.decimals.units_at`), or None when
    it writes none or one of more than :data:`MAX_DIGITS` digits."""
    value = read_decimal(text, units)
    if value is None or not value.is_finite() or len(value.as_tuple().digits) > MAX_DIGITS:
        return None
    return value


def number(text: str, units: Collection[str] = (EURO,)) -> str | None:
    """« 1 234,5 », « 1,5 », « 14 € » -> ``1234.5``, ``1.5``, ``14`` (a dot, as casebooks write it)."""
    value = _read(text, units)
    return None if value is None else format(value, "f")  # never 1E-7: casebooks write no exponent


def amount(text: str, units: Collection[str] = (EURO,)) -> str | None:
    """« 12,5 € », « 14 » -> ``12.50``, ``14.00``: at least the cents, whatever the cell's format. ``units``: those
    the value may be written with (a rate's « 60 % »), the euro by default."""
    value = _read(text, units)
    if value is None:
        return None
    if value.as_tuple().exponent > -2:  # type: ignore[operator]
        try:
            value = value.quantize(_CENT, context=_CONTEXT)
        except InvalidOperation:  # the cents take it past MAX_DIGITS
            return None
    return format(value, "f")


def price(text: str) -> str | None:
    """An amount of the invoice (a price, a tariff, a cap): :func:`amount`, None beyond the cent (« 1 234,567 »)."""
    value = amount(text)
    return None if value is None or len(value.partition(".")[2]) > 2 else value


def amount_problem(text: str) -> str:
    """The template saying why ``text`` is no amount of the invoice: unreadable, or beyond the cent."""
    return AMOUNT_UNREADABLE if amount(text) is None else AMOUNT_BEYOND_CENT


def decimal_problem(path: str) -> str:
    """The template saying a text at observation ``path`` is no decimal, naming what the path holds: an amount,
    a rate, a number (:func:`testbench.domain.vocabulary.is_amount`, :func:`~testbench.domain.vocabulary.is_rate`)."""
    if is_amount(path):
        return AMOUNT_UNREADABLE
    return RATE_UNREADABLE if is_rate(path) else NUMBER_UNREADABLE


def integer(text: str) -> str | None:
    """« 4 », « 4,0 » -> ``4``; None for « 4,5 » or « quatre »."""
    value = _read(text)
    if value is None or value != value.to_integral_value():
        return None
    return str(int(value))


def date(text: str, conversions: Conversions) -> str | None:
    """A date in ISO form, from ISO or one of the mapping's formats (``%d/%m/%Y`` by default)."""
    raw = _MIDNIGHT.sub("", text.strip())  # a date and time at midnight is its date
    for form in ("%Y-%m-%d", *conversions.date_formats):
        try:
            return dt.datetime.strptime(raw, form).date().isoformat()
        except ValueError:
            continue
    return None


def date_problem(text: str, conversions: Conversions) -> tuple[str, dict[str, str]]:
    """Why ``text`` is no date, as a template and its fields: an Excel serial number (a date cell formatted
    as a number), a date with a time, a day the calendar lacks (« 30/02/2026 »), else the forms accepted."""
    raw = text.strip()
    forms = list(dict.fromkeys(("%Y-%m-%d", *conversions.date_formats)))
    dates = ", ".join(_SAMPLE.strftime(form) for form in forms)
    fields = {"text": raw, "dates": dates}
    if _SERIAL.fullmatch(raw):
        shown = (_EXCEL_EPOCH + dt.timedelta(days=int(float(raw)))).strftime((*conversions.date_formats, forms[0])[0])
        return DATE_SERIAL, {**fields, "date": shown}
    head, sep, _time = raw.partition(" ")
    if sep and date(head, conversions) is not None:
        return DATE_WITH_TIME, fields
    for form in forms:
        try:
            dt.datetime.strptime(raw, form)
        except ValueError as exc:
            if "out of range" in str(exc):
                return DATE_NONEXISTENT, fields
    return DATE_UNREADABLE, fields


def boolean(text: str, conversions: Conversions) -> str | None:
    """``true``/``false`` from the mapping's words (« Oui », « X », « Non »…); a boolean cell (Excel's VRAI,
    read as ``true``) is yes/no whatever the words."""
    word = folded(text)
    if word in conversions.true_words or (word == "true" and word not in conversions.false_words):
        return "true"
    if word in conversions.false_words or word == "false":
        return "false"
    return None


def boolean_words(conversions: Conversions) -> str:
    """The words a yes/no cell may hold, as said when one does not read: « oui, x / "", non » (``""``: an
    empty cell, written so in either language)."""

    def shown(words: frozenset[str]) -> str:
        return ", ".join(sorted(word or '""' for word in words))

    return f"{shown(conversions.true_words)} / {shown(conversions.false_words)}"
