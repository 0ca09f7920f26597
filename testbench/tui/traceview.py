"""Trace panes: a line-API view per channel, linked by time and by step (Toolong-style).

A :class:`TraceView` holds a :class:`TraceIndex` (row ids and times only) and renders only the
visible lines; rendered strips are cached per line. :class:`TracePanes` links the channels:
moving the cursor in one pane marks and scrolls the others to the line captured at the same
moment. Linking goes through an explicit call with a re-entrancy guard, never through reciprocal
``scroll_y`` watchers (they crash Textual 8.2.8's animator, see docs/tui.md). Each line shows its
capture time on the bench's clock, the one that links the panes, when the pane has room for it beside
an APDU; the info line always gives the focused line's. A last pane, :class:`FilesView`, lists the files the
attempt kept (the application's outputs the bench read, each with the values read in it) on the same clock.
"""

from __future__ import annotations

import bisect
from collections import OrderedDict
from collections.abc import Callable
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Vertical
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Input, Label

from testbench.i18n import tn
from testbench.report.labels import clock_text
from testbench.store.connection import READ_FAILURES
from testbench.store.traceindex import CHANNELS, TraceIndex, TraceReadError, TraceSource
from testbench.traces.bench_text import trace_text
from testbench.traces.severity import is_alert
from testbench.tui.actions import display_key
from testbench.tui.output_files import OutputFile, OutputIndex
from testbench.tui.screens import OneValue

MAX_WIDTH = 400
STYLE_ALERT = Style(color="red", bold=True)
STYLE_HIT = Style(bgcolor="yellow", color="black")
STYLE_CURSOR = Style(reverse=True)
STYLE_MARK = Style(underline=True, bold=True)
STYLE_STEP = Style(color="cyan")
STYLE_CLOCK = Style(dim=True)
STEP_COLUMN = 11  # the step id (10) and a space, before each line
CLOCK_COLUMN = 13  # HH:MM:SS.mmm and a space: the capture time on the bench's clock (UTC, as the report)
APDU_ROOM = 60  # what a line needs to show a command and its response (« A>> 00 A4 04 00 07 …  A<< 90 00 succès »)
#: side by side (two columns of panes) only when each pane keeps an APDU and its clock in view
SIDE_BY_SIDE_MIN = 2 * (STEP_COLUMN + CLOCK_COLUMN + APDU_ROOM + 4)
EMPTY_PANE_ROWS = 2  # a channel without lines: its frame, its name and « 0 ligne », nothing more


def app_translator(widget: Widget) -> Callable[[str], str]:
    """The workstation's translator; French when the panes are used on their own (benchmarks, tests)."""
    return getattr(widget.app, "t", None) or (lambda text: text)


