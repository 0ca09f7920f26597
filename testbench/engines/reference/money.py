"""Decimal amounts and rounding. Never float: amounts cross the protocol as decimal strings."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)

#: "half-up" is commercial rounding, half away from zero (Decimal's ROUND_HALF_UP is away from zero).
ROUNDING_MODES: dict[str, str] = {"half-up": ROUND_HALF_UP, "half-even": ROUND_HALF_EVEN}
DEFAULT_ROUNDING = "half-up"


class AmountError(ValueError):
    """A value is not a usable decimal amount; the message is French source text (English in the catalogue)."""


_KINDS = {bool: "booléen", float: "nombre à virgule flottante"}  # refused, said in words


def parse_decimal(value: object) -> Decimal:
    """Parse a decimal string (or int); floats are refused because they already lost precision."""
    if isinstance(value, bool | float):
        raise AmountError(f"montant en texte attendu (« 12.50 »), pas un {_KINDS[type(value)]}")
    if isinstance(value, int):
        return Decimal(value)
    if not isinstance(value, str):
        raise AmountError("montant en texte attendu (« 12.50 »)")
    text = value.strip().replace(",", ".")
    try:
        result = Decimal(text)
    except InvalidOperation as exc:
        raise AmountError(f"pas un nombre décimal : « {value} »") from exc
    if not result.is_finite():
        raise AmountError(f"nombre décimal non fini : « {value} »")
    return result


def round_cents(value: Decimal, mode: str = DEFAULT_ROUNDING) -> Decimal:
    """Round to the cent with the named mode (see :data:`ROUNDING_MODES`)."""
    return value.quantize(CENT, rounding=ROUNDING_MODES[mode])


def fmt(value: Decimal) -> str:
    """Format an amount as the protocol's decimal string, always two decimals ("33.60")."""
    if not value:  # zero parts are the most frequent (state, régime local, dépassement…): skip quantize
        return "0.00"
    return str(value.quantize(CENT))


def fmt_rate(value: Decimal) -> str:
    """Format a rate in percent without useless decimals ("60", "90", "100")."""
    text = format(value.normalize(), "f")
    return text


def cents(value: Decimal) -> int:
    """An amount in cents, for B2-like records."""
    return int((value * 100).quantize(Decimal(1)))
