"""Problems found in a casebook, and the exception that carries all of them at once."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from testbench.casebook.model import SourceRef
from testbench.i18n import default_language, translator


@dataclass(frozen=True)
class Problem:
    """One problem, located so an editor can jump to it (``file:line:col: message``).

    ``message`` is French; ``english`` is given where the message was composed from parts (a
    schema error, an OS error), otherwise the translator's word for ``message`` is used.
    """

    source: SourceRef
    message: str
    english: str | None = None

    @classmethod
    def of(cls, source: SourceRef, template: str, **fields: object) -> Problem:
        """A problem worded from a French template (its English in testbench.i18n) and its fields.

        A field may itself be worded in each language: a callable given the translator (``regex_reason``).
        """
        message, english = in_both(
            lambda t: t(template).format(**{k: v(t) if callable(v) else v for k, v in fields.items()})
        )
        return cls(source, message, english)

    def __str__(self) -> str:
        return f"{self.source}: {self.message}"

    def text(self, lang: str | None = None) -> str:
        """``file:line:col: message`` in ``lang`` (the default language when None)."""
        if self.english is not None and (lang or default_language()) == "en":
            return f"{self.source}: {self.english}"
        return f"{self.source}: {translator(lang)(self.message)}"


class CasebookError(Exception):
    """A casebook (or several) could not be loaded; ``problems`` lists every problem found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def in_both(render: Callable[[Callable[[str], str]], str]) -> tuple[str, str]:
    """A message composed by ``render(t)``, in French and in English (for :class:`Problem`)."""
    return render(translator("fr")), render(translator("en"))