class TraceView(ScrollView, can_focus=True):
    DEFAULT_CSS = """
    TraceView { height: 1fr; border: round $panel; }
    TraceView:focus { border: round $accent; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", show=False),
        Binding("down", "move(1)", show=False),
        Binding("pageup", "page(-1)", show=False),
        Binding("pagedown", "page(1)", show=False),
        Binding("home", "edge(0)", show=False),
        Binding("end", "edge(1)", show=False),
    ]

    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)

    class CursorMoved(Message):
        def __init__(self, view: TraceView, index: int, mono_ns: int) -> None:
            super().__init__()
            self.view = view
            self.index = index
            self.mono_ns = mono_ns

    def __init__(self, channel: str, *, id: str | None = None, room: int = APDU_ROOM) -> None:
        super().__init__(id=id)
        self.channel = channel
        self.room = room  # what a line's text needs in view beside the clock (an APDU's, unless said otherwise)
        self.index: TraceIndex | OutputIndex | None = None
        self.marker: int | None = None
        self.hits: list[int] = []
        self._hit_set: set[int] = set()
        self._cache: OrderedDict[tuple[int, int, int, int], Strip] = OrderedDict()
        self.border_title = channel
        self._base: Style | None = None
        self.clock = False  # the bench's time before each line (when the pane is wide enough)

    # -- data ------------------------------------------------------------------------------------
    def set_index(self, index: TraceIndex | OutputIndex | None, keep_position: bool = False) -> None:
        old_cursor = self.cursor
        self.index = index
        self._cache.clear()
        self.hits, self._hit_set = [], set()
        n = len(index) if index is not None else 0
        self._size_content()
        self._subtitle()
        if keep_position and n:
            self.set_reactive(TraceView.cursor, min(old_cursor, n - 1))
        else:
            self.set_reactive(TraceView.cursor, 0)
            self.marker = None
            self.scroll_to(0, 0, animate=False, immediate=True)
        self.refresh()

    def _size_content(self) -> None:
        width = min(MAX_WIDTH, self.prefix_width + self.index.width) if self.index is not None else 0
        self.virtual_size = Size(width, len(self))

    @property
    def prefix_width(self) -> int:
        """Columns before a line's text: its step, and its time when the clock is shown."""
        return STEP_COLUMN + (CLOCK_COLUMN if self.clock else 0)

    def on_resize(self, event: events.Resize) -> None:
        # the border and a scroll bar aside: the clock only when a line's text (an APDU) still fits after it
        clock = event.size.width - 4 >= STEP_COLUMN + CLOCK_COLUMN + self.room
        if clock != self.clock:
            self.clock = clock
            self._cache.clear()
            self._size_content()
            self.refresh()

    def time_at(self, i: int) -> str | None:
        """The capture time of line ``i`` on the bench's clock (HH:MM:SS.mmm UTC), None when there is none."""
        if self.index is None or not 0 <= i < len(self.index):
            return None
        try:
            return clock_text(self.index.row(i).wall)
        except TraceReadError:
            return None

    def _subtitle(self) -> None:
        n = len(self)
        if self.index is None or self.index.complete:  # « 1 ligne », "1 line": the count agrees
            self.border_subtitle = tn("{count} ligne", "{count} lignes", n, getattr(self.app, "lang", "fr"))
        else:
            self.border_subtitle = f"{n}+ {app_translator(self)('lignes')}"

    def title(self) -> str:
        """The pane's name as its frame says it (a channel's, as recorded)."""
        return self.channel

    def retranslate(self) -> None:
        """The language changed (F2): the bench's words and the line count are drawn again in it."""
        self._subtitle()
        self._cache.clear()
        self.refresh()

    def set_hits(self, hits: list[int]) -> None:
        self.hits, self._hit_set = hits, set(hits)
        self._cache.clear()
        self.refresh()

    def __len__(self) -> int:
        return len(self.index) if self.index is not None else 0

    # -- rendering -------------------------------------------------------------------------------
    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._base = None
        self._cache.clear()

    def _base_style(self) -> Style:
        """``rich_style`` walks the DOM (≈0.2 ms): computed once per style change, not per line."""
        if self._base is None:
            self._base = self.rich_style
        return self._base

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        i = y + scroll_y
        width = self.scrollable_content_region.width
        base = self._base_style()
        if self.index is None or i >= len(self.index):
            return Strip.blank(width, base)
        flags = (1 if i == self.cursor else 0) | (2 if i == self.marker else 0) | (4 if self.has_focus else 0)
        key = (i, flags, scroll_x, width)  # the cropped strip: no new Strip when nothing changed
        strip = self._cache.get(key)
        if strip is None:
            try:
                row = self._render_row(i, flags, base)
            except TraceReadError as exc:  # the session file went away: say so on the line, never crash
                t = app_translator(self)
                return Strip([Segment(f"({t('trace illisible')}{t(' : ')}{exc})", base + STYLE_ALERT)]).crop_extend(
                    scroll_x, scroll_x + width, base
                )
            strip = row.crop_extend(scroll_x, scroll_x + width, base)
            self._cache[key] = strip
            if len(self._cache) > 4096:
                self._cache.popitem(last=False)
        return strip

    def _render_row(self, i: int, flags: int, base: Style) -> Strip:
        assert self.index is not None
        row = self.index.row(i)
        # the bench's words in the language shown (recorded in French: its lines, an APDU's status), the rest as is
        text = trace_text(self.channel, row.text, app_translator(self))
        text = text if len(text) <= MAX_WIDTH - 12 else text[: MAX_WIDTH - 13] + "…"
        style = base
        if is_alert(self.channel, row.text, row.level):  # the line as recorded: the core's decision (traces.severity)
            style = style + STYLE_ALERT
        if i in self._hit_set:
            style = style + STYLE_HIT
        if flags & 1 and flags & 4:
            style = style + STYLE_CURSOR
        elif flags & 1 or flags & 2:
            style = style + STYLE_MARK
        step = (row.step_id or "")[:10]
        segments = [Segment(f"{step:<10} ", base + STYLE_STEP)]
        if self.clock:
            segments.append(Segment(f"{clock_text(row.wall)} ", base + STYLE_CLOCK))
        segments.append(Segment(text, style))
        return Strip(segments, self.prefix_width + len(text))

    # -- cursor ----------------------------------------------------------------------------------
    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh_lines(old - self.scroll_offset.y, 1)
        self.refresh_lines(new - self.scroll_offset.y, 1)
        self._reveal(new)
        if self.index is not None and len(self.index):
            self.post_message(self.CursorMoved(self, new, self.index.mono[new]))

    def _reveal(self, i: int) -> None:
        height = self.scrollable_content_region.height or 1
        top = self.scroll_offset.y
        if i < top:
            self.scroll_to(y=i, animate=False, immediate=True)
        elif i >= top + height:
            self.scroll_to(y=i - height + 1, animate=False, immediate=True)

    def go(self, i: int) -> None:
        n = len(self)
        if n:
            self.cursor = max(0, min(n - 1, i))

    def follow(self, mono_ns: int) -> None:
        """Mark (without moving the cursor) the line captured at ``mono_ns`` and bring it into view."""
        if self.index is None or not len(self.index):
            return
        i = self.index.index_at_time(mono_ns)
        old = self.marker
        self.marker = i
        old_cursor = self.cursor
        self.set_reactive(TraceView.cursor, i)
        for line in {old, old_cursor, i}:
            if line is not None:
                self.refresh_lines(line - self.scroll_offset.y, 1)
        height = self.scrollable_content_region.height or 1
        top = self.scroll_offset.y
        if not top <= i < top + height:
            self.scroll_to(y=max(0, i - height // 2), animate=False, immediate=True)

    def action_move(self, delta: int) -> None:
        self.go(self.cursor + delta)

    def action_page(self, delta: int) -> None:
        self.go(self.cursor + delta * max(1, self.scrollable_content_region.height - 1))

    def action_edge(self, end: int) -> None:
        self.go(len(self) - 1 if end else 0)

    def on_focus(self, event: events.Focus) -> None:
        self.refresh_lines(self.cursor - self.scroll_offset.y, 1)

    def on_blur(self, event: events.Blur) -> None:
        self.refresh_lines(self.cursor - self.scroll_offset.y, 1)

    def on_click(self, event: events.Click) -> None:
        self.go(event.y + self.scroll_offset.y - 1)


FILES = "files"  # the files pane, after the channels' (not a channel: no trace line is recorded for it)


class FilesView(TraceView):
    """The files the attempt kept, each with when it was read, its size and the values read in it
    (:mod:`testbench.tui.output_files`): a line per file and per value, at its step's end on the bench's clock,
    linked to the channels' panes as they are to each other."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(FILES, id=id)
        self.outputs: list[OutputFile] = []
        self.contains = ""

    def on_mount(self) -> None:
        self.border_title = self.title()

    def title(self) -> str:
        t = app_translator(self)
        return t("fichiers lus")

    def show(self, outputs: list[OutputFile], contains: str = "", keep_position: bool = False) -> None:
        """The files of the attempt shown; ``contains``: only the lines holding it (the traces' filter)."""
        self.outputs, self.contains = outputs, contains
        lang = getattr(self.app, "lang", "fr")
        index = OutputIndex(outputs, app_translator(self), lang, contains, lambda wall: clock_text(wall))  # the panes'
        self.set_index(index, keep_position=keep_position)

    def _subtitle(self) -> None:
        count = self.index.files if isinstance(self.index, OutputIndex) else 0
        self.border_subtitle = tn("{count} fichier", "{count} fichiers", count, getattr(self.app, "lang", "fr"))

    def retranslate(self) -> None:
        """The language changed (F2): the lines are written again in it, each pane on its line."""
        self.border_title = self.title()
        self.show(self.outputs, self.contains, keep_position=True)


#: On a narrow terminal, or a short one without room for two panes side by side, the panes are shown
#: two at a time, full width, one above the other (the card and the engine first); Tab goes on to the
#: others (the téléservices' exchanges last). The channels' pairs:
PAIRS: tuple[tuple[str, ...], ...] = (("apdu", "engine"), ("app", "bench"), ("http",))
#: the panes two at a time: the channels' pairs, the files read with the téléservices' exchanges
PANE_PAIRS: tuple[tuple[str, ...], ...] = (*PAIRS[:-1], (*PAIRS[-1], FILES))
#: every pane, in the order they are composed (and reached by Tab when they are all shown)
PANES: tuple[str, ...] = (*CHANNELS, FILES)
#: the panes side by side: two columns, the bench's lines beside the files read
SIDE_ROWS: tuple[tuple[str, ...], ...] = (("app", "apdu"), ("engine", "http"), ("bench", FILES))


class TracePanes(Vertical):
    """The channels of one attempt (store.traceindex.CHANNELS), a query box, linked cursors, search and step jumps."""

    DEFAULT_CSS = """
    TracePanes { height: 1fr; }
    TracePanes Grid { grid-size: 2 3; height: 1fr; }
    TracePanes.-pairs Grid { grid-size: 1 2; }
    TracePanes.-stacked Grid { grid-size: 1 6; }
    TracePanes #trace-info { height: 1; width: 1fr; color: $text-muted; }
    """

    def __init__(self, placeholder: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._placeholder = placeholder
        self.source: TraceSource | None = None
        self.attempt_id: int | None = None
        self.query_text = ""
        self.filter_mode = False
        self.steps: list[tuple[int, str]] = []
        self._syncing = False
        self._generation = 0
        #: the full index (every line, the step starts) has replaced the first screen
        self.indexed = False
        self.pair = PAIRS[0]  # the two panes shown on a narrow terminal
        self._rows = ""  # the grid's row heights last set (empty channels take only their frame)
        #: the files an attempt kept (the workstation reads them from its session); none on their own (benchmarks)
        self.read_outputs: Callable[[int], list[OutputFile]] | None = None

    def retranslate(self) -> None:
        """Draw the bench's words again in the app's language (F2 calls this after it changed it)."""
        for view in self.panes():
            view.retranslate()
        self._info()  # the line above the panes too (« 19 lignes, 3 étapes » stayed French in English)

    def compose(self) -> ComposeResult:
        # one line searched or kept at a time: a paste of several lines is refused, and said (``OneValue``)
        yield OneValue(placeholder=self._placeholder, id="trace-query")
        yield Label("", id="trace-info")
        with Grid():
            for ch in CHANNELS:
                yield TraceView(ch, id=f"trace-{ch}")
            yield FilesView(id=f"trace-{FILES}")

    def views(self) -> list[TraceView]:
        """The channels' panes (each read from the session's trace lines)."""
        return [self.query_one(f"#trace-{ch}", TraceView) for ch in CHANNELS]

    def panes(self) -> list[TraceView]:
        """Every pane: the channels', then the files read."""
        return [*self.views(), self.files_view()]

    def files_view(self) -> FilesView:
        return self.query_one(f"#trace-{FILES}", FilesView)

    def view(self, channel: str) -> TraceView:
        return self.query_one(f"#trace-{channel}", TraceView)

    # -- the layout: side by side, one above the other, or two at a time --------------------------
    @property
    def narrow(self) -> bool:
        """Two panes at a time: a narrow terminal, or a short one too narrow for panes side by side."""
        return self.has_class("-pairs")

    def on_resize(self, event: events.Resize) -> None:
        screen = self.screen
        short = not screen.has_class("-tall")
        pairs = screen.has_class("-narrow") or (short and event.size.width < SIDE_BY_SIDE_MIN)
        self.set_class(pairs, "-pairs")
        self.set_class(not pairs and not short, "-stacked")
        self._show_pair(self.pair)

    def _show_pair(self, pair: tuple[str, ...]) -> None:
        self.pair = pair
        narrow = self.narrow
        for view in self.panes():
            view.display = not narrow or view.channel in pair
        self._fit_rows()
        self._info()

    def _fit_rows(self) -> None:
        """Rows of panes without lines take only their frame: the height goes to the channels with lines."""
        if self.has_class("-pairs"):
            rows: tuple[tuple[str, ...], ...] = tuple((channel,) for channel in PANES if channel in self.pair)
        elif self.has_class("-stacked"):
            rows = tuple((channel,) for channel in PANES)
        else:
            rows = SIDE_ROWS
        empty = [all(len(self.view(channel)) == 0 for channel in row) for row in rows]
        sizes = [str(EMPTY_PANE_ROWS) if blank and not all(empty) else "1fr" for blank in empty]
        if " ".join(sizes) != self._rows:
            self._rows = " ".join(sizes)
            self.query_one(Grid).styles.grid_rows = self._rows

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """A pane focused from elsewhere (a search hit, the app) is shown with its partner."""
        view = event.widget
        if isinstance(view, TraceView) and view.channel not in self.pair:
            self._show_pair(next(pair for pair in PANE_PAIRS if view.channel in pair))
        elif isinstance(view, TraceView):
            self._info()  # the moment of the pane now focused (it said the one left, or none)

    def step_focus(self, delta: int) -> bool:
        """Tab on a narrow terminal: the next pane, showing the other pair when needed; False past the last."""
        focused = next((v for v in self.panes() if v.has_focus), None)
        if not self.narrow or focused is None:
            return False
        order = [channel for pair in PANE_PAIRS for channel in pair]
        i = order.index(focused.channel) + delta
        if not 0 <= i < len(order):
            return False
        target = order[i]
        self._show_pair(next(pair for pair in PANE_PAIRS if target in pair))
        self.view(target).focus()
        return True

    def entered(self, before: Widget | None, delta: int) -> None:
        """Tab (``delta`` 1) or shift+tab (-1) just moved the focus into a pane from outside them (the query box,
        the tabs): on a narrow terminal it goes to the first pane (the last), whichever pair was shown, so that
        Tab goes through all of them again (before, it went back to the pair last shown, the others unreached)."""
        focused = self.app.focused
        views = self.panes()
        if not self.narrow or focused not in views or before in views:
            return
        order = [channel for pair in PANE_PAIRS for channel in pair]
        target = order[0] if delta > 0 else order[-1]
        if focused.channel != target:  # type: ignore[union-attr]
            self._show_pair(next(pair for pair in PANE_PAIRS if target in pair))
            self.view(target).focus()

    # -- loading ---------------------------------------------------------------------------------
    def show_attempt(
        self, source: TraceSource | None, attempt_id: int | None, force: bool = False, keep_position: bool = False
    ) -> None:
        """Show an attempt: a first screen of each channel at once, the full index from a worker. ``force``: read
        again the attempt shown; ``keep_position``: that attempt read again for the lines added since (a reload, a
        run writing it) — the lines shown stay until its full index replaces them, each pane on its line (cursor,
        mark, scroll), as the engineer left them; a first screen would have put them back at the top."""
        same = source is self.source and attempt_id == self.attempt_id
        if not force and same:
            return
        self._generation += 1
        contains = self.query_text if self.filter_mode else ""
        self._show_outputs(attempt_id, contains, keep_position and same)
        if keep_position and same and source is not None and attempt_id is not None:
            self.call_after_refresh(self._load_full, source, attempt_id, contains, self._generation)
            return
        self.source, self.attempt_id = source, attempt_id
        head = max(64, (self.size.height or 40) * 2)
        with self.app.batch_update():  # one layout pass for the four panes, not four
            for view in self.views():
                if source is None or attempt_id is None:
                    view.set_index(None)
                    continue
                view.set_index(source.index(attempt_id, view.channel, contains).load(head))
        self.steps = []  # step boundaries come with the full index (a GROUP BY over the attempt's lines)
        self.indexed = False
        self._fit_rows()
        self._info()
        if source is not None and attempt_id is not None:
            # after the first frame: the worker would otherwise compete with it for the GIL
            self.call_after_refresh(self._load_full, source, attempt_id, contains, self._generation)

    def _show_outputs(self, attempt_id: int | None, contains: str, keep_position: bool) -> None:
        """The files pane: the attempt's files read again (a run keeps them as its steps end); when the session cannot
        be read now, the same attempt's files as shown (the session watch says why), another's none."""
        files = self.files_view()
        outputs: list[OutputFile] = []
        if attempt_id is not None and self.read_outputs is not None:
            try:
                outputs = self.read_outputs(attempt_id)
            except READ_FAILURES:
                outputs = files.outputs if keep_position else []
        if outputs is files.outputs and contains == files.contains and files.index is not None:
            return  # the same files (``tui.output_files.OutputReader``): a live run's batch of lines changed none
        files.show(outputs, contains, keep_position)

    def renew(self, source: TraceSource) -> None:
        """Another file at the session's path (renamed over it): the attempt shown read from ``source`` at once,
        every pane's index replaced, each pane on its line (cursor, mark, scroll: offsets, never the old file's
        lines), before the handle on the old file is closed. A full index still loading from it is dropped.
        Raises :data:`TraceReadError` (nothing changed then) when the new file cannot be read."""
        if source is self.source:
            return
        if self.source is None or self.attempt_id is None:  # nothing shown from the old file
            self.source = source
            return
        contains = self.query_text if self.filter_mode else ""
        indexes = [source.index(self.attempt_id, ch, contains).load() for ch in CHANNELS]
        steps = source.step_starts(self.attempt_id)
        self.source = source
        self._generation += 1
        self._swap(indexes, steps, self._generation, renewed=True)

    @work(thread=True, exclusive=True, group="trace-index", exit_on_error=False, description="index des traces")
    def _load_full(self, source: TraceSource, attempt_id: int, contains: str, generation: int) -> None:
        indexes = [source.index(attempt_id, ch, contains).load() for ch in CHANNELS]
        steps = source.step_starts(attempt_id)
        self.app.call_from_thread(self._swap, indexes, steps, generation)

    def _swap(
        self, indexes: list[TraceIndex], steps: list[tuple[int, str]], generation: int, renewed: bool = False
    ) -> None:
        """The full indexes in place of the panes' (``renewed``: read from another file, every one replaced)."""
        if generation != self._generation:
            return
        self.steps, self.indexed = steps, True
        with self.app.batch_update():
            for view, index in zip(self.views(), indexes, strict=True):
                same = view.index is not None and view.index.complete and len(view.index) == len(index)
                if same and not renewed:
                    continue
                view.set_index(index, keep_position=True)
        if self.query_text and not self.filter_mode:
            self._search()
        self._fit_rows()
        self._info()

    def _info(self) -> None:
        t = app_translator(self)
        total = sum(len(v) for v in self.views())
        mode = f" — {t('filtre')}" if self.filter_mode and self.query_text else ""
        query = f" — « {self.query_text} »" if self.query_text else ""
        more = f" — {display_key('tab', t)}{t(' : ')}{t('autres canaux')}" if self.is_mounted and self.narrow else ""
        lang = getattr(self.app, "lang", "fr")
        lines = tn("{count} ligne", "{count} lignes", total, lang)
        steps = tn("{count} étape", "{count} étapes", len(self.steps), lang)
        view = self.focused_view()
        moment = view.time_at(view.cursor)  # the clock that links the panes, whether or not they show it
        clock = f" — {t('heure du banc (UTC)')}{t(' : ')}{moment}" if moment else ""
        # a case never run: said, not « 0 ligne, 0 étape » above empty panes
        counts = f"{lines}, {steps}" if self.attempt_id is not None else t("aucune tentative à montrer")
        text = f"{counts}{clock}{query}{mode}{more}"
        room = self.size.width  # 0 before the first layout: nothing to fit yet
        if room and cell_len(text) > room and moment:  # 80 columns: the moment without its words…
            clock = f" — {moment} UTC"
            text = f"{counts}{clock}{query}{mode}{more}"
        if room and cell_len(text) > room:  # …then without the Tab hint: cut, it ended on « Tab : »
            text = f"{counts}{clock}{query}{mode}"
        # a fixed size (one line, the panes' width): a cursor move repaints it without a new layout
        self.query_one("#trace-info", Label).update(text, layout=False)

    # -- linking ---------------------------------------------------------------------------------
    @on(TraceView.CursorMoved)
    def _linked(self, event: TraceView.CursorMoved) -> None:
        if self._syncing or not event.view.has_focus:
            return
        self._info()  # the moment of the line now under the cursor
        self._syncing = True
        try:
            for view in self.panes():
                if view is not event.view:
                    view.follow(event.mono_ns)
        finally:
            self._syncing = False

    def focused_view(self) -> TraceView:
        for view in self.panes():
            if view.has_focus:
                return view
        return max((v for v in self.views() if v.display), key=len)  # a channel: the files pane is reached by Tab

    def jump_step(self, delta: int) -> str | None:
        """Move every pane to the start of the next/previous step; return its id."""
        if not self.steps:
            return None
        view = self.focused_view()
        now = view.index.mono[view.cursor] if view.index is not None and len(view) else self.steps[0][0]
        times = [t for t, _ in self.steps]
        pos = bisect.bisect_right(times, now) if delta > 0 else bisect.bisect_left(times, now) - 1
        pos = max(0, min(len(self.steps) - 1, pos))
        mono, step = self.steps[pos]
        self._syncing = True
        try:
            for v in self.panes():
                v.follow(mono)
        finally:
            self._syncing = False
        return step

    # -- query -----------------------------------------------------------------------------------
    @on(Input.Submitted, "#trace-query")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_text = event.value.strip()
        if self.filter_mode:
            self.show_attempt(self.source, self.attempt_id, force=True)
        else:
            self._search()
            if not self.next_hit(1) and self.query_text and self.indexed:  # a first screen may not hold it yet
                t = app_translator(self)
                said = t("Aucune occurrence de « {query} » dans les traces de cette tentative")
                self.app.notify(said.format(query=self.query_text), severity="warning", timeout=4)
        self._info()

    def toggle_filter(self) -> bool:
        self.filter_mode = not self.filter_mode
        self.show_attempt(self.source, self.attempt_id, force=True)
        return self.filter_mode

    def _search(self) -> None:
        for view in self.panes():
            view.set_hits(view.index.matches(self.query_text) if view.index is not None and self.query_text else [])

    def next_hit(self, delta: int) -> bool:
        """The next (``delta`` 1) or previous match in the focused pane. From the query box (no pane focused), the
        first pane with a match, the files read included: a value read is only there."""
        view = self.focused_view()
        if not view.hits and not any(v.has_focus for v in self.panes()):
            view = next((v for v in self.panes() if v.hits), view)
        if not view.hits:
            return False
        if delta > 0:
            pos = bisect.bisect_right(view.hits, view.cursor)
            target = view.hits[pos % len(view.hits)]
        else:
            pos = bisect.bisect_left(view.hits, view.cursor) - 1
            target = view.hits[pos % len(view.hits)]
        view.focus()
        view.go(target)
        return True
