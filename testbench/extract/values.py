"""Values as an observation holds them: decimals with a dot, ranks filled into ``{n}`` paths."""

from __future__ import annotations

from testbench.domain.decimals import read_decimal
from testbench.extract.spec import RANK


def normalise_decimal(text: str) -> str:
    """« 163,80 » → « 163.80 », « 1 234,56 € » → « 1234.56 » (domain.decimals' rules: what French software
    writes); any other text, and a decimal already written with a dot, is returned as it is."""
    if "," not in text:
        return text
    number = read_decimal(text)
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
