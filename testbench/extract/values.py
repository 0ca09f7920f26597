"""Values as an observation holds them: decimals with a dot, ranks filled into ``{n}`` paths."""

from __future__ import annotations

import re
from collections.abc import Collection

from testbench.domain.decimals import EURO, read_decimal
from testbench.extract.spec import RANK

#: what a written decimal has that a recorded one has not: a comma, the euro, a thousands separator
_WRITTEN = re.compile(r"[,€\s']|eur", re.IGNORECASE)


def normalise_decimal(text: str, units: Collection[str] = (EURO,)) -> str:
    """« 163,80 » → « 163.80 », « 1 234,56 € » and "€1,234.56" → « 1234.56 », « €5.90 » → « 5.90 »
    (domain.decimals' rules, with one of ``units``: what French software writes and a person types); a decimal
    already written with a dot (« 5.90 », an identifier « 000015 ») and any other text that is no number are
    returned as they are (« +33… », a phone number, keeps its sign)."""
    if not _WRITTEN.search(text.strip()):
        return text
    number = read_decimal(text, units)
    return text if number is None else str(number)


def scaled(digits: str, scale: int) -> str:
    """Implied decimals: ``scaled("0016380", 2) == "163.80"``; ``digits`` holds only ASCII digits."""
    number = digits.lstrip("0") or "0"
    if not scale:
        return number
    number = number.rjust(scale + 1, "0")
    return f"{number[:-scale]}.{number[-scale:]}"


class Ranks:
    """Fills ``{n}`` in observation paths: n counts, from 0 in file order, the values given for that path.

    So ``invoice.lines[{n}].base`` mapped from two record types (LPP lines and NGAP lines) numbers the
    lines of both in the order they come; :meth:`restart` begins again (a new invoice).
    """

    __slots__ = ("_filled", "_next")

    def __init__(self) -> None:
        self._next: dict[str, int] = {}
        self._filled: dict[tuple[str, int], str] = {}  # each path string made once (a lot repeats them)

    def path(self, template: str) -> str:
        if RANK not in template:
            return template
        n = self._next.get(template, 0)
        self._next[template] = n + 1
        key = (template, n)
        filled = self._filled.get(key)
        if filled is None:
            filled = self._filled[key] = template.replace(RANK, str(n))
        return filled

    def restart(self) -> None:
        self._next.clear()
