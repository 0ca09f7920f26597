"""The run log (view 2): Textual's ``Log``, its long lines wrapped to the view's width instead of cropped.

A verdict's reason or a step's description often runs past the width (« … le port vpcd 35964 est utilisé
par un autre banc … »). ``Log`` draws one row per line and crops it; ``RichLog(wrap=True)`` would render
every line through Rich. This keeps ``Log``'s line API (cheap rows, a cache, ``write_lines`` in batches):
it draws the rows of the lines wrapped at word boundaries, continued under their first word, and wraps
them again when the width changes. ``lines`` stays the lines as written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from rich._wrap import divide_line
from rich.cells import cell_len
from textual import events
from textual.widgets import Log

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Self


def wrap_line(line: str, width: int) -> list[str]:
    """The rows of ``line`` at ``width`` cells: cut between words (inside a word longer than a row), each
    continuation indented two cells past the line's own indent."""
    if width < 8 or cell_len(line) <= width:
        return [line]
    indent = " " * min(len(line) - len(line.lstrip(" ")) + 2, width // 2)
    rows: list[str] = []
    rest = line
    while (cells := cell_len(rest)) > width:
        cut = _cut(rest, width, cells)
        rows.append(rest[:cut].rstrip())
        tail = rest[cut:].lstrip()
        if not tail:
            return rows
        rest = indent + tail
    rows.append(rest)
    return rows


def _cut(text: str, width: int, cells: int) -> int:
    """Where the first row of ``text`` ends: after its last word that fits, inside a longer word."""
    if cells == len(text):  # one cell per character (most lines): the last space that fits, found at C speed
        space = text.rfind(" ", 0, width + 1)
        return space if space > len(text) - len(text.lstrip(" ")) else width
    starts = divide_line(text, width, fold=True)  # wide characters (✋): Rich counts the cells
    return starts[0] if starts else len(text)


#: a line of the log: as written, or drawn in the language shown (F2 draws it again: :meth:`RunLog.redraw`)
Entry = str | Callable[[], str]


def drawn(entry: Entry) -> str:
    return entry if isinstance(entry, str) else entry()


class RunLog(Log):
    """``Log`` with wrapped rows (see the module's docstring), whose lines drawn in a language are drawn again
    in another (:meth:`redraw`): after F2 the log reads in one language, as the rest of the view."""

    DEFAULT_CSS = "RunLog { overflow-x: hidden; }"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._entries: list[Entry] = []  # what was logged, each line or its drawing
        self._written: list[str] = []  # the lines as written; ``Log``'s own list holds the rows drawn
        self._wrap_width = 0

    @property
    def lines(self) -> Sequence[str]:
        return self._written

    def _row_width(self) -> int:
        return self.scrollable_content_region.width

    def write_lines(self, lines: Iterable[Entry], scroll_end: bool | None = None) -> Self:
        entries = list(lines)
        self._entries.extend(entries)
        return self._draw([drawn(entry) for entry in entries], scroll_end)

    def _draw(self, lines: Iterable[str], scroll_end: bool | None = None) -> Self:
        new = [part for line in lines for part in line.splitlines()]
        self._written.extend(new)
        width = self._wrap_width = self._row_width()
        return super().write_lines([row for line in new for row in wrap_line(line, width)], scroll_end)

    def _rewrite(self, lines: list[str]) -> None:
        """The rows drawn again from ``lines``, what was logged kept."""
        self._written.clear()
        super().clear()
        self._draw(lines)

    def clear(self) -> Self:
        self._entries.clear()
        self._written.clear()
        return super().clear()

    def redraw(self) -> None:
        """Every line drawn again, in the language now shown (F2)."""
        if any(not isinstance(entry, str) for entry in self._entries):
            self._rewrite([drawn(entry) for entry in self._entries])

    def on_resize(self, event: events.Resize) -> None:
        width = self._row_width()
        if width != self._wrap_width and self._written:  # the rows of every line, at the new width
            self._rewrite(list(self._written))
