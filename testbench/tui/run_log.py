"""The run log (view 2): Textual's ``Log``, its long lines wrapped to the view's width instead of cropped.

A verdict's reason or a step's description often runs past the width (« … le port vpcd 35964 est utilisé
par un autre banc … »). ``Log`` draws one row per line and crops it; ``RichLog(wrap=True)`` would render
every line through Rich. This keeps ``Log``'s line API (cheap rows, a cache, ``write_lines`` in batches):
it draws the rows of the lines wrapped at word boundaries, continued under their first word, and wraps
them again when the width changes. ``lines`` stays the lines as written.

The log follows the run (its end shown) unless the person scrolled up: then a mark under it says new lines
came, and End (or scrolling back to the end) follows again. It keeps the last :data:`KEPT` lines, a line at
its top saying how many earlier ones it let go: the session records every event and the exam book shows
them, the log is a view; a redraw (F2, a resize) costs the same after a run of 754 cases as after one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual import events
from textual.scrollbar import ScrollDown, ScrollTo, ScrollUp
from textual.widgets import Log

from testbench.i18n import _t
from testbench.tui.nobreak import SPACE_AFTER, SPACE_BEFORE
from testbench.tui.render import MARKS

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
    """Where the first row of ``text`` ends: after its last word that fits, a count kept with its word
    (:func:`_kept_spaces`) unless nothing else fits, inside a longer word."""
    fit = width if cells == len(text) else _fitting(text, width)  # wide characters (✋): cells counted
    lead = len(text) - len(text.lstrip(" "))
    kept = _kept_spaces(text)
    for keep in (kept, frozenset()):  # a unit wider than the row: parted at one of its spaces, not inside a word
        space = fit + 1
        while (space := text.rfind(" ", 0, space)) > lead:  # the last space that fits, found at C speed
            if space not in keep and _breakable(text, space):
                return space
    return fit


def _fitting(text: str, width: int) -> int:
    """How many characters of ``text`` fit in ``width`` cells."""
    used = 0
    for at, character in enumerate(text):
        used += cell_len(character)
        if used > width:
            return at
    return len(text)


def _breakable(text: str, space: int) -> bool:
    """A row may end at this space: not the French one before « : ; ! ? » » nor after « « » (the rule ``tui.nobreak``
    has Rich and Textual wrap by), so that a row never begins with « : » nor ends with « « »."""
    after = text[space + 1 : space + 2]
    return not (after and after in SPACE_BEFORE) and text[space - 1 : space] != SPACE_AFTER


_MARK = "[" + re.escape("".join(symbol for symbol, _style in MARKS.values())) + "]"
_WORD = r"[^\W\d_][\w'’-]*"  # a word of letters (« réussi », « non-concluant », « aujourd'hui »)
#: what a row never parts: a verdict and its count (« ✔ réussi 16 », « ? non concluant 1 »), a word and the count
#: after it (« étapes 3 »), a count and the word after it (« 22 cas »)
_UNIT = re.compile(
    rf"(?<!\S){_MARK} {_WORD}(?: {_WORD})? \d+(?!\S)|(?<!\S){_WORD} \d+(?!\S)|(?<!\S)\d+ {_WORD}(?!\S)"
)


def _kept_spaces(text: str) -> frozenset[int]:
    """The spaces inside the units of ``text`` a row does not part (``_UNIT``): at 80 columns « réussi » ended a row
    and « 16 » began the next, or « 22 » and « cas »."""
    return frozenset(
        at for unit in _UNIT.finditer(text) for at in range(unit.start(), unit.end()) if text[at] == " "
    )


#: a line of the log: as written, or drawn in the language shown (F2 draws it again: :meth:`RunLog.redraw`)
Entry = str | Callable[[], str]

#: the lines the log keeps: its redraws (F2, a resize) re-wrap them all, their cost stays bounded
KEPT = 2000
#: the top line once earlier lines were let go: where they are still read
EARLIER = _t("⋯ {count} lignes plus anciennes ne sont plus affichées : la session et le livret d'examen les gardent")
#: under the log scrolled up while lines come: they are below, End follows them again
BELOW = _t("nouvelles lignes plus bas — Fin pour les suivre")


def drawn(entry: Entry) -> str:
    return entry if isinstance(entry, str) else entry()


class RunLog(Log):
    """``Log`` with wrapped rows (see the module's docstring), whose lines drawn in a language are drawn again
    in another (:meth:`redraw`): after F2 the log reads in one language, as the rest of the view."""

    DEFAULT_CSS = """
    RunLog { overflow-x: hidden; }
    RunLog.-below { border-bottom: heavy $warning; border-subtitle-color: $warning; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._entries: list[Entry] = []  # what was logged, each line or its drawing (the last ``KEPT``)
        self._written: list[str] = []  # the lines as written; ``Log``'s own list holds the rows drawn
        self._wrap_width = 0
        self._dropped = 0  # the lines let go at the top (``EARLIER``)
        self.following = True  # its end shown as lines come, until the person scrolls up
        #: the words of the language shown (the app's ``t``), for the log's own lines
        self.translate: Callable[[str], str] = lambda text: text

    @property
    def lines(self) -> Sequence[str]:
        return self._written

    def _row_width(self) -> int:
        return self.scrollable_content_region.width

    def write_lines(self, lines: Iterable[Entry], scroll_end: bool | None = None) -> Self:
        entries = list(lines)
        self._entries.extend(entries)
        if len(self._entries) > KEPT + KEPT // 2:  # let go in batches: one re-wrap per KEPT // 2 lines
            self._dropped += len(self._entries) - KEPT
            del self._entries[:-KEPT]
            self._rewrite([drawn(entry) for entry in self._entries])
        else:
            self._draw([drawn(entry) for entry in entries])
        if not self.following and entries:
            self._mark_below(True)
        return self

    def _draw(self, lines: Iterable[str]) -> Self:
        new = [part for line in lines for part in line.splitlines()]
        self._written.extend(new)
        width = self._wrap_width = self._row_width()
        super().write_lines([row for line in new for row in wrap_line(line, width)], scroll_end=False)
        if self.following:  # Log scrolls only when at its end as it writes: a batch before the last scroll landed
            self._follow()
        return self

    def _follow(self) -> None:
        """The log's end shown now, and once laid out (a view shown again, a size just changed)."""
        self.scroll_end(animate=False, immediate=True, x_axis=False)
        self.scroll_end(animate=False, x_axis=False)

    def _rewrite(self, lines: list[str]) -> None:
        """The rows drawn again from ``lines``, what was logged kept."""
        self._written.clear()
        super().clear()
        if self._dropped:
            earlier = self.translate(EARLIER).format(count=self._dropped)
            super().write_lines(wrap_line(earlier, self._row_width()), scroll_end=False)
        self._draw(lines)

    def clear(self) -> Self:
        self._entries.clear()
        self._written.clear()
        self._dropped = 0
        return super().clear()

    def redraw(self) -> None:
        """Every line drawn again, in the language now shown (F2)."""
        if self._dropped or any(not isinstance(entry, str) for entry in self._entries):
            self._rewrite([drawn(entry) for entry in self._entries])
        if self.has_class("-below"):
            self.border_subtitle = self.translate(BELOW)

    def on_resize(self, event: events.Resize) -> None:
        width = self._row_width()
        if width != self._wrap_width and self._written:  # the rows of every line, at the new width
            self._rewrite(list(self._written))
        elif self.following:
            self._follow()

    def on_show(self, event: events.Show) -> None:
        if self.following:  # lines written while another view was shown
            self._follow()

    # -- following: the person scrolling up stops it, End or scrolling back to the end resumes it ----------
    def _mark_below(self, below: bool) -> None:
        self.set_class(below, "-below")
        self.border_subtitle = self.translate(BELOW) if below else ""

    def _stop_following(self) -> None:
        if self.max_scroll_y > 0:
            self.following = False

    def _settle(self) -> None:
        """After the person scrolled down: at the end, the log follows again."""
        if self.scroll_y >= self.max_scroll_y:
            self.following = True
            self._mark_below(False)

    def _after_scroll_down(self) -> None:
        self.call_after_refresh(self._settle)

    def action_scroll_end(self) -> None:
        self.following = True
        self._mark_below(False)
        super().action_scroll_end()

    def action_scroll_home(self) -> None:
        self._stop_following()
        super().action_scroll_home()

    def action_scroll_up(self) -> None:
        self._stop_following()
        super().action_scroll_up()

    def action_page_up(self) -> None:
        self._stop_following()
        super().action_page_up()

    def action_scroll_down(self) -> None:
        super().action_scroll_down()
        self._after_scroll_down()

    def action_page_down(self) -> None:
        super().action_page_down()
        self._after_scroll_down()

    def _on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        if not (event.ctrl or event.shift):
            self._stop_following()
        super()._on_mouse_scroll_up(event)

    def _on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        super()._on_mouse_scroll_down(event)
        self._after_scroll_down()

    def _on_scroll_to(self, message: ScrollTo) -> None:  # the scroll bar dragged
        if message.y is not None and message.y < self.scroll_y:
            self._stop_following()
        super()._on_scroll_to(message)
        self._after_scroll_down()

    def _on_scroll_up(self, event: ScrollUp) -> None:  # a click on the scroll bar, above its thumb
        self._stop_following()
        super()._on_scroll_up(event)

    def _on_scroll_down(self, event: ScrollDown) -> None:
        super()._on_scroll_down(event)
        self._after_scroll_down()
