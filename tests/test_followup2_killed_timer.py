"""The exam view's timer of an attempt continued after a killed process (no duration recorded) counts from the
attempt's start to its last recorded event, as the session does when the run takes the attempt up again — not
from 00:00.

A real child process runs the workstation (Pilot) in assisted operator mode on the stand-in application of the
assisted tests: the engineer performs T-A's invoice slowly, the bench asks for the securing, and the process
dies there without a word (``os._exit``: nothing closes the attempt). A new workstation continues the attempt.
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from test_assisted_engine import CASE, CASEBOOK, StandInApplication
from test_tui_assisted import _application, _until, confirm

from testbench.cli.main import main
from testbench.store.read import read_session

SLOW = 2.0  # seconds the engineer spends on the invoice before confirming it: recorded before the kill
CLOSED = 3.0  # seconds the bench stays closed after the kill: not the attempt's time

#: the first workstation, in its own process: the invoice performed slowly, then the process dies at s-secure
CHILD = textwrap.dedent(
    """
    import asyncio, os, sys
    from pathlib import Path
    from test_assisted_engine import StandInApplication
    from test_tui_assisted import _until, confirm
    from testbench.cli import ui_cmd
    from testbench.cli.main import main
    from testbench.tui.app import WorkstationApp
    from testbench.tui.screens import AttestScreen, ExtractedScreen

    app_dir, slow, argv = Path(sys.argv[1]), float(sys.argv[2]), sys.argv[3:]
    application = StandInApplication(app_dir)

    async def scenario(app):
        async with app.run_test(size=(140, 44)) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find("T-A").key)
            await pilot.press("7", "r")
            # the window and its fields, mounted (a loaded machine pushes the screen before it composes it)
            asked = lambda: isinstance(app.screen, AttestScreen) and app.screen.query("#value-0")  # noqa: E731
            await _until(pilot, asked, "s-invoice asked")
            application.perform(app.screen.request.case, app.screen.request.step)
            app.screen.query_one("#value-0").focus()
            await pilot.press(*"0.00")
            await asyncio.sleep(slow)
            await confirm(app, pilot)
            await _until(pilot, lambda: isinstance(app.screen, ExtractedScreen), "the values shown")
            await pilot.press("escape")
            await _until(pilot, lambda: isinstance(app.screen, AttestScreen), "s-secure asked")
            assert app.screen.request.step.id == "s-secure"
            os._exit(9)  # killed: nothing records the attempt's end nor its duration

    ui_cmd.has_terminal = lambda: True  # Pilot is its terminal, as the tests' own fixture says
    WorkstationApp.run = lambda self, *a, **k: asyncio.run(scenario(self))
    main(argv)
    sys.exit(1)  # not reached: the scenario ends the process
    """
)


def _killed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, list[str], float]:
    """T-A's attempt left by a killed workstation at s-secure: the application's folder, the session, the
    workstation's command line, and the wall time of the attempt's last recorded event."""
    monkeypatch.setenv("TESTBENCH_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    app_dir, book = _application(tmp_path)
    book.write_text(CASEBOOK.format(cases=CASE.format(id="T-A")), encoding="utf-8")
    session = tmp_path / "s.tbsession"
    argv = ["ui", str(book), "--session", str(session), "--cards", "inprocess", "--engine", "operator"]
    argv += ["--engine-timeout", "2", "--sut-profile", str(app_dir / "sut.toml")]
    tests = Path(__file__).resolve().parent
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tests), os.environ.get("PYTHONPATH", "")])}
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(app_dir), str(SLOW), *argv], env=env, capture_output=True, timeout=120
    )
    assert child.returncode == 9, child.stderr.decode(errors="replace")[-3000:]
    with read_session(session) as view:
        [before] = next(c for c in view.cases if c.case_id == "T-A").attempts
        last = max(e["wall"] for e in view.events(before.id))
    assert before.duration_ms is None  # the kill left no duration: the case this timer is for
    assert last - before.started_wall >= SLOW
    return app_dir, session, argv, last


def test_a_killed_attempt_s_timer_counts_to_its_last_recorded_event(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from test_tui_helpers import wait_run

    from testbench.tui.app import WorkstationApp
    from testbench.tui.screens import AttestScreen, ContinueScreen, ExtractedScreen

    app_dir, session, argv, last = _killed(tmp_path, monkeypatch)
    with read_session(session) as view:
        spent_before = last - next(c for c in view.cases if c.case_id == "T-A").attempts[0].started_wall
    time.sleep(CLOSED)
    application = StandInApplication(app_dir)
    seen: dict[str, Any] = {}

    async def perform(app: WorkstationApp, pilot: Any, step_id: str) -> None:
        await _until(pilot, lambda: isinstance(app.screen, AttestScreen), f"the bench asks for {step_id}")
        assert app.screen.request.step.id == step_id
        application.perform(app.screen.request.case, app.screen.request.step)
        await confirm(app, pilot)
        if step_id == "s-lot":
            await _until(pilot, lambda: isinstance(app.screen, ExtractedScreen), f"{step_id}'s values are shown")
            await pilot.press("escape")

    async def second(app: WorkstationApp) -> None:
        async with app.run_test(size=(140, 44)) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find("T-A").key)
            await pilot.press("7", "r")
            await _until(pilot, lambda: isinstance(app.screen, ContinueScreen), "the choice is offered")
            await pilot.press("enter")
            await _until(pilot, lambda: isinstance(app.screen, AttestScreen), "the bench asks for s-secure")
            seen["at_continue"] = app.exam_progress.elapsed()
            await perform(app, pilot, "s-secure")
            await perform(app, pilot, "s-lot")
            await wait_run(app, pilot)
            seen["at_end"] = app.exam_progress.elapsed()

    def drive(self: WorkstationApp, *args: object, **kwargs: object) -> int:
        asyncio.run(second(self))
        return 0

    monkeypatch.setattr(WorkstationApp, "run", drive)
    assert main(argv) == 0

    # from the attempt's start to its last recorded event, not 00:00 — nor the time the bench stayed closed
    assert spent_before <= seen["at_continue"] < spent_before + CLOSED / 2, (seen, spent_before)
    with read_session(session) as view:
        [attempt] = next(c for c in view.cases if c.case_id == "T-A").attempts
    assert attempt.verdict == "pass"
    assert abs(seen["at_end"] - attempt.duration_ms / 1000) < 1.0, seen  # the screen says what the book says


def test_the_continuing_run_s_own_events_are_not_the_time_before_the_pause(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The run that continues the attempt may have recorded its first step when the timer starts: the last
    recorded moment is the earlier runs' (else the time the bench stayed closed would count)."""
    from testbench.store.session import SessionStore
    from testbench.tui.exam_view import ExamHandlers

    _, session, _, last = _killed(tmp_path, monkeypatch)
    time.sleep(0.5)
    with SessionStore.open(session, create=False) as store, read_session(session) as view:
        [attempt] = next(c for c in view.cases if c.case_id == "T-A").attempts
        run_id = store.begin_run(["testbench", "ui"], {}, {})
        store.reopen_attempt(attempt.id)
        store.add_event("step-started", {}, run_id=run_id, attempt_id=attempt.id, step_id="s-secure")
        workstation = SimpleNamespace(ws=SimpleNamespace(session=view))  # the open view reads the file as it is now
        assert ExamHandlers._last_recorded_moment(workstation, attempt.id) == last  # type: ignore[arg-type]
    gone = SimpleNamespace(ws=SimpleNamespace(session=None))
    assert ExamHandlers._last_recorded_moment(gone, 1) is None  # type: ignore[arg-type]  # no session: none
