"""Switching the workstation's views and keeping them current: case, run, compare, traces, overview, review, exam.

On a narrow terminal the wide views (compare, traces) take the whole width: the tree steps aside
while it has no focus.
"""

from __future__ import annotations

from textual import events
from textual.css.query import NoMatches
from textual.widget import Widget
from textual.widgets import DataTable, Input, Label, Static, TabbedContent, Tree

from testbench.store.connection import SessionError
from testbench.store.read import AttemptView
from testbench.store.traceindex import TraceSource
from testbench.tui.run_options import describe
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
#: views that need the whole width on a narrow terminal: the tree steps aside while it has no focus
WIDE_VIEWS = ("compare", "traces", "exam")


class ViewSwitching:
    """Mixed into :class:`~testbench.tui.app.WorkstationApp`, whose state (``ws``, ``render``, ``t``) it reads."""

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
        if self.narrow and view in WIDE_VIEWS:
            # a narrow terminal gives these views the whole width: the focus goes into them
            if view == "traces":
                home: Widget = self.query_one("#trace-panes", TracePanes).focused_view()
            else:
                home = self.query_one("#exam-app-log" if view == "exam" else "#compare-table")
            home.focus()

    # -- a narrow terminal: the tree steps aside for the views that need the width ----------------
    @property
    def narrow(self) -> bool:
        return self.screen.has_class("-narrow") if self._screen_stack else False

    def update_layout(self) -> None:
        """Hide the tree on a narrow terminal in the wide views, unless it (or the filter) has focus."""
        if not self._screen_stack:
            return
        main_screen = self.screen_stack[0]
        try:
            main, left = main_screen.query_one("#main"), main_screen.query_one("#left")
        except NoMatches:  # not composed yet
            return
        focused = main_screen.focused
        tree_has_focus = focused is not None and left in focused.ancestors_with_self
        narrow = main_screen.has_class("-narrow")
        main.set_class(narrow and self.active_view in WIDE_VIEWS and not tree_has_focus, "-tree-hidden")

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self.update_layout)  # after the screen took its size classes

    @property
    def active_view(self) -> str:
        return self.query_one("#views", TabbedContent).active

    def current_entry(self) -> CaseEntry | None:
        return self.ws.entry(self.current) if self.current else None

    def refresh_case_views(self) -> None:
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
        entry = self.current_entry()
        current = self.chosen_attempt(entry)
        if entry is None or entry.view is None or current is None:
            return
        numbers = [a.number for a in entry.view.attempts]
        pos = max(0, min(len(numbers) - 1, numbers.index(current.number) + delta))
        self.attempt_choice[entry.key] = numbers[pos]
        self.refresh_compare(entry)
        if self.active_view == "traces":
            self.refresh_traces()

    def refresh_compare(self, entry: CaseEntry | None) -> None:
        attempt = self.chosen_attempt(entry)
        title, rows, messages = self.render.compare(entry, attempt)
        table = self.query_one("#compare-table", DataTable)
        table.clear()
        for row in rows:
            table.add_row(*row)
        self.query_one("#compare-title", Label).update(title)
        self.query_one("#compare-messages", Static).update(messages)
        observed = self.query_one("#observed-table", DataTable)
        observed.clear()
        for row in self.render.observed(entry, attempt):
            observed.add_row(*row)

    def refresh_overview(self) -> None:
        shown = self.render.overview(self.last_report, self.bench_label, describe(self.run_choice(), self.t))
        self.query_one("#overview-detail", Static).update(shown)

    def trace_source(self) -> TraceSource | None:
        """The trace panes' own read-only handle: reloading the model never closes it under them."""
        if self._trace_source is None:
            try:
                self._trace_source = TraceSource.open(self.ws.session_path)
            except SessionError:
                return None
        return self._trace_source

    def refresh_traces(self, force: bool = False) -> None:
        entry = self.current_entry()
        panes = self.query_one("#trace-panes", TracePanes)
        attempt = self.chosen_attempt(entry)
        panes.show_attempt(self.trace_source(), attempt.id if attempt else None, force=force)

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
        if self.active_view == "traces":
            self.query_one("#trace-panes", TracePanes).next_hit(1)

    def action_trace_prev(self) -> None:
        if self.active_view == "traces":
            self.query_one("#trace-panes", TracePanes).next_hit(-1)

    def action_step_next(self) -> None:
        if self.active_view == "traces":
            self.query_one("#trace-panes", TracePanes).jump_step(1)

    def action_step_prev(self) -> None:
        if self.active_view == "traces":
            self.query_one("#trace-panes", TracePanes).jump_step(-1)
