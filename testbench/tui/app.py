"""The exam workstation: casebook browser, case, run, expected/observed, traces, overview, review, exam.

Architecture (Harlequin's): the execution core (``testbench.runner``, ``testbench.store``) runs
without this package; the model of what is shown is ``testbench.tui.workstation`` (no Textual);
runs happen in a thread worker that only posts messages, and the handlers on the UI thread own every
state change. The app is split by job: this shell (bindings, layout, the casebook browser), the
view switching (``tui.views``), the run (``tui.run_handlers``), the exam view (``tui.exam_view``,
its content from ``tui.exam``), the review window and the report
(``tui.review_report``) and the key gate (``tui.key_gate``). One action registry
(``testbench.tui.actions``) feeds the bindings, the command palette and the F1 help; ``tui.toml``
remaps keys by action id.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import getpass
import signal
import time
import weakref
from collections.abc import Callable, Collection
from functools import partial
from pathlib import Path

from rich.cells import cell_len
from rich.console import RenderableType
from rich.text import Text
from textual import events, on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingsMap
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.dom import NoScreen
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Header, Input, Label, Static, TabbedContent, TabPane, Tree
from textual.widgets.tree import TreeNode

from testbench import fmt
from testbench.casebook.selection import SelectionError
from testbench.domain.attestation import Attestation, Operator
from testbench.i18n import _t, set_language, tn, use_language
from testbench.interrupts import INTERRUPTED_EXIT, on_interrupt
from testbench.runner.options import CampaignOptions
from testbench.store.traceindex import TraceSource
from testbench.sut.check import profile_warnings
from testbench.tui import actions as registry
from testbench.tui.casebook_reload import CasebookReload
from testbench.tui.commands import ActionCommands, CaseCommands
from testbench.tui.config import SETTINGS_FILE, Settings, UiState, config_dir
from testbench.tui.coverage_screen import CoverageWindow
from testbench.tui.exam_view import ExamHandlers, ExamView
from testbench.tui.execution import BenchFactory
from testbench.tui.filter_field import FilterField
from testbench.tui.footer import WholeKeysFooter
from testbench.tui.glossary_screen import GlossaryScreen
from testbench.tui.key_gate import KeyGate
from testbench.tui.keymap import check_keymap
from testbench.tui.operator_prompt import InteractiveOperator
from testbench.tui.render import Renderer, mark
from testbench.tui.review_report import ReviewAndReport
from testbench.tui.run_handlers import RunHandlers
from testbench.tui.run_log import RunLog
from testbench.tui.run_options import with_choice
from testbench.tui.screens import (
    AttestScreen,
    ExtractedScreen,
    FormScreen,
    HelpContents,
    HelpScreen,
    KeptFormScreen,
    OneValue,
    ReviewScreen,
    WorkstationPalette,
)
from testbench.tui.session_watch import SessionWatch
from testbench.tui.texts import make_translator
from testbench.tui.tool_screen import ToolWindows
from testbench.tui.traceview import TracePanes
from testbench.tui.views import VIEW_TITLES, VIEWS, ViewSwitching
from testbench.tui.workstation import (
    ANOTHER_WORKSTATION,
    CaseEntry,
    Filter,
    Key,
    Workstation,
    parse_filter,
)

#: a quit with a case under way: said in the workstation while it waits for the case's end
QUIT_WAITS_FOR_CASE = _t(
    "fermeture : attente de la fin du cas en cours (jusqu'à {seconds} s si le moteur ne répond pas) ; {quit} encore"
    " pour l'arrêter maintenant (le cas restera interrompu)"
)
#: how long past ``--engine-timeout`` a quit waits for the case under way before it cuts it (seconds)
QUIT_MARGIN_S = 5.0
#: the other workstation that had the session open has closed it: the warning said at opening no longer holds
OTHER_WORKSTATION_GONE = _t(
    "L'autre poste d'examen a fermé cette session : ce poste est maintenant le seul à l'avoir ouverte"
)
#: how often a workstation opened beside another one looks whether the other has gone (seconds)
PRESENCE_POLL_S = 2.0

VERDICT_CYCLE = (None, "fail", "error", "inconclusive", "pending", "pass", "none")


#: the cells a case's row takes beside its id: its indent (« ····├ »), its two marks, the scroll bar, the border
TREE_ID_ROOM = 11
#: the widest the tree grows for its ids on a narrow terminal, the views keeping the rest
TREE_ID_MAX = 40


def _nearest(key: Key | None, before: list[Key], shown: Collection[Key]) -> Key | None:
    """The case shown nearest to ``key`` in the tree's order as it was (``before``): the next one still shown,
    else the one before it; None when ``key`` was not in the tree."""
    if key not in before:
        return None
    at = before.index(key)
    after = (k for k in before[at + 1 :] if k in shown)
    return next(after, None) or next((k for k in reversed(before[:at]) if k in shown), None)


def _priority_split(keys: str) -> list[tuple[str, bool]]:
    """``keys`` (comma separated) as (keys, whether they are characters a text field takes): F1 and ctrl+q act
    in every widget (priority), but « ? » typed in a field (a note, the filter) is the field's, not the help."""
    named = [key.strip() for key in keys.split(",") if key.strip()]
    characters = [key for key in named if len(registry.display_key(key)) == 1]
    others = [key for key in named if key not in characters]
    return [(",".join(group), group is characters) for group in (others, characters) if group]


