"""The exam workstation: casebook browser, case, run, expected/observed, traces, overview, review.

Architecture (Harlequin's): the execution core (``testbench.runner``, ``testbench.store``) runs
without this package; the model of what is shown is ``testbench.tui.workstation`` (no Textual);
runs happen in a thread worker that only posts messages, and the handlers here own every state
change. One action registry (``testbench.tui.actions``) feeds the bindings, the command palette and
the F1 help; ``tui.toml`` remaps keys by action id.
"""

from __future__ import annotations

import contextlib
import gc
import getpass
import sqlite3
import weakref
from functools import partial
from pathlib import Path

from rich.text import Text
from textual import events, on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingsMap
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.dom import DOMNode
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Header, Input, Label, Log, Static, TabbedContent, TabPane, Tree
from textual.widgets.tree import TreeNode

from testbench.i18n import set_language, use_language
from testbench.runner.events import CaseFinished, CaseStarted, StepFinished, StepStarted
from testbench.store.read import AttemptView
from testbench.store.session import SessionError, open_readonly
from testbench.tui import actions as registry
from testbench.tui.commands import ActionCommands, CaseCommands
from testbench.tui.config import SETTINGS_FILE, Settings, UiState, config_dir
from testbench.tui.execution import BenchFactory, run_cases
from testbench.tui.messages import AttestationAsked, OperatorNotice, ReportDone, RunDone, RunProgress
from testbench.tui.operator import InteractiveOperator
from testbench.tui.render import MARKS, STEP_MARKS, STEP_WORDS, Renderer, mark
from testbench.tui.review import add_review
from testbench.tui.screens import AttestScreen, FormScreen, HelpScreen, ReviewScreen
from testbench.tui.texts import make_translator
from testbench.tui.traceview import TracePanes
from testbench.tui.workstation import CaseEntry, Filter, Key, Workstation, parse_filter

VIEWS = ("case", "run", "compare", "traces", "overview", "review")
VIEW_TITLES = {
    "case": "Cas",
    "run": "Exécution",
    "compare": "Attendu/observé",
    "traces": "Traces",
    "overview": "Synthèse",
    "review": "Revue",
}
VERDICT_CYCLE = (None, "fail", "error", "inconclusive", "pending", "pass", "none")
#: views that need the whole width on a narrow terminal: the tree steps aside while it has no focus
WIDE_VIEWS = ("compare", "traces")


