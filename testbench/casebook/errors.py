"""Problems found in a casebook, and the exception that carries all of them at once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from testbench.casebook.model import SourceRef


@dataclass(frozen=True)
class Problem:
    """One problem, located so an editor can jump to it (``file:line:col: message``)."""

    source: SourceRef
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.message}"


class CasebookError(Exception):
    """A casebook (or several) could not be loaded; ``problems`` lists every problem found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
