"""Named normalisation rules, applied to both sides before a comparison.

A casebook names the rules next to the expectation they serve (``normalize="trim casefold"``) and
the comparison records which ones applied, so a reader sees why two different strings were equal.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime

Rule = Callable[[str], str]


#: A date as a product shows it, day first (French): 12/01/2026, 12.01.2026, 12-01-2026; a two-digit year
#: (12/01/26, 12.01.26) with a slash or a dot only — 12-01-26 could be read year first.
_DAY_FIRST = re.compile(r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})")
#: ISO 8601: a date (2026-01-12), or a date and time whose date part is kept (2026-01-12T10:30:00Z,
#: 2026-01-12 10:30, 2026-01-12T10:30:00.123+01:00: the date as written, not moved to another zone)
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?")
#: Two-digit years: 00–68 are 2000–2068, 69–99 are 1969–1999 (POSIX's pivot, Python's ``%y``: the B2 AAMMJJ too)
PIVOT = 69


def _year(text: str) -> int:
    if len(text) == 4:
        return int(text)
    year = int(text)
    return 1900 + year if year >= PIVOT else 2000 + year


def _date(text: str) -> str:
    """A date as a product shows it becomes ISO (« 12/01/26 », « 12.01.2026 », « 2026-01-12T10:30:00Z » →
    2026-01-12): day first as French writes it (JJ/MM/AAAA, JJ.MM.AAAA, JJ-MM-AAAA, JJ/MM/AA and JJ.MM.AA, two-digit
    years by :data:`PIVOT`), ISO (a date-time's date part) or B2 (AAMMJJ, AAAAMMJJ). Never month first, as the US
    writes it: « 01/13/2026 » is no date. Anything else, or a day that does not exist (31/02/2026), as it was."""
    text = text.strip()
    found = _ISO.fullmatch(text)
    if found is not None:
        year, month, day = found.groups()
    elif (found := _DAY_FIRST.fullmatch(text)) is not None:
        day, separator, month, year = found.groups()
        if len(year) == 2 and separator == "-":
            return text
    if found is not None:
        try:
            return date(_year(year), int(month), int(day)).isoformat()
        except ValueError:
            return text
    for fmt in ("%y%m%d", "%Y%m%d"):
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
