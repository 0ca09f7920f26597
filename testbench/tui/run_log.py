"""The run log (view 2): Textual's ``Log``, its long lines wrapped to the view's width instead of cropped.

A verdict's reason or a step's description often runs past the width (« … le port vpcd 35964 est utilisé
par un autre banc … »). ``Log`` draws one row per line and crops it; ``RichLog(wrap=True)`` would render
every line through Rich. This keeps ``Log``'s line API (cheap rows, a cache, ``write_lines`` in batches):
it draws the rows of the lines wrapped at word boundaries, continued under their first word, and wraps
them again when the width changes. ``lines`` stays the lines as written.
"""

from __future__ import annotations

from collections.abc import Iterable
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


class RunLog(Log):
    """``Log`` with wrapped rows (see the module's docstring)."""

    DEFAULT_CSS = "RunLog { overflow-x: hidden; }"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._written: list[str] = []  # the lines as written; ``Log``'s own list holds the rows drawn
        self._wrap_width = 0

    @property
    def lines(self) -> Sequence[str]:
        return self._written

    def _row_width(self) -> int:
        return self.scrollable_content_region.width

    def write_lines(self, lines: Iterable[str], scroll_end: bool | None = None) -> Self:
        new = [part for line in lines for part in line.splitlines()]
        self._written.extend(new)
        width = self._wrap_width = self._row_width()
        return super().write_lines([row for line in new for row in wrap_line(line, width)], scroll_end)

    def clear(self) -> Self:
        self._written.clear()
        return super().clear()

    def on_resize(self, event: events.Resize) -> None:
        width = self._row_width()
        if width != self._wrap_width and self._written:  # the rows of every line, at the new width
            written = list(self._written)
            self.clear()
            self.write_lines(written)
