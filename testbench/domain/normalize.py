"""Named normalisation rules, applied to both sides before a comparison.

A casebook names the rules next to the expectation they serve (``normalize="trim casefold"``) and
the comparison records which ones applied, so a reader sees why two different strings were equal.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime

Rule = Callable[[str], str]


def _date(text: str) -> str:
    """Dates in ISO, French (JJ/MM/AAAA) or B2 (AAMMJJ) form become ISO."""
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%y%m%d", "%Y%m%d", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return text


RULES: dict[str, Rule] = {
    "trim": str.strip,
    "casefold": str.casefold,
    "whitespace": lambda s: " ".join(s.split()),
    "digits": lambda s: re.sub(r"\D", "", s),
    "date": _date,
    # values that legitimately vary between runs: keep the shape, drop the value
    "invoice-number": lambda s: re.sub(r"\d", "9", s.strip()),
    "lot-number": lambda s: re.sub(r"\d", "9", s.strip()),
    "hex": lambda s: re.sub(r"[^0-9A-F]", "", s.upper()),
}


def apply(names: tuple[str, ...], text: str) -> str:
    for name in names:
        text = RULES[name](text)
    return text


def unknown(names: tuple[str, ...]) -> list[str]:
    return [n for n in names if n not in RULES]


__all__ = ["RULES", "apply", "date", "unknown"]