class WorkstationApp(
    KeyGate,
    ViewSwitching,
    RunHandlers,
    ExamHandlers,
    ReviewAndReport,
    CasebookReload,
    CoverageWindow,
    ToolWindows,
    SessionWatch,
    App[int],
):
    CSS_PATH = "styles.tcss"
    TITLE = "testbench"
    COMMANDS = {CaseCommands, ActionCommands}  # noqa: RUF012 - Textual's class attribute
    # classes put on every screen by its size: styles.tcss and the windows adapt to 80×24
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]  # noqa: RUF012
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]  # noqa: RUF012
    _restore_signals: Callable[[], None] | None = None  # the previous handlers of SIGTERM…, put back on unmount
    _interrupted_by: int | None = None  # the signal that quits it (on_interrupt)
    #: a quit waiting for the case under way to end (:meth:`exit`): what it exits with then
    _leaving: tuple[int | None, int, RenderableType | None] | None = None
    _presence_poll: Timer | None = None  # while another workstation has the session open (_poll_presence)

    def __init__(
        self,
        workstation: Workstation,
        *,
        bench_factory: BenchFactory | None = None,
        settings: Settings | None = None,
        state: UiState | None = None,
        operator_name: str | None = None,
        bench_label: str = "",
        options: CampaignOptions | None = None,
        performer: Operator | None = None,
        run_on_start: bool = False,
    ) -> None:
        super().__init__()
        self._toasts: list[tuple[str, SeverityLevel, float]] = []  # shown: text, severity, until (monotonic)
        self.ws = workstation
        self.bench_factory = bench_factory  # None: the campaign assembles its benches from ``options``
        self.campaign_options = options or CampaignOptions()  # ``testbench ui``'s: capture, identity…
        self.settings = settings or Settings()
        keymap, refused = check_keymap(self.settings.keymap)  # an unknown or taken key: said, never applied
        self.settings = dataclasses.replace(self.settings, keymap=keymap, problems=[*self.settings.problems, *refused])
        self.state = state
        self.lang = self.settings.lang
        self.t = make_translator(self.lang)
        self.render = Renderer(workstation, self.t, self.lang)
        self.operator_name = operator_name or self.settings.operator or getpass.getuser()
        self.bench_label = bench_label  # what the runs use (cards, engine), shown in the overview
        self.filter: Filter = Filter()
        self.verdict_filter: str | None = None
        self.current: Key | None = None
        self.nodes: dict[Key, TreeNode[Key | None]] = {}
        #: the tree's domain and mode nodes: (node, their labels table, code, number of cases), named again on F2
        self._groups: list[tuple[TreeNode[Key | None], dict[str, str], str, int]] = []
        self._labels: dict[tuple[Key, str, str], Text] = {}
        self._shown: list[Key] | None = None
        self._trace_source: TraceSource | None = None
        self.operator: InteractiveOperator | None = None
        # who performs the steps instead of the person (the demo application's scripted operator), and
        # whether the remaining cases run as soon as the workstation opens, in the exam view
        self.performer = performer
        self.run_on_start = run_on_start
        self.running = False
        self.run_case_id: str | None = None
        self.running_attempt: int | None = None
        # a manual step's answer given but not yet recorded (case id, step id): offered again if the write failed
        self.unrecorded: dict[tuple[str, str], Attestation] = {}
        self._reload_scheduled = False
        self._panel_lines: list[str] = []
        self._panel_status: Text | str | None = None
        self._panel_prompt: Text | str | None = None
        # what draws the run view's header and card prompt, so that F2 draws them again (tui.run_handlers)
        self._status_build: Callable[[], Text] | None = None
        self._prompt_build: Callable[[], Text] | None = None
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
        self._palette_choosing = False  # Enter went to the palette: the next keys are for what it runs
        self._focused_screens: weakref.WeakSet[Screen] = weakref.WeakSet()
        self.sub_title = workstation.session_path.name
        self.init_casebook_watch()
        self._install_bindings()

    # -- bindings from the one registry ----------------------------------------------------------
    def _install_bindings(self) -> None:
        first = ("help", "quit")  # the footer shows them first: a narrow terminal crops its end
        specs = sorted(registry.ACTIONS, key=lambda spec: spec.id not in first)
        keys = registry.effective_keys(self.settings.keymap)  # a palette-only action may have one from [keymap]
        bindings = [
            Binding(
                key,
                spec.action,
                registry.label(spec, self.lang),
                show=spec.footer,
                id=spec.id,
                priority=spec.id in first and not typed,
            )
            for spec in specs
            if spec.key or keys[spec.id]
            for key, typed in _priority_split(spec.key or keys[spec.id])
        ]
        bindings.append(Binding("escape", "leave_field", show=False))
        bindings.append(Binding("q,ctrl+c", "quit_hint", show=False))  # what people try: said how to quit
        self._bindings = BindingsMap(bindings)

    def get_key_display(self, binding: Binding) -> str:
        """A key as the footer (and Textual's keys panel) shows it: « Ctrl+Q », « Échap », "Esc", in the language
        shown (``actions.display_key``, the one way the workstation shows a key), not Textual's ``^q``."""
        return binding.key_display or registry.display_key(binding.key, self.t)

    def trace_placeholder(self) -> str:
        """The trace search's placeholder, its keys named as everywhere else."""
        search = registry.effective_keys(self.settings.keymap)["trace-search"]
        said = self.t("Chercher dans les traces ({enter}) — {key} : filtrer")
        return said.format(enter=registry.display_key("enter", self.t), key=registry.display_key(search, self.t))

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
                # words: a paste of several lines keeps them all (``FreeText``); its placeholder the form that fits
                yield FilterField(t, id="filter")
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
                    yield RunLog(id="run-log", highlight=False)
                with TabPane(t(VIEW_TITLES["compare"]), id="compare"):
                    yield Label("", id="compare-title")
                    yield DataTable(id="compare-table", cursor_type="row", zebra_stripes=False)
                    yield Static("", id="compare-messages")
                    yield Label(t("Valeurs observées"), id="observed-title")
                    yield DataTable(id="observed-table", cursor_type="row", zebra_stripes=True)
                with TabPane(t(VIEW_TITLES["traces"]), id="traces"):
                    yield TracePanes(self.trace_placeholder(), id="trace-panes")
                with TabPane(t(VIEW_TITLES["overview"]), id="overview"), VerticalScroll(id="overview-scroll"):
                    yield Static("", id="overview-detail")
                with TabPane(t(VIEW_TITLES["review"]), id="review"), VerticalScroll():
                    yield Static("", id="review-detail")
                with TabPane(t(VIEW_TITLES["exam"]), id="exam"):
                    yield ExamView(id="exam-view")
        yield WholeKeysFooter()

    def on_mount(self) -> None:
        # first: the terminal is in the application's modes from now on, which a signal must not leave it in
        self._restore_signals = on_interrupt(self._interrupted)  # SIGTERM, a closed terminal: quit as Ctrl+Q does
        if self.settings.keymap:
            self.set_keymap(self.settings.keymap)
        # the bench's own messages (card layer, engine, runner) in the language shown; restored on unmount
        self._language_scope.enter_context(use_language(self.lang))
        self.notes += self.ws.prepare()
        if ANOTHER_WORKSTATION in self.notes:  # until the other one closes the session, then said it did
            self._presence_poll = self.set_interval(PRESENCE_POLL_S, self._poll_presence)
        self.start_session_watch()  # a writer's end (read-only), a session unreadable for a moment (session_watch)
        self.show_idle_run_view()
        self.campaign_options = with_choice(self.campaign_options, self.run_choice())  # a shard session says so
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
        self.check_integrity()  # a session altered after the fact is said as soon as it is known
        self.setup_exam()
        if (profile := self.exam_profile()) is not None:  # a log or folder not there: said now, not at the run
            self.notes += profile_warnings(profile)
        self.setup_casebook_watch()
        for path, problems in self.ws.file_problems.items():  # beside no case: said once, listed in the overview
            note = tn(
                "{file} : {count} problème hors des cas",
                "{file} : {count} problèmes hors des cas",
                len(problems),
                self.lang,
                file=path.name,
            )
            self.notes.append(note)
        self.say_kept_corrections()  # typed in the window of the values read before a kill -9: said, never lost
        self.say_kept_reviews()  # typed in the review window before the terminal closed: said, offered back by ``a``
        self.say_kept_tools()  # typed in a tool's window before the terminal closed: said, offered back by the tool
        if self.run_on_start:
            self.show_view("exam")
            self.start_run(self.ws.remaining())
        # the casebooks and the first screen are long-lived: keep them out of the collector's full
        # passes, whose pauses were the outliers of the key-to-frame figures (collect first, so that
        # no garbage, e.g. of an earlier app in the same process, is frozen with them)
        gc.collect()
        gc.freeze()
        for note in self.notes:
            self.notify(self.t(note), severity="warning", timeout=8)
            self.log_line(partial(lambda note: f"⚠ {self.t(note)}", note))

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
        now = time.monotonic()
        until = now + (self.NOTIFICATION_TIMEOUT if timeout is None else timeout)
        self._toasts = [*(toast for toast in self._toasts if toast[2] > now), (message, severity, until)]
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def in_sight(self, message: str) -> bool:
        """Whether ``message`` is still shown where :meth:`notify` puts it: the notice line of the window with
        fields on top (``FormScreen.in_sight``), else a toast not yet gone (taken or withdrawn, it is not)."""
        if self._screen_stack and isinstance(self.screen, FormScreen):
            return self.screen.in_sight(message)
        now = time.monotonic()
        return any(shown == message and until > now for shown, _severity, until in self._toasts)

    def pressed_again(self, said: str) -> bool:
        """A key that would drop what a window holds (Ctrl+Q, Ctrl+T) acts only while its warning ``said`` is in
        sight (:meth:`in_sight`): True then; else the warning is said now, and False. Another notice in its place,
        or F2 that cleared it, and the next press warns again instead of acting (as ``FormScreen.pressed_again``
        for a window's own keys)."""
        if self.in_sight(said):
            return True
        self.notify(said, severity="warning")
        return False

    def take_toasts(self) -> list[tuple[str, SeverityLevel]]:
        """The toasts still shown, taken off the screen: a window with fields opening over them would have them
        cover its fields, it shows them on its notice line instead."""
        now = time.monotonic()
        shown = [(message, severity) for message, severity, until in self._toasts if until > now]
        self._toasts = []
        if shown:
            self.clear_notifications()
        return shown

    @property
    def colon(self) -> str:
        """« : » in French, ": " in English."""
        return self.t(" : ")

    # -- labels ----------------------------------------------------------------------------------
    def verdict_label(self, verdict: str) -> str:
        return self.render.verdict_label(verdict)

    def _case_label(self, entry: CaseEntry) -> Text:
        problems = entry.id_key in self.ws.case_problems
        cache_key = (entry.key, entry.verdict, entry.original_verdict, problems)
        label = self._labels.get(cache_key)
        if label is None:
            # the review mark comes before the id: a narrow tree crops the end of the label, never the mark
            reviewed = ("✎", "yellow") if entry.verdict != entry.original_verdict else " "
            first = ("⚠", "bold red") if problems else mark(entry.verdict)  # a case with problems cannot run
            label = Text.assemble(first, reviewed, (entry.case.id, "bold"), " ", entry.case.title)
            self._labels[cache_key] = label
        return label

    # -- browser ---------------------------------------------------------------------------------
    def visible_entries(self) -> list[CaseEntry]:
        flt = self.filter
        if self.verdict_filter:
            flt = dataclasses.replace(flt, verdicts=(*flt.verdicts, self.verdict_filter))
        return self.ws.filtered(flt)

    def rebuild_tree(self, force: bool = False, nearest: bool = False) -> None:
        """The tree of the cases the filters show; ``nearest``: a selected case the tree no longer shows (a run
        changed its verdict) gives the selection to the next case shown, else the one before, not the first."""
        tree: Tree[Key | None] = self.query_one("#tree", Tree)
        entries = self.visible_entries()
        shown = [e.key for e in entries]
        if not force and shown == self._shown:  # typing that keeps the same cases: nothing to rebuild
            self._update_counts(entries)
            return
        before, showed_none, self._shown = list(self.nodes), self._shown == [], shown  # before: in the tree's order
        with self.batch_update():
            tree.clear()
            self.nodes, self._groups = {}, []
            for plan, domains in self.ws.tree(entries).items():
                plan_node = tree.root.add(Text(plan, style="bold"), data=None, expand=True)
                for domain, modes in domains.items():
                    n = sum(len(v) for v in modes.values())
                    domain_node = plan_node.add(self._group_label(fmt.DOMAIN_LABELS, domain, n), expand=True)
                    self._groups.append((domain_node, fmt.DOMAIN_LABELS, domain, n))
                    for mode, items in modes.items():
                        mode_node = domain_node.add(self._group_label(fmt.MODE_LABELS, mode, len(items)), expand=True)
                        self._groups.append((mode_node, fmt.MODE_LABELS, mode, len(items)))
                        for entry in items:
                            self.nodes[entry.key] = mode_node.add_leaf(self._case_label(entry), data=entry.key)
        self._update_counts(entries)
        self._fit_tree_to_ids()
        if self.current in self.nodes:
            self._cursor_on_current()
        elif nearest and (near := _nearest(self.current, before, self.nodes)) is not None:
            self.goto_case(near)
        elif self.current is not None or showed_none:
            # the filter hides the selected case (``r`` must never run a hidden one), or shows cases again
            # after showing none: the first case shown is selected
            self._select_first_shown()

    def _fit_tree_to_ids(self) -> None:
        """The tree at least as wide as its longest case id: a narrow tree crops a row's end, its title, never
        its id (PSAD-SEC-062 and PSAD-SEC-062-B told apart at 80 columns); every case's, the width stays put
        as the filter changes."""
        longest = max((cell_len(entry.case.id) for entry in self.ws.entries), default=0)
        room = min(longest + TREE_ID_ROOM, TREE_ID_MAX)
        left = self.query_one("#left")
        if left.styles.min_width is None or left.styles.min_width.value != room:
            left.styles.min_width = room

    def _select_first_shown(self) -> None:
        """Select the first case the tree shows, its cursor on it; none when the filter shows no case."""
        first = next(iter(self.nodes), None)
        if first is None:
            self.current = None
            self.refresh_case_views()
            return
        self.select_case(first)
        self._cursor_on_current()

    def _cursor_on_current(self) -> None:
        """The tree's cursor on the selected case, now and again once the tree is laid out (scrolled to it). Its
        rows are placed first: a tree just rebuilt places them when next drawn, and a move before went to its
        first row, the plan's. Which case is read when it moves: a later rebuild (a keystroke, a run's update)
        may have come in between."""
        tree: Tree[Key | None] = self.query_one("#tree", Tree)

        def place() -> None:
            node = self.nodes.get(self.current) if self.current is not None else None
            if node is None:
                return
            tree.last_line  # noqa: B018 -- reading it places the rows: ``node.line`` is known from here on
            if tree.cursor_node is not node:
                tree.move_cursor(node)

        place()
        self.call_after_refresh(place)

    def _update_counts(self, entries: list[CaseEntry]) -> None:
        text = Text(tn("{count} cas", "{count} cas", len(entries), self.lang) + " ")
        for verdict, n in self.ws.counts(entries).items():
            text.append_text(mark(verdict))
            text.append(f"{n} ")
        if self.verdict_filter:
            text.append(f"[{self.verdict_label(self.verdict_filter)}]", style="bold yellow")
        self.query_one("#counts", Label).update(text)

    def _group_label(self, labels: dict[str, str], code: str, count: int) -> Text:
        """A domain's or a mode's node: its name in words (« sécurisé »), and its number of cases."""
        return Text(
            f"{fmt.label(labels, code, self.lang)} ({count})", style="italic" if labels is fmt.MODE_LABELS else ""
        )

    def refresh_labels(self) -> None:
        for group, labels, code, count in self._groups:
            group.set_label(self._group_label(labels, code, count))
        for key, node in self.nodes.items():
            entry = self.ws.entry(key)
            if entry is not None:
                node.set_label(self._case_label(entry))
        self._update_counts(self.visible_entries())

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        try:
            self.filter = parse_filter(event.value, self.t)
        except SelectionError:  # an expression being typed (« lit and »): the tree keeps the last one read
            return
        self.rebuild_tree()

    @on(Input.Submitted, "#filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        try:
            parse_filter(event.value, self.t)
        except SelectionError as exc:  # said in the filter's words, the field kept as typed and focused
            self.notify(self.t(exc.problem.said(in_filter=True)), severity="error", timeout=10)
            return
        self.query_one("#tree", Tree).focus()

    @on(OneValue.PasteRefused)
    def _paste_refused(self, event: OneValue.PasteRefused) -> None:
        """A paste of several lines in the trace search (the windows with fields say it on their notice line)."""
        said = self.t(
            "Collage refusé : {count} lignes dans la recherche des traces, qui cherche dans une ligne à la fois ;"
            " collez une seule ligne."
        )
        self.notify(said.format(count=event.lines), severity="error")
        event.field.focus()

    @on(Tree.NodeHighlighted, "#tree")
    def _highlighted(self, event: Tree.NodeHighlighted[Key | None]) -> None:
        """The views follow the case the tree highlights: the node's, if it is still the tree's cursor in the tree
        as it is now. The message comes after the keys typed meanwhile: a filter keystroke may have rebuilt the
        tree (its node then belongs to the tree as it was, its case maybe hidden now) or the cursor moved on (its
        own message follows)."""
        node = event.node
        if node.data is None or self.nodes.get(node.data) is not node:
            return
        if node is event.control.cursor_node and node.data != self.current:
            self.select_case(node.data)

    def goto_case(self, key: Key) -> None:
        """Select a case from anywhere (palette, restore): clear filters hiding it, move the tree."""
        if key not in self.nodes:
            self.query_one("#filter", Input).value = ""
            self.filter, self.verdict_filter = Filter(), None
            self.rebuild_tree()
        self.select_case(key)
        self._cursor_on_current()

    def select_case(self, key: Key) -> None:
        self.current = key
        self.refresh_case_views()
        if self.state is not None:
            self.state.set_position(self.ws.session_path, case=f"{key[0]}/{key[1]}")

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        try:
            screen = event.widget.screen
        except NoScreen:  # the widget left its screen before its focus came through (a window closed at once)
            return
        self._focused_screens.add(screen)
        if self._held_keys:
            self.call_later(self._release_keys)
        self.update_layout()

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

    # -- actions ---------------------------------------------------------------------------------
    def action_command_palette(self) -> None:
        """Textual's palette, in the workstation's language (``screens.WorkstationPalette``)."""
        if not WorkstationPalette.is_open(self):
            self.push_screen(WorkstationPalette(self.t))

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):  # F1 in the help closes it (the app's F1 comes first)
            self.screen.dismiss(None)
            return
        self.push_screen(HelpScreen(*self.help_contents(), again=self.help_contents))

    def help_contents(self) -> HelpContents:
        """What F1 lists, in the language shown: every action and its key, their help, where keys are remapped;
        over the manual-step window, the keys that act there (its own, then the workstation's few)."""
        describe = partial(registry.describe, lang=self.lang)
        extra = f'{config_dir() / SETTINGS_FILE}{self.colon}[keymap] id = "{self.t("touche")}"'
        actions = self.action_keys()
        if self.manual_step_open():
            keys = {spec.id: key for spec, key in actions}
            window = [(spec, spec.key) for spec in registry.MANUAL_STEP_ACTIONS]
            actions = window + [(registry.BY_ID[i], keys[i]) for i in registry.IN_MANUAL_STEP]
        return actions, self.t, describe, extra

    def manual_step_open(self) -> bool:
        """Whether a manual step's window is open (under the help, maybe): only its keys act then."""
        return any(isinstance(screen, AttestScreen) for screen in self.screen_stack)

    def action_quit_hint(self) -> None:
        """q and Ctrl+C, where no field takes them: how to quit, rather than nothing."""
        key = registry.display_key(registry.effective_keys(self.settings.keymap)["quit"], self.t)
        self.notify(self.t("{quit} pour quitter (la session est déjà enregistrée)").format(quit=key), timeout=4)

    def action_glossary(self) -> None:
        """The definitions of the glossary's terms in the case shown (title, objective, steps)."""
        entry = self.current_entry()
        if entry is None:  # the filter shows no case: said, not a key that does nothing
            self.notify(self.t("Aucun cas sélectionné."), severity="warning")
            return
        self.push_screen(GlossaryScreen(self.render.glossary(entry), again=lambda: self.render.glossary(entry)))

    def action_focus_next(self) -> None:
        self._focus_step(1)

    def action_focus_previous(self) -> None:
        self._focus_step(-1)

    def _focus_step(self, delta: int) -> None:
        """Tab / shift+tab; on a narrow terminal the trace panes are gone through one by one, from the first (or
        the last) whichever pair is shown (``TracePanes.step_focus``, ``TracePanes.entered``)."""
        panes = self.query_one("#trace-panes", TracePanes)
        if panes.step_focus(delta):
            return
        before = self.focused
        if delta > 0:
            super().action_focus_next()
        else:
            super().action_focus_previous()
        panes.entered(before, delta)

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
        """The next verdict a case the filter shows has (one no case has would show an empty tree), then all."""
        present = {e.verdict for e in self.ws.filtered(self.filter)}
        pos = VERDICT_CYCLE.index(self.verdict_filter) if self.verdict_filter in VERDICT_CYCLE else 0
        following = VERDICT_CYCLE[pos + 1 :] + VERDICT_CYCLE[: pos + 1]
        self.verdict_filter = next((v for v in following if v is None or v in present), None)
        self.rebuild_tree()

    def action_toggle_language(self) -> None:
        self.lang = "en" if self.lang == "fr" else "fr"
        set_language(self.lang)  # what the bench says from now on (the run's worker included) follows
        self.t = make_translator(self.lang)
        self.render = Renderer(self.ws, self.t, self.lang)
        self._install_bindings()
        if self.settings.keymap:
            self.set_keymap(self.settings.keymap)
        tabs = self.query_one("#views", TabbedContent)
        for view, title in VIEW_TITLES.items():
            tabs.get_tab(view).label = self.t(title)
        self.query_one("#filter", FilterField).retranslate(self.t)
        self.query_one("#trace-query", Input).placeholder = self.trace_placeholder()
        self.query_one("#observed-title", Label).update(self.t("Valeurs observées"))
        for panes in self.query(TracePanes):
            panes.retranslate()
        self._setup_tables()
        self.refresh_bindings()
        self.refresh_case_views()
        self.refresh_overview()
        self.refresh_labels()
        self.retranslate_run_view()
        # a window open on top (a manual step, the review): the main screen under it is laid out again now,
        # its tabs, header and counter in the new language at their new widths, not when the window closes
        main = self.screen_stack[0]
        main.refresh_bindings()  # its footer
        self.call_after_refresh(main.refresh, layout=True)

    async def action_quit(self) -> None:
        """Quit; a window that holds what was typed and not confirmed (a value, a note, a correction, a reason:
        ``FormScreen.typed``) says first what quitting loses, in its own words, and the next Ctrl+Q quits while
        that warning is in sight (:meth:`pressed_again`). A window shown over it (the help) does not hide what it
        holds: the warning is said there, as a toast."""
        holding = next((s for s in reversed(self.screen_stack) if isinstance(s, FormScreen) and s.typed()), None)
        if holding is not None:
            key = registry.display_key(registry.effective_keys(self.settings.keymap)["quit"], self.t)
            if not self.pressed_again(holding.quit_said(key, self.t)):
                return
        if self.operator is not None:
            self.operator.stop.set()
        self.exit(0)

    def _interrupted(self, signum: int) -> None:
        """SIGTERM (a logout, a shutdown, ``kill``, ``timeout``), the terminal closed (SIGHUP) or ^C from ``kill``:
        quit as Ctrl+Q does, the step under way left pending, resumable — nobody is there to confirm what a window
        held —, then say why on stderr once the terminal is put back, and exit as an interrupted command does."""
        if self._interrupted_by is not None:  # a second signal: the quit is under way, said once
            return
        self._interrupted_by = signum
        for window in self.screen_stack:  # the values read, under review: what was typed is said with the step
            if isinstance(window, ExtractedScreen) and window.is_mounted:
                with contextlib.suppress(NoMatches):
                    window.request.unconfirmed = window.unconfirmed()
        if self.operator is not None:
            self.operator.stop.set()
        if self.running and not self.waits_for_person():  # an engine call, a case computing: cut as ^C cuts a run
            self.cut_run_now()
        name = signal.Signals(signum).name
        line = self.t(
            "interrompu ({signal}) : le poste d'examen s'est fermé comme par Ctrl+Q ; la session est enregistrée,"
            " une étape en cours reprend quand elle est rouverte"
        )
        App.exit(self, INTERRUPTED_EXIT, INTERRUPTED_EXIT, Text(line.format(signal=name)))  # nobody waits: no wait

    def _poll_presence(self) -> None:
        """The other workstation that had the session open has closed it: this one takes its place (a third one
        is told), and the warning said at opening is withdrawn."""
        if not self.ws.take_presence():
            return
        if self._presence_poll is not None:
            self._presence_poll.stop()
            self._presence_poll = None
        self.notes = [note for note in self.notes if note != ANOTHER_WORKSTATION]
        for shown in {ANOTHER_WORKSTATION, self.t(ANOTHER_WORKSTATION)}:  # its toast, in either language (F2)
            self._withdraw(shown)
        self.log_line(lambda: f"✔ {self.t(OTHER_WORKSTATION_GONE)}")
        self.notify(self.t(OTHER_WORKSTATION_GONE), timeout=8)

    def waits_for_person(self) -> bool:
        """Whether the run waits on a window for the person (a manual step, the values read): stopped, it ends its
        case at once, the step left pending."""
        return any(isinstance(screen, (AttestScreen, ExtractedScreen)) for screen in self.screen_stack)

    def exit(self, result: int | None = None, return_code: int = 0, message: RenderableType | None = None) -> None:
        """Quit; with a case under way, its end is waited for first (its verdict recorded, its bench closed), said in
        the workstation with how long it may take: an engine that never answers is waited for up to
        ``--engine-timeout``. Quitting again, or that bound passed, cuts it now as ^C cuts ``testbench run`` (its
        case « interrompue » at the next opening, its engine killed)."""
        for window in self.screen_stack:  # quitting was said to lose what a manual step's window holds: so it does
            if isinstance(window, AttestScreen) and (key := self._key_of(window.request.case)) is not None:
                window.stop_keeping()
                self.ws.drop_draft(key, window.request.step.id)
            elif isinstance(window, ExtractedScreen) and (key := self._key_of(window.request.case)) is not None:
                window.stop_keeping()  # the same for the corrections of the values read (« … seront perdus »)
                self.ws.drop_read_draft(key, window.request.step.id)
            elif isinstance(window, ReviewScreen) and window.case_key is not None:
                window.stop_keeping()  # the same for the review's reason (« le motif tapé sera perdu »)
                self.ws.drop_review_draft(window.case_key)
            elif isinstance(window, KeptFormScreen) and window.draft_name is not None:
                window.stop_keeping()  # the same for a tool's fields, the run options', the plan's (« … sera perdu »)
                self.ws.drop_tool_draft(window.draft_name)
        if not self.running:
            self.closed = True
            super().exit(result, return_code, message)
            return
        if self._leaving is not None:
            self.cut_run_now()
            self.closed = True
            super().exit(result, return_code, message)
            return
        self._leaving = (result, return_code, message)
        if self.operator is not None:
            self.operator.stop.set()
        if self.waits_for_person():  # the case ends at once, its step left pending: nothing to say
            return
        bound = self.campaign_options.bench.engine_timeout
        quit_key = registry.display_key(registry.effective_keys(self.settings.keymap)["quit"], self.t)

        def said() -> str:  # in the language shown when drawn (F2 draws it again)
            return self.t(QUIT_WAITS_FOR_CASE).format(seconds=fmt.seconds(bound, self.lang), quit=quit_key)

        self.log_line(lambda: f"■ {said()}")
        self.show_status(lambda: Text(said(), style="bold yellow"))
        self.notify(said(), severity="warning", timeout=bound + QUIT_MARGIN_S)
        self.set_timer(bound + QUIT_MARGIN_S, lambda: self.exit(result, return_code, message))

    def on_unmount(self) -> None:
        if self._restore_signals is not None:
            self._restore_signals()
        gc.unfreeze()
        self.stop_casebook_watch()
        self._language_scope.close()
        if self.operator is not None:
            self.operator.stop.set()
        self.ws.close()
        for source in (self._trace_source, *self._kept_sources):
            if source is not None:
                source.close()
