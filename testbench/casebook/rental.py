"""The rental period of an invoice line: both dates or none, the end not before the start (the format's rule).

A half or reversed period is a mistake of the casebook unless the case tests the product's refusal of it
(RENTAL_PERIOD_INVALID expected on the step), as a price above the PLV is (:mod:`testbench.casebook.checks`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from testbench.casebook.lazy import CaseParts

Report = Callable[..., None]
REFUSAL = "RENTAL_PERIOD_INVALID"
_NO_END = "période de location sans fin (rental-end) : donnez les deux dates, ou attendez le refus {refusal}"
_NO_START = "période de location sans début (rental-start) : donnez les deux dates, ou attendez le refus {refusal}"
_REVERSED = "fin de location {end} avant son début {start} : corrigez, ou attendez le refus {refusal}"


def check_rental_periods(parts: CaseParts, report: Report) -> None:
    """Each invoice line's rental period, unless the step's expected refusal is RENTAL_PERIOD_INVALID."""
    refused = {attrs.get("step") for *_, attrs, _at in parts.expectations if attrs.get("code") == REFUSAL}
    for action, sid, params, _at, line_offsets, _text, _observe in parts.steps:
        if action != "invoice" or sid in refused:
            continue
        for line, at in zip(params.get("lines", ()), line_offsets, strict=False):
            _check_line(line, at, report)


def _check_line(line: dict[str, str], at: int, report: Report) -> None:
    start, end = line.get("rental-start"), line.get("rental-end")
    if start is None and end is None:
        return
    if end is None:
        report(at, _NO_END, "rental-start", refusal=REFUSAL)
        return
    if start is None:
        report(at, _NO_START, "rental-end", refusal=REFUSAL)
        return
    first, last = _date(start), _date(end)
    if first is not None and last is not None and last < first:
        report(at, _REVERSED, "rental-end", end=end, start=start, refusal=REFUSAL)


def _date(text: str) -> date | None:
    """The date, or None when the schema refuses it (and says so)."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


__all__ = ["check_rental_periods"]
