"""The exam view's widgets: they display what ``tui.exam`` computes, and follow the application's log.

The log pane is the traces view's own line view (:class:`~testbench.tui.traceview.TraceView`) on the
``app`` channel of the running attempt, read through the session's :class:`TraceSource`: the lines are
the ones the campaign captured, never a second reading of the application's files.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from pathlib import Path

from rich.console import RenderableType
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Label, Static, TabbedContent

from testbench.casebook.model import Case, Casebook
from testbench.engines.operator.assisted import OutputsAwaited
from testbench.runner.campaign import CampaignError, apply_profile
from testbench.runner.events import CaseFinished, CaseStarted, RunEvent, StepFinished, StepStarted, TracesCaptured
from testbench.runner.options import OPERATOR_ENGINE
from testbench.store.traceindex import TraceReadError, TraceSource
from testbench.sut.profile import SutProfile
from testbench.tui import exam
from testbench.tui.exam import AttemptEnd, ExamProgress, FolderFile, FolderWatch
from testbench.tui.session_watch import reads_session
from testbench.tui.traceview import TraceView

#: the expected values beside the watched folders only from this width (the values box, three fifths,
#: then holds a path, the expected and observed values and their source); below, one above the other
SIDE_BY_SIDE_MIN = 110
#: the patient and the first step to come under the header only from this height of the view (a 30-row terminal);
#: below, the expected values keep the rows (the case view and the step's window name the patient too)
AHEAD_MIN_HEIGHT = 24
#: what an application line keeps in view beside its step and the bench's clock (its own timestamp, « 07/12/2026
#: 21:02:40,398 »; the rest scrolls): the clock the log pane's title names shows from 52 columns — 80 columns with the
#: case list beside the view included
LOG_ROOM = 24


class ExamView(Vertical):
    DEFAULT_CSS = """
    ExamView { height: 1fr; }
    ExamView #exam-header { height: auto; max-height: 8; padding: 0 1; border: heavy $accent; }
    /* the patient and the first step to come: on a short view the expected values keep their rows */
    ExamView #exam-ahead { height: auto; max-height: 4; padding: 0 1; }
    ExamView.-short #exam-ahead, ExamView #exam-ahead.-none { display: none; }
    ExamView #exam-step { width: 100%; height: auto; max-height: 3; padding: 0 1; }  /* an ending may wrap */
    ExamView #exam-middle { height: 1fr; min-height: 5; }
    ExamView #exam-values-box { width: 3fr; border: round $panel; }
    ExamView #exam-files-box { width: 2fr; height: 1fr; border: round $panel; padding: 0 1; }
    ExamView #exam-app-log { height: 1fr; min-height: 4; }
    /* an empty application log keeps only its frame (« 0 ligne »): the expected values take its rows */
    ExamView.-log-empty #exam-app-log { height: 2; min-height: 2; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="-log-empty")  # no attempt yet: no application line
        self.attempt_id: int | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="exam-header")
        yield Static("", id="exam-ahead")
        yield Label("", id="exam-step")
        with Horizontal(id="exam-middle"):
            with VerticalScroll(id="exam-values-box"):
                yield Static("", id="exam-values")
            # a scroll of its own, reached by Tab: a long list of files is read with the keyboard too
            with VerticalScroll(id="exam-files-box"):
                yield Static("", id="exam-files")
        # the application's lines hold no APDU: the bench's clock, which the pane's title names, fits at 80 columns
        yield TraceView("app", id="exam-app-log", room=LOG_ROOM)

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < SIDE_BY_SIDE_MIN, "-stacked")
        self.set_class(event.size.height < AHEAD_MIN_HEIGHT, "-short")

    def set_titles(self, values: str, files: str, log: str) -> None:
        self.query_one("#exam-values-box").border_title = values
        self.query_one("#exam-files-box").border_title = files
        self.query_one("#exam-app-log", TraceView).border_title = log

    def show(
        self,
        header: RenderableType,
        step: RenderableType,
        values: RenderableType,
        files: RenderableType,
        ahead: RenderableType | None = None,
    ) -> None:
        self.query_one("#exam-header", Static).update(header)
        shown = self.query_one("#exam-ahead", Static)
        shown.update(ahead if ahead is not None else "")
        shown.set_class(ahead is None, "-none")
        self.query_one("#exam-step", Label).update(step)
        self.query_one("#exam-values", Static).update(values)
        self.query_one("#exam-files", Static).update(files)

    def show_step(self, step: RenderableType) -> None:
        """The timer's tick: only the step line changes."""
        self.query_one("#exam-step", Label).update(step)

    def renew(self, source: TraceSource) -> None:
        """Another file at the session's path: the attempt's application lines read from ``source`` at once, the
        log on its line, before the old file's handle is closed (raises :data:`TraceReadError`, nothing changed)."""
        if self.attempt_id is not None:
            index = source.index(self.attempt_id, "app").load()
            self.query_one("#exam-app-log", TraceView).set_index(index, keep_position=True)

    def show_log(self, source: TraceSource | None, attempt_id: int | None) -> None:
        """The application's lines of the attempt, the newest in sight (the log is followed at its end)."""
        view = self.query_one("#exam-app-log", TraceView)
        if source is None or attempt_id is None:
            view.set_index(None)
            self.attempt_id = None
            self.add_class("-log-empty")
            return
        try:
            index = source.index(attempt_id, "app").load()
        except TraceReadError:
            return
        same = attempt_id == self.attempt_id
        self.attempt_id = attempt_id
        view.set_index(index, keep_position=same)
        self.set_class(not len(index), "-log-empty")
        if len(index):
            view.go(len(index) - 1)

    def log_lines(self) -> list[str]:
        """The application's lines shown (for tests and the snapshot)."""
        view = self.query_one("#exam-app-log", TraceView)
        index = view.index
        return [index.row(i).text for i in range(len(index))] if index is not None else []


