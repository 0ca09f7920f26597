"""Switching the workstation's views and keeping them current: case, run, compare, traces, overview, review, exam.

Under 140 columns the wide views (compare, traces, exam) take the whole width: the tree steps aside
while it has no focus. The expected/observed table fits its columns to the width it has, wrapping the
long values, so its observed and result columns are always in view.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.content import Content
from textual.css.query import NoMatches
from textual.widget import Widget
from textual.widgets import DataTable, Input, Label, Static, TabbedContent, Tabs, Tree
from textual.worker import WorkerState

from testbench.i18n import _t
from testbench.store.connection import SessionError, session_stamp
from testbench.store.read import AttemptView
from testbench.store.traceindex import TraceReadError, TraceSource
from testbench.tui import actions as registry
from testbench.tui.exam_view import ExamView
from testbench.tui.nobreak import keep_no_break_spaces
from testbench.tui.output_files import OutputFile, OutputReader
from testbench.tui.render import bench_words
from testbench.tui.run_options import describe
from testbench.tui.session_watch import identity, reads_session
from testbench.tui.traceview import TracePanes
from testbench.tui.workstation import CaseEntry

VIEWS = ("case", "run", "compare", "traces", "overview", "review", "exam")
VIEW_TITLES = {
    "case": "Cas",
    "run": "Exécution",
    "compare": "Attendu/observé",
    "traces": "Traces",
    "overview": "Synthèse",
    "review": "Revue",
    "exam": "Examen",
}
#: each view's shorter title, taken when the tab bar is short of room, those that shorten most first (80 columns,
#: the tree beside: the seven tabs and their keys in 56 columns, in French and in English)
VIEW_SHORT_TITLES = {
    "case": "Cas",
    "run": _t("Exéc"),
    "compare": _t("Att/obs"),
    "traces": "Traces",
    "overview": _t("Synth"),
    "review": "Revue",
    "exam": _t("Exam"),
}
#: views that need the whole width on a narrow terminal: the tree steps aside while it has no focus
WIDE_VIEWS = ("compare", "traces", "exam")
#: under 100 columns (``-narrow``) the overview too: beside the tree its table by domain cut its headings
#: (« Domai… », « atte… »)
NARROW_WIDE_VIEWS = ("overview",)
#: under this many columns the tree beside a wide view would leave it too little: it steps aside
TREE_ASIDE_UNDER = 140
#: the columns that wrap when a table is too wide, by table, the first group first (the path last)
SHRINKS = {
    "compare-table": (("Attendu", "Observé", "Règles"), ("Chemin",)),
    "observed-table": (("Valeur",), ("Chemin",)),
}
COLUMN_MIN = 12  # a column is not wrapped narrower than this
#: the widget a view focuses when it takes the whole width (the traces: their focused pane)
VIEW_HOMES = {"compare": "#compare-table", "exam": "#exam-app-log", "overview": "#overview-scroll"}


def tab_titles(keys: dict[str, str], t: Callable[[str], str], room: int, gutter: int) -> dict[str, str]:
    """Each view's tab title led by its key (« 1 Cas »): the views of ``keys`` (view → its key as shown), in the
    language of ``t``. When they do not fit ``room`` columns (each tab ``gutter`` more), titles take their shorter
    form (:data:`VIEW_SHORT_TITLES`), those that shorten most first, one at a time, until they fit or none is left
    to shorten. ``room`` 0 (the bar not laid out yet): the full titles."""
    full = {view: f"{key} {t(VIEW_TITLES[view])}" for view, key in keys.items()}
    short = {view: f"{key} {t(VIEW_SHORT_TITLES[view])}" for view, key in keys.items()}
    titles = dict(full)
    for view in sorted(keys, key=lambda v: cell_len(full[v]) - cell_len(short[v]), reverse=True):
        if not room or sum(cell_len(title) + gutter for title in titles.values()) <= room:
            break
        titles[view] = short[view]
    return titles


def fit_columns(natural: dict[str, int], room: int, shrinks: tuple[tuple[str, ...], ...]) -> dict[str, int]:
    """Column widths (without padding) that fit ``room``: the widest of the shrinkable columns narrow to a
    common cap (their text wraps), group after group, until the table fits."""
    widths = dict(natural)
    for group in shrinks:
        excess = sum(widths.values()) - room
        if excess <= 0:
            break
        cap = max((widths[key] for key in group), default=0)
        while cap > COLUMN_MIN and sum(max(0, widths[key] - cap) for key in group) < excess:
            cap -= 1
        for key in group:
            widths[key] = min(widths[key], cap)
    return widths


class ViewSwitching:
    """Mixed into :class:`~testbench.tui.app.WorkstationApp`, whose state (``ws``, ``render``, ``t``) it reads."""

    _fitted: dict[str, int] | None = None  # the width each table's columns were fitted to
    #: which file the trace panes' handle reads (``session_watch.identity``), to tell another one renamed over it
    _trace_identity: tuple[int, int] | None = None
    #: handles on files renamed away that a view might still read: closed with the workstation
    _kept_sources: tuple[TraceSource, ...] = ()
    _outputs: OutputReader | None = None  # the traces' files pane: an attempt's files read again only when they change

    _titled_width = -1  # the tab bar's width its titles were last fitted to
    _footer_view = ""  # the view the main footer's words were last given for (``footer_label``)

    def on_mount(self) -> None:
        """Dispatched with the app's own ``on_mount`` (each class of the app has its handler called)."""
        keep_no_break_spaces()  # an amount never parted across lines, wherever the workstation shows it
        self.title_tabs()
        # after each layout of the main screen: a call made before the layout took effect (the tree stepping aside)
        # read the bar's former width; the titles follow the width the layout gave
        self.screen_stack[0].screen_layout_refresh_signal.subscribe(self, self._tabs_laid_out)

    def _tabs_laid_out(self, _screen: object) -> None:
        with contextlib.suppress(NoMatches):
            if self.screen_stack[0].query_one("#views", TabbedContent).query_one(Tabs).size.width != self._titled_width:
                self.title_tabs()

    def show_view(self, view: str) -> None:
        if view == "traces":
            self.refresh_traces()  # before the switch: the first frame of the view already has its lines
        elif view == "exam":
            self.reveal_exam()
            self.refresh_exam()
        tabs = self.query_one("#views", TabbedContent)
        focused = self.focused
        if view != tabs.active and focused is not None and tabs in focused.ancestors:
            # focus left inside the hidden pane would move to a widget of another pane, and the tabs
            # would switch back to it: the view keys would seem dead. The tree keeps the focus instead.
            self.query_one("#tree", Tree).focus()
        tabs.active = view
        if self.whole_width(view):
            # a narrow terminal gives these views the whole width: the focus goes into them
            if view == "traces":
                home: Widget = self.query_one("#trace-panes", TracePanes).focused_view()
            else:
                home = self.query_one(VIEW_HOMES[view])
            home.focus()

    # -- a narrow terminal: the tree steps aside for the views that need the width ----------------
    @property
    def narrow(self) -> bool:
        return self.screen.has_class("-narrow") if self._screen_stack else False

    def whole_width(self, view: str) -> bool:
        """Whether ``view`` takes the whole width now, the tree aside while it has no focus."""
        if not self._screen_stack:
            return False
        narrow = self.screen_stack[0].has_class("-narrow")
        return (self.tree_aside and view in WIDE_VIEWS) or (narrow and view in NARROW_WIDE_VIEWS)

    @property
    def tree_aside(self) -> bool:
        """The wide views take the whole width: the terminal is under TREE_ASIDE_UNDER columns."""
        return bool(self._screen_stack) and self.screen_stack[0].size.width < TREE_ASIDE_UNDER

    def update_layout(self) -> None:
        """Hide the tree under 140 columns in the wide views, unless it (or the filter) has focus."""
        if not self._screen_stack:
            return
        main_screen = self.screen_stack[0]
        try:
            main, left = main_screen.query_one("#main"), main_screen.query_one("#left")
        except NoMatches:  # not composed yet
            return
        focused = main_screen.focused
        tree_has_focus = focused is not None and left in focused.ancestors_with_self
        main.set_class(self.whole_width(self.active_view) and not tree_has_focus, "-tree-hidden")
        if self.active_view != self._footer_view:  # a key's word may differ in this view (footer_label)
            self._footer_view = self.active_view
            main_screen.refresh_bindings()
        self.call_after_refresh(self._refit_compare)  # the table's width is known after the layout
        self.call_after_refresh(self.title_tabs)  # so is the tab bar's

    def title_tabs(self) -> None:
        """Each tab titled with its key (« 1 Cas »: the engineer reads which key shows a view), in the language
        shown, fitted to the tab bar's width (:func:`tab_titles`): the tree beside or aside, a resize, the exam tab
        shown. The keys are those the keymap gives (``tui.toml``). A hidden tab keeps its full title."""
        if not self._screen_stack or self._closing:
            return
        try:
            tabbed = self.screen_stack[0].query_one("#views", TabbedContent)
            bar = tabbed.query_one(Tabs)
        except NoMatches:  # not composed yet
            return
        keys = registry.effective_keys(self.settings.keymap)
        tabs = {view: tabbed.get_tab(view) for view in VIEWS}
        shown = {view: registry.display_key(keys[f"view-{view}"], self.t) for view, tab in tabs.items() if tab.display}
        hidden = {view: registry.display_key(keys[f"view-{view}"], self.t) for view in VIEWS if view not in shown}
        gutter = max((tab.styles.gutter.width for view, tab in tabs.items() if view in shown), default=0)
        self._titled_width = bar.size.width
        titles = {**tab_titles(hidden, self.t, 0, 0), **tab_titles(shown, self.t, bar.size.width, gutter)}
        for view, tab in tabs.items():
            if tab.label_text != titles[view]:
                tab.label = Content(titles[view])  # as written: a key shown « [ » is no markup

    def _refit_compare(self) -> None:
        """The expected/observed tables were fitted to another width (a resize, the tree aside): again."""
        if not self._screen_stack or self._closing:
            return
        fitted = self._fitted or {}
        try:
            widths = {name: self.screen_stack[0].query_one(f"#{name}", DataTable).size.width for name in SHRINKS}
        except NoMatches:
            return
        if any(width and width != fitted.get(name) for name, width in widths.items()):
            self.refresh_compare(self.current_entry())

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self.update_layout)  # after the screen took its size classes

    def footer_label(self, action: str) -> str | None:
        """The main footer's word for ``action`` in the view shown, where the registry gives it one there (``/``
        beside the traces' search box: « Filtrer les cas », the tree's filter, not the traces'); else None."""
        try:
            view = self.screen_stack[0].query_one("#views", TabbedContent).active
        except (NoMatches, IndexError):
            return None
        return registry.footer_label(action, view, self.lang)

    @property
    def active_view(self) -> str:
        return self.query_one("#views", TabbedContent).active

    def current_entry(self) -> CaseEntry | None:
        return self.ws.entry(self.current) if self.current else None

    @reads_session
    def refresh_case_views(self) -> None:
        self.title_tabs()  # the language switched (F2) titled the tabs again, without their keys
        entry = self.current_entry()
        self.query_one("#case-detail", Static).update(self.render.case(entry))
        self.refresh_compare(entry)
        self.query_one("#review-detail", Static).update(self.render.review(entry))
        if self.active_view == "traces":
            self.refresh_traces()
        elif self.active_view == "exam":
            self.refresh_exam()

    def chosen_attempt(self, entry: CaseEntry | None) -> AttemptView | None:
        """The attempt the compare and traces views show: the latest unless one was chosen."""
        if entry is None or entry.view is None or not entry.view.attempts:
            return None
        number = self.attempt_choice.get(entry.key)
        return next((a for a in entry.view.attempts if a.number == number), entry.view.attempts[-1])

    def action_attempt(self, delta: int) -> None:
        """``,`` / ``.``: an earlier / later attempt in the expected/observed, traces and exam views; said when
        there is none, and which one is shown when the view does not say it."""
        entry = self.current_entry()
        if entry is None:
            self.notify(self.t("Aucun cas sélectionné."), severity="warning")
            return
        current = self.chosen_attempt(entry)
        if entry.view is None or current is None:
            self.notify(self.t("Aucune tentative pour ce cas."), severity="warning")
            return
        numbers = [a.number for a in entry.view.attempts]
        pos = numbers.index(current.number) + delta
        if not 0 <= pos < len(numbers):
            said = self.t(
                "Pas de tentative précédente : tentative {number}/{total}"
                if delta < 0
                else "Pas de tentative suivante : tentative {number}/{total}"
            ).format(number=current.number, total=len(numbers))
            self.notify(said, severity="warning", timeout=3)
            return
        self.attempt_choice[entry.key] = numbers[pos]
        self.refresh_compare(entry)
        if self.active_view == "traces":
            self.refresh_traces()
        elif self.active_view == "exam":
            self.refresh_exam()
        if self.active_view != "compare":  # its title says which attempt; the other views do not
            said = self.t("Tentative {number}/{total} (attendu/observé, traces, examen)")
            self.notify(said.format(number=numbers[pos], total=len(numbers)), timeout=3)

    @reads_session
    def refresh_compare(self, entry: CaseEntry | None) -> None:
        attempt = self.chosen_attempt(entry)
        title, rows, messages = self.render.compare(entry, attempt)
        table = self.query_one("#compare-table", DataTable)
        table.clear()
        self._fit_table(table, rows)
        for row in rows:
            table.add_row(*row, height=None)  # a wrapped value, or an observed value's origin, on more lines
        self.query_one("#compare-title", Label).update(title)
        self.query_one("#compare-messages", Static).update(messages)
        observed = self.query_one("#observed-table", DataTable)
        observed.clear()
        values = self.render.observed(entry, attempt)
        self._fit_table(observed, values)
        for row in values:
            observed.add_row(*row, height=None)

    def _fit_table(self, table: DataTable, rows: list[tuple[Text, ...]]) -> None:
        """Fit the columns to the table's width (their natural widths while it is not shown)."""
        self._fitted = {**(self._fitted or {}), str(table.id): table.size.width}
        columns = list(table.columns.values())
        natural = {
            str(column.key.value): max(
                [column.label.cell_len] + [max(map(cell_len, cells[i].plain.split("\n"))) for cells in rows]
            )
            for i, column in enumerate(columns)
        }
        room = table.scrollable_content_region.width - 2 * table.cell_padding * len(columns) - 2  # a scroll bar
        widths = fit_columns(natural, room, SHRINKS[str(table.id)]) if table.size.width else natural
        for column in columns:
            column.width, column.auto_width = widths[str(column.key.value)], False

    @reads_session
    def refresh_overview(self) -> None:
        # the exam book's cover reads every case's cards: read while the overview is shown (its tab shown refreshes it)
        cover = self.ws.cover(self.lang, self.campaign_options.recorded()) if self.active_view == "overview" else None
        choice = describe(self.run_choice(), self.t)
        # the bench named when the CLI gave it (``bench_label``), in the language shown (F2 says it again)
        bench = bench_words(self.campaign_options.bench, self.t) if self.bench_label else ""
        shown = self.render.overview(self.last_report, bench, choice, cover)
        self.query_one("#overview-detail", Static).update(shown)

    def trace_source(self) -> TraceSource | None:
        """The trace panes' own read-only handle: reloading the model never closes it under them. Another file
        put at the session's path (renamed over it: another identity, as the session watch tells) is opened in
        its place, for the handle would keep reading the file renamed away (:meth:`_renew_traces`)."""
        now = identity(session_stamp(self.ws.session_path)[0])
        if self._trace_source is not None and now is not None and now != self._trace_identity:
            self._renew_traces(self._trace_source, now)
        if self._trace_source is None:
            try:
                self._trace_source = TraceSource.open(self.ws.session_path)
            except SessionError:
                return None
            self._trace_identity = now
        return self._trace_source

    def _renew_traces(self, old: TraceSource, now: tuple[int, int]) -> None:
        """The panes and the exam view's application log read the new file at once, each on its line (offsets,
        not content), then ``old``, the renamed-away file's handle, is closed. A new file that cannot be read as a
        session keeps what was shown (the session watch says why). ``old`` is never closed under a reader: kept
        until the workstation closes when a view could not leave it (the new file's lines unreadable) or an index
        still loads from it in a thread."""
        try:
            fresh = TraceSource.open(self.ws.session_path)
        except SessionError:
            return
        self._trace_source, self._trace_identity = fresh, now
        try:
            for panes in self.screen_stack[0].query(TracePanes):
                panes.renew(fresh)
            for exam in self.screen_stack[0].query(ExamView):
                exam.renew(fresh)
        except TraceReadError:
            self._kept_sources = (*self._kept_sources, old)
            return
        loading = (WorkerState.PENDING, WorkerState.RUNNING)
        if any(worker.group == "trace-index" and worker.state in loading for worker in self.workers):
            self._kept_sources = (*self._kept_sources, old)
            return
        old.close()

    @reads_session
    def refresh_traces(self, force: bool = False, keep_position: bool = False) -> None:
        """The chosen attempt's traces; ``force``: read again; ``keep_position``: the same attempt read again (its
        lines added since), each pane kept on its line (``TracePanes.show_attempt``)."""
        entry = self.current_entry()
        panes = self.query_one("#trace-panes", TracePanes)
        panes.read_outputs = self.outputs_of  # the files pane, each time the panes read the attempt (a run's too)
        attempt = self.chosen_attempt(entry)
        panes.show_attempt(self.trace_source(), attempt.id if attempt else None, force, keep_position)

    def outputs_of(self, attempt_id: int) -> list[OutputFile]:
        """The files ``attempt_id`` kept, read from the workstation's session as it is now (none before it exists);
        raises what reading it raises (``store.connection.READ_FAILURES``)."""
        session = self.ws.session
        if session is None:
            return []
        if self._outputs is None:
            self._outputs = OutputReader()
        return self._outputs.read(session, attempt_id)

    def action_show_view(self, view: str) -> None:
        if view in VIEWS:
            self.show_view(view)

    def action_trace_search(self) -> None:
        self.show_view("traces")
        panes = self.query_one("#trace-panes", TracePanes)
        query = self.query_one("#trace-query", Input)
        if query.has_focus:
            on_ = panes.toggle_filter()
            self.notify(self.t("filtre des traces actif" if on_ else "filtre des traces inactif"), timeout=2)
        else:
            query.focus()

    def action_trace_next(self) -> None:
        self._trace_hit("trace-next", 1)

    def action_trace_prev(self) -> None:
        self._trace_hit("trace-prev", -1)

    def action_step_next(self) -> None:
        self._trace_step("step-next", 1)

    def action_step_prev(self) -> None:
        self._trace_step("step-prev", -1)

    def _only_in_traces(self, action_id: str) -> bool:
        """Whether the traces view is shown; else said, with the key that shows it (never a key that does nothing)."""
        if self.active_view == "traces":
            return True
        keys = registry.effective_keys(self.settings.keymap)
        said = self.t("« {action} » agit dans les traces : ouvrez-les avec {view}").format(
            action=self.t(registry.BY_ID[action_id].label), view=registry.reach("view-traces", keys, self.t)
        )
        self.notify(said, severity="warning", timeout=4)
        return False

    def _trace_hit(self, action_id: str, delta: int) -> None:
        if not self._only_in_traces(action_id):
            return
        panes = self.query_one("#trace-panes", TracePanes)
        if panes.next_hit(delta):
            return
        if panes.query_text:
            said = self.t("Aucune occurrence de « {query} » dans le canal {channel}")
            said = said.format(query=panes.query_text, channel=panes.focused_view().title())
        else:
            key = registry.display_key(registry.effective_keys(self.settings.keymap)["trace-search"], self.t)
            said = self.t("Aucune occurrence : cherchez d'abord ({key})").format(key=key)
        self.notify(said, severity="warning", timeout=4)

    def _trace_step(self, action_id: str, delta: int) -> None:
        if self._only_in_traces(action_id) and self.query_one("#trace-panes", TracePanes).jump_step(delta) is None:
            self.notify(self.t("Aucune étape dans les traces de cette tentative."), severity="warning", timeout=4)