class WorkstationApp(App[int]):
    CSS_PATH = "styles.tcss"
    TITLE = "testbench"
    COMMANDS = {CaseCommands, ActionCommands}  # noqa: RUF012 - Textual's class attribute
    # classes put on every screen by its size: styles.tcss and the windows adapt to 80×24
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]  # noqa: RUF012
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]  # noqa: RUF012

    def __init__(
        self,
        workstation: Workstation,
        *,
        bench_factory: BenchFactory,
        settings: Settings | None = None,
        state: UiState | None = None,
        operator_name: str | None = None,
        bench_label: str = "",
    ) -> None:
        super().__init__()
        self.ws = workstation
        self.bench_factory = bench_factory
        self.settings = settings or Settings()
        self.state = state
        self.lang = self.settings.lang
        self.t = make_translator(self.lang)
        self.render = Renderer(workstation, self.t)
        self.operator_name = operator_name or self.settings.operator or getpass.getuser()
        self.bench_label = bench_label  # what the runs use (cards, engine), shown in the overview
        self.filter: Filter = Filter()
        self.verdict_filter: str | None = None
        self.current: Key | None = None
        self.nodes: dict[Key, TreeNode[Key | None]] = {}
        self._labels: dict[tuple[Key, str, str], Text] = {}
        self._shown: list[Key] | None = None
        self._trace_conn: sqlite3.Connection | None = None
        self.operator: InteractiveOperator | None = None
        self.running = False
        self.run_case_id: str | None = None
        self.running_attempt: int | None = None
        self._reload_scheduled = False
        self._panel_lines: list[str] = []
        self._panel_status: Text | str | None = None
        self._panel_prompt: Text | str | None = None
        self._panel_timer: Timer | None = None
        self._follow: Key | None = None
        self._changed: set[Key] = set()
        # the runner's events carry the casebook's Case objects: their keys, by identity
        self._case_keys = {id(c): (cb.sha256, c.id) for cb in workstation.casebooks for c in cb.cases}
        self.attempt_choice: dict[Key, int] = {}  # attempt number shown per case (latest when absent)
        self.last_report: Path | None = None
        self.notes: list[str] = list(self.settings.problems)
        self._language_scope = contextlib.ExitStack()
        # keys handed on one at a time (see on_event): those waiting, and whether one is still on its way
        self._held_keys: list[events.Key] = []
        self._held_timer: Timer | None = None
        self._key_in_flight = False
        self._focused_screens: weakref.WeakSet[Screen] = weakref.WeakSet()
        self.sub_title = workstation.session_path.name
        self._install_bindings()

    # -- bindings from the one registry ----------------------------------------------------------
    def _install_bindings(self) -> None:
        first = ("help", "quit")  # the footer shows them first: a narrow terminal crops its end
        specs = sorted(registry.ACTIONS, key=lambda spec: spec.id not in first)
        bindings = [
            Binding(
                spec.key,
                spec.action,
                registry.label(spec, self.lang),
                show=spec.footer,
                id=spec.id,
                priority=spec.id in first,
            )
            for spec in specs
        ]
        bindings.append(Binding("escape", "leave_field", show=False))
        self._bindings = BindingsMap(bindings)

    def action_keys(self) -> list[tuple[registry.ActionSpec, str]]:
        keys = registry.effective_keys(self.settings.keymap)
        return [(spec, keys[spec.id]) for spec in registry.ACTIONS]

    def run_registry_action(self, action_id: str) -> None:
        self.call_later(self.run_action, registry.BY_ID[action_id].action)

    # -- layout ----------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        t = self.t
        yield Header(show_clock=False, icon="≡")
        with Horizontal(id="main"):
            with Vertical(id="left"):
                yield Input(placeholder=t("Filtrer : mots, tag:xxx, verdict:échec"), id="filter")
                yield Label("", id="counts")
                tree: Tree[Key | None] = Tree("cahiers", id="tree")
                tree.show_root = False
                tree.guide_depth = 2
                yield tree
            with TabbedContent(id="views", initial="case"):
                with TabPane(t(VIEW_TITLES["case"]), id="case"), VerticalScroll():
                    yield Static("", id="case-detail")
                with TabPane(t(VIEW_TITLES["run"]), id="run"):
                    yield Static("", id="run-status")
                    yield Static("", id="card-prompt")
                    yield Log(id="run-log", highlight=False)
                with TabPane(t(VIEW_TITLES["compare"]), id="compare"):
                    yield Label("", id="compare-title")
                    yield DataTable(id="compare-table", cursor_type="row", zebra_stripes=False)
                    yield Static("", id="compare-messages")
                    yield Label(t("Valeurs observées"), id="observed-title")
                    yield DataTable(id="observed-table", cursor_type="row", zebra_stripes=True)
                with TabPane(t(VIEW_TITLES["traces"]), id="traces"):
                    yield TracePanes(t("Chercher dans les traces (Entrée) — ctrl+f : filtrer"), id="trace-panes")
                with TabPane(t(VIEW_TITLES["overview"]), id="overview"), VerticalScroll():
                    yield Static("", id="overview-detail")
                with TabPane(t(VIEW_TITLES["review"]), id="review"), VerticalScroll():
                    yield Static("", id="review-detail")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        if self.settings.keymap:
            self.set_keymap(self.settings.keymap)
            unknown = registry.unknown_ids(self.settings.keymap)
            if unknown:
                self.notes.append(f"tui.toml : actions inconnues dans [keymap] : {', '.join(unknown)}")
        # the bench's own messages (card layer, engine, runner) in the language shown; restored on unmount
        self._language_scope.enter_context(use_language(self.lang))
        self.notes += self.ws.prepare()
        self._setup_tables()
        self.rebuild_tree()
        position = self.state.position(self.ws.session_path) if self.state else {}
        restored = self._key_from_text(position.get("case", ""))
        if restored is None and self.ws.entries:
            restored = self.ws.entries[0].key
        if restored is not None:
            self.goto_case(restored)
        view = position.get("view", "case")
        if view in VIEWS:
            self.show_view(view)
        self.query_one("#tree", Tree).focus()
        self.refresh_overview()
        # the casebooks and the first screen are long-lived: keep them out of the collector's full
        # passes, whose pauses were the outliers of the key-to-frame figures (collect first, so that
        # no garbage, e.g. of an earlier app in the same process, is frozen with them)
        gc.collect()
        gc.freeze()
        for note in self.notes:
            self.notify(self.t(note), severity="warning", timeout=8)
            self.log_line(f"⚠ {self.t(note)}")

    def _setup_tables(self) -> None:
        """Columns of the two tables, in the current language."""
        table = self.query_one("#compare-table", DataTable)
        table.clear(columns=True)
        for title in ("Attente", "Chemin", "Attendu", "Observé", "Résultat", "Règles"):
            table.add_column(self.t(title), key=title)
        observed = self.query_one("#observed-table", DataTable)
        observed.clear(columns=True)
        for title in ("Étape", "Chemin", "Valeur", "Source"):
            observed.add_column(self.t(title), key=title)

    def _key_from_text(self, text: str) -> Key | None:
        sha, _, cid = text.partition("/")
        key = (sha, cid)
        return key if self.ws.entry(key) is not None else None

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """A toast, except over a window with fields: there it goes on the window's notice line."""
        if self._screen_stack and isinstance(self.screen, FormScreen):
            self.screen.show_notice(message, severity)
            return
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    @property
    def colon(self) -> str:
        """« : » in French, ": " in English."""
        return self.t(" : ")

    # -- labels ----------------------------------------------------------------------------------
    def verdict_label(self, verdict: str) -> str:
        return self.render.verdict_label(verdict)

    def _case_label(self, entry: CaseEntry) -> Text:
        cache_key = (entry.key, entry.verdict, entry.original_verdict)
        label = self._labels.get(cache_key)
        if label is None:
            # the review mark comes before the id: a narrow tree crops the end of the label, never the mark
            reviewed = ("✎", "yellow") if entry.verdict != entry.original_verdict else " "
            label = Text.assemble(mark(entry.verdict), reviewed, (entry.case.id, "bold"), " ", entry.case.title)
            self._labels[cache_key] = label
        return label

    # -- browser ---------------------------------------------------------------------------------
    def visible_entries(self) -> list[CaseEntry]:
        flt = self.filter
        if self.verdict_filter:
            flt = Filter(flt.words, flt.tags, (*flt.verdicts, self.verdict_filter))
        return self.ws.filtered(flt)

    def rebuild_tree(self, force: bool = False) -> None:
        tree: Tree[Key | None] = self.query_one("#tree", Tree)
        entries = self.visible_entries()
        shown = [e.key for e in entries]
        if not force and shown == self._shown:  # typing that keeps the same cases: nothing to rebuild
            self._update_counts(entries)
            return
        self._shown = shown
        with self.batch_update():
            tree.clear()
            self.nodes = {}
            for plan, domains in self.ws.tree(entries).items():
                plan_node = tree.root.add(Text(plan, style="bold"), data=None, expand=True)
                for domain, modes in domains.items():
                    n = sum(len(v) for v in modes.values())
                    domain_node = plan_node.add(Text(f"{domain} ({n})"), data=None, expand=True)
                    for mode, items in modes.items():
                        mode_node = domain_node.add(Text(f"{mode} ({len(items)})", style="italic"), expand=True)
                        for entry in items:
                            self.nodes[entry.key] = mode_node.add_leaf(self._case_label(entry), data=entry.key)
        self._update_counts(entries)
        if self.current in self.nodes:
            tree.move_cursor(self.nodes[self.current])

    def _update_counts(self, entries: list[CaseEntry]) -> None:
        text = Text(f"{len(entries)} {self.t('cas')} ")
        for verdict, n in self.ws.counts(entries).items():
            text.append_text(mark(verdict))
            text.append(f"{n} ")
        if self.verdict_filter:
            text.append(f"[{self.verdict_label(self.verdict_filter)}]", style="bold yellow")
        self.query_one("#counts", Label).update(text)

    def refresh_labels(self) -> None:
        for key, node in self.nodes.items():
            entry = self.ws.entry(key)
            if entry is not None:
                node.set_label(self._case_label(entry))
        self._update_counts(self.visible_entries())

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.filter = parse_filter(event.value)
        self.rebuild_tree()

    @on(Input.Submitted, "#filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        self.query_one("#tree", Tree).focus()

    @on(Tree.NodeHighlighted, "#tree")
    def _highlighted(self, event: Tree.NodeHighlighted[Key | None]) -> None:
        if event.node.data is not None and event.node.data != self.current:
            self.select_case(event.node.data)

    def goto_case(self, key: Key) -> None:
        """Select a case from anywhere (palette, restore): clear filters hiding it, move the tree."""
        if key not in self.nodes:
            self.query_one("#filter", Input).value = ""
            self.filter, self.verdict_filter = Filter(), None
            self.rebuild_tree()
        node = self.nodes.get(key)
        if node is not None:
            tree = self.query_one("#tree", Tree)
            tree.move_cursor(node)
            self.call_after_refresh(tree.move_cursor, node)
        self.select_case(key)

    def select_case(self, key: Key) -> None:
        self.current = key
        self.refresh_case_views()
        if self.state is not None:
            self.state.set_position(self.ws.session_path, case=f"{key[0]}/{key[1]}")

    # -- views -----------------------------------------------------------------------------------
    def show_view(self, view: str) -> None:
        if view == "traces":
            self.refresh_traces()  # before the switch: the first frame of the view already has its lines
        tabs = self.query_one("#views", TabbedContent)
        focused = self.focused
        if view != tabs.active and focused is not None and tabs in focused.ancestors:
            # focus left inside the hidden pane would move to a widget of another pane, and the tabs
            # would switch back to it: the view keys would seem dead. The tree keeps the focus instead.
            self.query_one("#tree", Tree).focus()
        tabs.active = view
        if self.narrow and view in WIDE_VIEWS:
            # a narrow terminal gives these views the whole width: the focus goes into them
            home = self.query_one("#trace-panes", TracePanes).focused_view() if view == "traces" else None
            (home or self.query_one("#compare-table", DataTable)).focus()

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

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self._focused_screens.add(event.widget.screen)
        if self._held_keys:
            self.call_later(self._release_keys)
        self.update_layout()

    # -- keys in a burst: each reaches the field it was typed in ---------------------------------
    async def on_event(self, event: events.Event) -> None:
        """One key at a time: the next key waits until the previous one has been handled.

        Textual hands a key to the focused widget and goes on with the next one at once; when the first
        moves the focus (``/``, ``a``, ctrl+p, Enter) or opens a window, the keys after it, already
        handed to the old widget or to a window with no field focused yet, were misrouted or lost.
        Held here, they follow in order once the previous key is done and the new window has its
        field (or after a second, as before).
        """
        if not isinstance(event, events.Key) or event.is_forwarded:
            await super().on_event(event)
            return
        self._held_keys.append(event)
        await self._release_keys()

    def _key_gate_closed(self) -> bool:
        if self._key_in_flight:
            return True
        stack = self._screen_stack
        return len(stack) > 1 and stack[-1].focused is None and stack[-1] not in self._focused_screens

    async def _release_keys(self) -> None:
        while self._held_keys and not self._key_gate_closed():
            key = self._held_keys.pop(0)
            target = self.focused or self.screen
            await super().on_event(key)
            if key.is_forwarded:  # handed to a widget: it comes back up the DOM to the app's bindings
                self._key_in_flight = True
                if not target.call_later(self._key_hop, target):
                    self._key_in_flight = False
        if self._held_keys and self._held_timer is None:
            self._held_timer = self.set_timer(1.0, self._open_key_gate)  # a widget gone mid-way
        elif not self._held_keys and self._held_timer is not None:
            self._held_timer.stop()
            self._held_timer = None

    def _key_hop(self, node: DOMNode) -> None:
        """Runs after ``node`` handled the key: follow it to the parent, until the app."""
        parent = node._parent
        if node is self or parent is None or not parent.call_later(self._key_hop, parent):
            self._key_in_flight = False
            self.call_later(self._release_keys)

    async def _open_key_gate(self) -> None:
        self._held_timer = None
        self._key_in_flight = False
        self._focused_screens.add(self.screen)
        await self._release_keys()

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self.update_layout)  # after the screen took its size classes

    @on(TabbedContent.TabActivated, "#views")
    def _tab(self, event: TabbedContent.TabActivated) -> None:
        view = event.pane.id or "case"
        self.update_layout()
        if self.state is not None:
            self.state.set_position(self.ws.session_path, view=view)
        if view == "traces":
            self.refresh_traces()
        elif view == "overview":
            self.refresh_overview()

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
        self.query_one("#overview-detail", Static).update(self.render.overview(self.last_report, self.bench_label))

    def trace_connection(self) -> sqlite3.Connection | None:
        """The trace panes' own read-only connection: reloading the model never closes it under them."""
        if self._trace_conn is None:
            try:
                self._trace_conn = open_readonly(self.ws.session_path)
            except SessionError:
                return None
        return self._trace_conn

    def refresh_traces(self, force: bool = False) -> None:
        entry = self.current_entry()
        panes = self.query_one("#trace-panes", TracePanes)
        attempt = self.chosen_attempt(entry)
        panes.show_attempt(self.trace_connection(), attempt.id if attempt else None, force=force)

    # -- actions ---------------------------------------------------------------------------------
    def action_help(self) -> None:
        describe = partial(registry.describe, lang=self.lang)
        extra = f'{config_dir() / SETTINGS_FILE}{self.colon}[keymap] id = "{self.t("touche")}"'
        self.push_screen(HelpScreen(self.action_keys(), self.t, lambda s: describe(s), extra))

    def action_focus_next(self) -> None:
        if not self.query_one("#trace-panes", TracePanes).step_focus(1):
            super().action_focus_next()

    def action_focus_previous(self) -> None:
        if not self.query_one("#trace-panes", TracePanes).step_focus(-1):
            super().action_focus_previous()

    def action_leave_field(self) -> None:
        """Escape in the filter or the trace query box: back to the tree or the trace panes."""
        focused = self.focused
        if focused is not None and focused.id == "filter":
            self.query_one("#tree", Tree).focus()
        elif focused is not None and focused.id == "trace-query":
            self.query_one("#trace-panes", TracePanes).focused_view().focus()

    def action_focus_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_focus_tree(self) -> None:
        self.query_one("#tree", Tree).focus()

    def action_cycle_verdict(self) -> None:
        pos = VERDICT_CYCLE.index(self.verdict_filter) if self.verdict_filter in VERDICT_CYCLE else 0
        self.verdict_filter = VERDICT_CYCLE[(pos + 1) % len(VERDICT_CYCLE)]
        self.rebuild_tree()

    def action_show_view(self, view: str) -> None:
        if view in VIEWS:
            self.show_view(view)

    def action_toggle_language(self) -> None:
        self.lang = "en" if self.lang == "fr" else "fr"
        set_language(self.lang)  # what the bench says from now on (the run's worker included) follows
        self.t = make_translator(self.lang)
        self.render = Renderer(self.ws, self.t)
        self._install_bindings()
        if self.settings.keymap:
            self.set_keymap(self.settings.keymap)
        tabs = self.query_one("#views", TabbedContent)
        for view, title in VIEW_TITLES.items():
            tabs.get_tab(view).label = self.t(title)
        self.query_one("#filter", Input).placeholder = self.t("Filtrer : mots, tag:xxx, verdict:échec")
        self.query_one("#trace-query", Input).placeholder = self.t(
            "Chercher dans les traces (Entrée) — ctrl+f : filtrer"
        )
        self.query_one("#observed-title", Label).update(self.t("Valeurs observées"))
        self._setup_tables()
        self.refresh_bindings()
        self.refresh_case_views()
        self.refresh_overview()
        self.refresh_labels()

    def action_run_case(self) -> None:
        entry = self.current_entry()
        if entry is not None:
            self.start_run([entry])

    def action_run_selection(self) -> None:
        self.start_run(self.visible_entries())

    def action_run_rest(self) -> None:
        self.start_run(self.ws.remaining())

    def action_stop_run(self) -> None:
        if self.operator is not None and self.running:
            self.operator.stop.set()
            if isinstance(self.screen, AttestScreen):  # the waiting step stays pending
                self.screen.dismiss(None)
            self.log_line(f"■ {self.t('arrêt demandé : fin après le cas en cours')}")

    def action_review(self) -> None:
        entry = self.current_entry()
        if entry is None:
            return
        if self.running:
            self.notify(self.t("Une exécution est en cours."), severity="warning")
            return

        def save(answer: dict[str, str]) -> None:
            """Called by the window; a ReviewError keeps it open with what was typed."""
            add_review(
                self.ws.session_path,
                casebook_sha=entry.casebook.sha256,
                case_id=entry.case.id,
                reviewer=answer["reviewer"],
                action=answer["action"],
                original=entry.original_verdict,
                reason=answer["reason"],
                verdict=answer["verdict"] or None,
                key_path=self.settings.signing_key,
            )

        def done(saved: bool | None) -> None:
            if saved:
                self.reload()
                self.show_view("review")

        self.push_screen(
            ReviewScreen(entry.case.id, entry.original_verdict, self.operator_name, self.t, self.verdict_label, save),
            done,
        )

    def action_report(self) -> None:
        out = self.ws.session_path.parent / f"{self.ws.session_path.stem}-rapport"
        self.log_line(self.t(f"… rapport en cours : {out}"))
        self._write_report(out)

    @work(thread=True, exclusive=True, group="report", exit_on_error=False, description="rapport HTML")
    def _write_report(self, out: Path) -> None:
        try:
            from testbench.report.html import write_report

            path = write_report(self.ws.session_path, out, lang=self.lang)
            self.post_message(ReportDone(str(path)))
        except Exception as exc:  # a report failure is shown, never fatal to the exam
            self.post_message(ReportDone("", f"{type(exc).__name__}: {exc}"))

    def on_report_done(self, message: ReportDone) -> None:
        if message.error:
            error = self.t(message.error)
            self.log_line(f"✘ {self.t('Rapport impossible')}{self.colon}{error}")
            self.notify(f"{self.t('Rapport impossible')}{self.colon}{error}", severity="error")
            return
        self.last_report = Path(message.path)
        self.log_line(f"✔ {self.t('Rapport écrit')}{self.colon}{message.path}")
        self.notify(f"{self.t('Rapport écrit')}{self.colon}{message.path}", timeout=10)
        self.refresh_overview()

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

    async def action_quit(self) -> None:
        if self.operator is not None:
            self.operator.stop.set()
        self.exit(0)

    # -- running ---------------------------------------------------------------------------------
    def start_run(self, entries: list[CaseEntry]) -> None:
        t = self.t
        if self.running:
            self.notify(t("Une exécution est en cours."), severity="warning")
            return
        if self.ws.read_only:
            self.notify(
                t("Lecture seule : la session est ouverte en écriture par un autre processus."), severity="error"
            )
            return
        if not entries:
            return
        self.running = True
        self._panel_timer = self.set_interval(0.1, self.flush_panel)
        self.operator = InteractiveOperator(
            ask=lambda request: self.post_message(AttestationAsked(request)),
            tell=lambda text: self.post_message(OperatorNotice(text)),
            hints=self.ws.observe_hints,
        )
        self.show_status(Text(f"{t('en cours')}{self.colon}{len(entries)} {t('cas')}", style="bold"))
        self.log_line(f"── {t('Exécution')}{self.colon}{len(entries)} {t('cas')} ──")
        if self.active_view not in ("traces", "compare"):  # the examiner may be watching the traces live
            self.show_view("run")
        targets = [(e.casebook, e.case) for e in entries]
        self.run_worker(
            partial(self._run_thread, targets, self.operator),
            thread=True,
            exclusive=True,
            group="run",
            exit_on_error=False,
            description=f"exécution de {len(targets)} cas",
        )

    def _run_thread(self, targets: list, operator: InteractiveOperator) -> None:
        """Worker thread: runs the cases; talks to the UI only through posted messages."""
        try:
            outcome = run_cases(
                self.ws.session_path,
                self.ws.casebooks,
                targets,
                bench_factory=self.bench_factory,
                operator=operator,
                listener=lambda event: self.post_message(RunProgress(event)),
                stop=operator.stop,
            )
        except Exception as exc:  # the bench or the session failed: said on screen, never a crash
            self.post_message(RunDone(None, f"{type(exc).__name__}: {exc}"))
            return
        self.post_message(RunDone(outcome))

    def on_run_progress(self, message: RunProgress) -> None:
        t = self.t
        event = message.event
        if isinstance(event, CaseStarted):
            self.run_case_id = event.case.id
            self.attempt_choice.pop(self._key_of(event.case) or ("", ""), None)
            self.running_attempt = event.attempt_id
            self.log_line(f"▶ {event.case.id} ({event.index + 1}/{event.total}) — {event.case.title}")
            self.show_status(
                Text(f"{t('en cours')}{self.colon}{event.case.id} ({event.index + 1}/{event.total})", style="bold")
            )
            prompt = Text()
            for req in event.case.cards:
                prompt.append(
                    f"▣ {t('Carte à insérer')}{self.colon}{req.card} → {t('lecteur')} {req.slot}\n", style="yellow"
                )
            self.show_prompt(prompt)
            for req in event.case.cards:
                self.log_line(f"  ▣ {t('Carte à insérer')}{self.colon}{req.card} → {t('lecteur')} {req.slot}")
            # the tree and the case views follow the running case, at the pace of the reloads
            self._follow = self._key_of(event.case)
            if self._follow is not None:
                self._changed.add(self._follow)
            self.schedule_reload()
        elif isinstance(event, StepStarted):
            self.show_status(
                Text(f"{t('en cours')}{self.colon}{event.case.id} — {t('étape')} {event.step.id}", style="bold")
            )
            self._live_traces()
        elif isinstance(event, StepFinished):
            symbol = STEP_MARKS.get(event.status, "·")
            detail = f" {t(event.detail)}" if event.detail else ""
            word = t(STEP_WORDS.get(event.status, event.status))
            self.log_line(f"  {symbol} {event.step.id} {event.step.action or t('manuelle')}{self.colon}{word}{detail}")
            self._live_traces()
        elif isinstance(event, CaseFinished):
            verdict = event.outcome.verdict.value
            symbol = MARKS.get(verdict, ("·", ""))[0]
            reason = f" — {t(event.outcome.reason)}" if event.outcome.reason else ""
            self.log_line(f"■ {event.case.id}{self.colon}{symbol} {self.verdict_label(verdict)}{reason}")
            prompt = Text()
            statuses = self.ws.card_status_of(event.case, event.attempt_id, event.outcome.reason)
            for req in event.case.cards:
                status = statuses.get(req.slot, "non vérifiée")
                shown = t(status)
                line = f"▣ {t('lecteur')} {req.slot}{self.colon}{t('carte')} {req.card} — {shown}"
                self.log_line(f"  {line}")
                prompt.append(line + "\n", style="red" if status.startswith("refusée") else "green")
            if event.case.cards:
                self.log_line(f"  ▣ {t('Retirez les cartes.')}")
                prompt.append(t("Retirez les cartes."), style="bold")
            key = self._key_of(event.case)
            if key is not None:
                self._changed.add(key)
            self.schedule_reload()
            self.show_prompt(prompt)

    def _live_traces(self) -> None:
        """During a run, the traces view shows the running attempt as the recorder writes it.

        The recorder writes a step's lines when the next step starts (and at the end of the case).
        """
        if self.active_view == "traces" and self.running_attempt is not None:
            self.query_one("#trace-panes", TracePanes).show_attempt(
                self.trace_connection(), self.running_attempt, force=True
            )

    def on_operator_notice(self, message: OperatorNotice) -> None:
        text = self.t(message.text)  # the bench's words, in the language shown
        self.log_line(f"⚠ {text}")
        self.show_prompt(Text(f"⚠ {text}", style="bold red"))
        self.notify(text, severity="warning", timeout=8)

    def on_attestation_asked(self, message: AttestationAsked) -> None:
        request = message.request
        self.log_line(f"  ✋ {request.step.id}{self.colon}{request.step.instruction}")
        self.flush_panel()
        self.push_screen(AttestScreen(request, self.operator_name, self.t), request.resolve)

    def on_run_done(self, message: RunDone) -> None:
        t = self.t
        self.running = False
        if self._panel_timer is not None:
            self._panel_timer.stop()
            self._panel_timer = None
        self.flush_panel()
        self._follow = None
        if message.outcome is None:
            error = t(message.error)
            self.log_line(f"✘ {t('exécution impossible')}{self.colon}{error}")
            self.show_status(Text(f"{t('exécution impossible')}{self.colon}{error}", style="bold red"))
            self.notify(error, severity="error", timeout=10)
        else:
            counts: dict[str, int] = {}
            for v in message.outcome.verdicts.values():
                counts[v] = counts.get(v, 0) + 1
            summary = Text(
                f"{t('exécution arrêtée') if message.outcome.stopped else t('exécution terminée')}{self.colon}"
            )
            summary.append(f"{message.outcome.ran} {t('cas')} ")
            for v, n in counts.items():
                summary.append_text(mark(v))
                summary.append(f" {self.verdict_label(v)} {n}  ")
            self.show_status(summary)
            self.log_line(summary.plain)
        self.reload()

    # -- the run view, coalesced: a fast run posts hundreds of events a second ---------------------
    def log_line(self, line: str) -> None:
        self._panel_lines.append(line)
        if self._panel_timer is None:
            self.flush_panel()

    def show_status(self, content: Text | str) -> None:
        self._panel_status = content
        if self._panel_timer is None:
            self.flush_panel()

    def show_prompt(self, content: Text | str) -> None:
        self._panel_prompt = content
        if self._panel_timer is None:
            self.flush_panel()

    def flush_panel(self) -> None:
        if self._panel_lines:
            self.query_one("#run-log", Log).write_lines(self._panel_lines)
            self._panel_lines = []
        if self._panel_status is not None:
            self.query_one("#run-status", Static).update(self._panel_status)
            self._panel_status = None
        if self._panel_prompt is not None:
            self.query_one("#card-prompt", Static).update(self._panel_prompt)
            self._panel_prompt = None

    def schedule_reload(self) -> None:
        """Re-read the session at most every 0.3 s during a run (700 cases take ≈ 40 ms to re-read)."""
        if not self._reload_scheduled:
            self._reload_scheduled = True
            self.set_timer(0.3, self._scheduled_reload)

    def _scheduled_reload(self) -> None:
        self._reload_scheduled = False
        if not self.is_running or self._closing:  # the timer may fire while the app quits
            return
        follow, self._follow = self._follow, None
        changed, self._changed = self._changed, set()
        if not self.running or not self.ws.refresh_entries(changed):
            self.reload()
            return
        # during a run: only the cases it touched (700 cases take ≈ 40 ms to re-read in full)
        for key in changed:
            node, entry = self.nodes.get(key), self.ws.entry(key)
            if node is not None and entry is not None:
                node.set_label(self._case_label(entry))
        self._update_counts(self.visible_entries())
        if follow is not None and follow != self.current:
            self.goto_case(follow)  # refreshes the case views
        elif self.current in changed:
            self.refresh_case_views()
        self.refresh_overview()

    def _key_of(self, case: object) -> Key | None:
        return self._case_keys.get(id(case))

    def reload(self) -> None:
        self.ws.reload()
        self.refresh_labels()
        self.refresh_case_views()
        self.refresh_overview()
        if self.active_view == "traces":
            self.refresh_traces(force=True)

    def on_unmount(self) -> None:
        gc.unfreeze()
        self._language_scope.close()
        if self.operator is not None:
            self.operator.stop.set()
        self.ws.close()
        if self._trace_conn is not None:
            self._trace_conn.close()