class ExamHandlers:
    """Mixed into :class:`~testbench.tui.app.WorkstationApp`: keeps the exam view current during a run.

    The run's events (``on_run_progress``) set the attempt in progress; a half-second tick, only while
    the view is shown, moves the timer, polls the watched folders and picks up the observations the
    runner has committed (each step's values are written when the step ends).
    """

    exam_progress: ExamProgress | None = None
    _exam_watch: FolderWatch | None = None

    @property
    def exam_mode(self) -> bool:
        """The bench runs the editor's application: operator mode, a watched folder or a SUT profile."""
        options = self.campaign_options
        return options.bench.engine == "operator" or bool(self.exam_folders())

    def setup_exam(self) -> None:
        """The exam tab shows in exam mode; elsewhere it stays out of the tab bar until ``7`` asks for it
        (an 80-column terminal has room for six tabs beside the tree)."""
        if not self.exam_mode:
            self.query_one("#views", TabbedContent).hide_tab("exam")
        self.set_interval(0.5, self.exam_tick)  # the timer and the folder poll (idle while the view is hidden)

    def reveal_exam(self) -> None:
        self.query_one("#views", TabbedContent).show_tab("exam")

    def exam_profile(self) -> SutProfile | None:
        """The SUT profile (``--sut-profile``), loaded as the campaign loads it; a bad one is the run's to say."""
        with contextlib.suppress(CampaignError):
            apply_profile(self.campaign_options)
        return self.campaign_options.bench.profile

    def exam_folders(self) -> list[Path]:
        """The folders the application writes into: ``--watch`` and the SUT profile's outputs."""
        bench = self.campaign_options.bench
        profile = self.exam_profile()
        outputs = list(profile.outputs.values()) if profile is not None else []
        return [bench.watch_dir, *outputs] if bench.watch_dir else outputs

    def exam_watch(self) -> FolderWatch:
        if self._exam_watch is None:
            self._exam_watch = FolderWatch(self.exam_folders())
            self._exam_watch.start()
        return self._exam_watch

    def exam_files(self, progress: ExamProgress | None, recorded: bool) -> list[FolderFile]:
        """The watched folders' files beside the attempt in progress (``progress``). Beside another attempt the
        folders are as the last case run left them: an attempt that kept files shows only those (``recorded``:
        « pièce enregistrée »), else the folders' files, none « nouveau » (the last case's step wrote them)."""
        files = self.exam_watch().files()
        if progress is not None:
            return files
        return [] if recorded else [dataclasses.replace(file, new=False) for file in files]

    def exam_event(self, event: RunEvent) -> None:
        """The attempt in progress, as the runner tells it."""
        if isinstance(event, CaseStarted):
            spent = self._time_already_spent(event.case, event.attempt_id)
            self.exam_progress = ExamProgress(event.case, event.attempt_id, started=time.monotonic() - spent)
            self.exam_watch().start()  # what is there now is not this case's evidence
        elif isinstance(event, StepStarted) and self.exam_progress is not None:
            self.exam_progress.step = event.step
            # « nouveau » is what this step wrote, not the step before; a continued step's, since it began
            self.exam_watch().start(self._written_while_closed(self.exam_progress.attempt_id, event.step.id))
        elif isinstance(event, OutputsAwaited) and self.exam_progress is not None:
            self.exam_progress.awaiting = event  # the step line says it, the timer's tick counts it down
        elif isinstance(event, StepFinished) and self.exam_progress is not None:
            self.exam_progress.awaiting = None
        elif isinstance(event, CaseFinished) and self.exam_progress is not None:
            self.exam_progress.finished = time.monotonic()
            self.exam_progress.end = AttemptEnd(event.outcome.verdict.value, event.outcome.reason)
        if self.active_view != "exam":
            return
        if isinstance(event, TracesCaptured):  # the application wrote lines: only the log pane changes
            self.query_one("#exam-view", ExamView).show_log(self.trace_source(), self._exam_subject()[1])
        else:
            self.refresh_exam()

    def _time_already_spent(self, case: Case, attempt_id: int) -> float:
        """The seconds an attempt this run continues had already run (0 for a new one), as the session said before
        the run took it up (the workstation's copy is read again only once the case ends): the timer then counts
        the attempt's whole duration, as the session and the exam book do, not only the part after the pause."""
        entry = self.ws.entry(self._key_of(case) or ("", ""))
        if entry is None or entry.view is None:
            return 0.0
        attempt = next((a for a in entry.view.attempts if a.id == attempt_id), None)
        if attempt is None:
            return 0.0
        if attempt.duration_ms is not None:
            return attempt.duration_ms / 1000
        # a killed process recorded no duration: to the attempt's last recorded moment, as the session counts it
        # when the run takes the attempt up again (``SessionStore.reopen_attempt``)
        last = self._last_recorded_moment(attempt.id)
        return max(0.0, max(last or 0.0, attempt.ended_wall or 0.0, attempt.started_wall) - attempt.started_wall)

    def _last_recorded_moment(self, attempt_id: int) -> float | None:
        """The wall time of the attempt's last event recorded before this run (the store's query on the open
        session); None when there is none or the session cannot be read now."""
        from testbench.store.connection import READ_FAILURES

        session = self.ws.session
        if session is None:
            return None
        try:
            return session.last_event_before_latest_run(attempt_id)
        except READ_FAILURES:
            return None

    def _written_while_closed(self, attempt_id: int, step_id: str) -> list[Path]:
        """The files the application wrote for a continued step while the bench was closed on it, as the run kept
        them in the session before it began (``runner.resume.GAP_META``, assisted mode); none for another step."""
        from testbench.engines.operator.assisted import snapshot_from  # the runner's reading of that listing
        from testbench.runner.resume import GAP_META, gap_files
        from testbench.store.read import recorded_meta

        meta = recorded_meta(self.ws.session_path, GAP_META) or {}
        listing = gap_files(meta.get(GAP_META), attempt_id, step_id) or {}
        return [path for files in listing.values() for path in snapshot_from(files)]

    def exam_tick(self) -> None:
        if not self.is_running or self._closing:  # the interval may fire while the app quits: no screen left
            return
        if self.active_view == "exam" and self.exam_progress is not None and self.exam_progress.finished is None:
            self.refresh_exam(log=False)

    def _exam_subject(self) -> tuple[Case | None, int | None]:
        """The running case while it runs (and its attempt once done, until another is chosen), else the
        selected case's chosen attempt (the session is re-read a moment after a case ends)."""
        progress, entry = self.exam_progress, self.current_entry()
        if progress is not None and (
            progress.finished is None
            or entry is None
            or (entry.case is progress.case and entry.key not in self.attempt_choice)
        ):
            return progress.case, progress.attempt_id
        if entry is None:
            return None, None
        attempt = self.chosen_attempt(entry)
        return entry.case, attempt.id if attempt else None

    def _casebook_of(self, case: Case) -> Casebook | None:
        """The casebook ``case`` comes from: its fixtures (the patient a step bills) are said beside its steps."""
        entry = self.ws.entry(self._key_of(case) or ("", ""))
        return entry.casebook if entry is not None else None

    def _recorded_end(self, case: Case, attempt_id: int | None) -> AttemptEnd | None:
        """How an attempt of the session ended (an earlier one, or one of an earlier run), as recorded."""
        entry = self.ws.entry(self._key_of(case) or ("", ""))
        if entry is None or entry.view is None:
            return None
        attempt = next((a for a in entry.view.attempts if a.id == attempt_id), None)
        if attempt is None or attempt.ended_wall is None:
            return None
        duration = attempt.duration_ms / 1000 if attempt.duration_ms is not None else None
        # whatever this bench's engine: an operator bench would take the attempt up again where it stopped
        continues = attempt is entry.view.latest and self.ws.continuation(entry, OPERATOR_ENGINE) is not None
        return AttemptEnd(attempt.verdict, attempt.reason, duration, continues)

    @reads_session
    def refresh_exam(self, log: bool = True) -> None:
        t = self.t
        view = self.query_one("#exam-view", ExamView)
        # the log's first time is the bench's capture, in UTC, beside the line's own (the application's clock and
        # zone): say which is which, as the traces view does, or 03:22 beside 04:22 reads as a fault
        log_title = t("Journal de l'application") + " — " + t("heure du banc (UTC)")
        view.set_titles(t("Valeurs attendues"), t("Dossiers surveillés"), log_title)
        case, attempt_id = self._exam_subject()
        if case is None:
            view.show("", "", "", "")
            return
        session = self.ws.session
        observations = session.observations(attempt_id) if session is not None and attempt_id is not None else []
        recorded = session.artifacts(attempt_id) if session is not None and attempt_id is not None else []
        progress = self.exam_progress
        if progress is not None and progress.attempt_id != attempt_id:  # an earlier attempt: no timer of its own
            progress = None
        profile = self.exam_profile()
        guidance = profile.guidance if profile is not None else None
        end = progress.end if progress is not None else self._recorded_end(case, attempt_id)
        ended = end is not None and end.over
        view.show(
            exam.header(case, progress, t, guidance, self.lang),
            exam.step_line(case, progress, t, end=end),
            exam.values_table(exam.expected_values(case, observations, t, self.lang, ended=ended), t),
            exam.files_text(recorded, self.exam_files(progress, bool(recorded)), t, self.lang),
            exam.ahead(
                progress,
                t,
                guidance,
                self.lang,
                self._casebook_of(case),
                upcoming=case.steps[0] if attempt_id is None and case.steps else None,  # never run: what comes first
            ),
        )
        if log:
            view.show_log(self.trace_source(), attempt_id)
