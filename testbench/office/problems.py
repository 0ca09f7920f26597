"""What an import could not map, each with its place (``Feuille1!D14``, ``tableau 3, ligne 7``, ``map.toml:12``).

One owner for the office layer's problems: the mapping, the table readers and the importer report through it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from testbench.casebook.errors import in_both
from testbench.fmt import shown, visible_controls
from testbench.i18n import default_language

#: The characters of a document's text a problem quotes (« … », “…”): a cell of 70 000 characters (a paste gone
#: wrong) was quoted whole, one line of 70 000 characters on the screen; the cut is marked « … ».
QUOTED_MAX = 200
_LONG_QUOTE = re.compile(rf"(«\s?|“)([^«»“”]{{{QUOTED_MAX + 1},}}?)(\s?»|”)")


def _cut_quotes(text: str) -> str:
    """``text`` with each quoted text longer than :data:`QUOTED_MAX` cut (:func:`testbench.fmt.shown`)."""
    return _LONG_QUOTE.sub(lambda m: m[1] + shown(m[2], QUOTED_MAX) + m[3], text)


@dataclass(frozen=True)
class Problem:
    """One thing the import could not map. ``place`` and ``message`` are French; their English beside them."""

    place: str
    message: str
    place_en: str | None = None
    english: str | None = None

    @classmethod
    def of(cls, place: object, template: str, /, **fields: object) -> Problem:
        """A problem worded from a French template (its English in the catalogue) at ``place``.

        ``place`` is a :class:`testbench.office.tables.Place` (worded in both languages) or a plain text
        such as ``mapping.toml:12``.
        """
        return cls.worded(place, lambda t: t(template).format(**fields))

    @classmethod
    def worded(cls, place: object, render: Callable[[Callable[[str], str]], str]) -> Problem:
        """A problem whose message ``render(t)`` composes in each language (an OS error's reason…)."""
        message, english = in_both(render)
        if hasattr(place, "text"):
            return cls(place.text("fr"), message, place.text("en"), english)  # type: ignore[attr-defined]
        return cls(str(place), message, None, english)

    def text(self, lang: str | None = None) -> str:
        """``place: message`` in ``lang`` (the default language when None)."""
        # a control character the document holds (a NUL, an escape) shown, never sent raw to the terminal
        if (lang or default_language()) == "en":
            return visible_controls(_cut_quotes(f"{self.place_en or self.place}: {self.english or self.message}"))
        return visible_controls(_cut_quotes(f"{self.place}: {self.message}"))

    def __str__(self) -> str:
        return self.text()


class OfficeError(Exception):
    """The document or the mapping cannot be used at all (unreadable file, bad mapping): nothing is written.

    ``notes`` are what the reading chose before it failed (the sheet read, the other sheets holding data): said
    first, they often explain the failure (the wrong sheet read).
    """

    def __init__(self, problems: Iterable[Problem], notes: Iterable[Problem] = ()) -> None:
        self.problems: list[Problem] = list(problems)
        self.notes: list[Problem] = list(notes)
        super().__init__("\n".join(p.text("fr") for p in self.problems))
