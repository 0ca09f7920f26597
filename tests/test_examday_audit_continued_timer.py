"""The exam view's timer of a continued operator attempt counts the time before the interruption.

Assisted operator mode in the workstation (Pilot), on the stand-in application of the assisted tests (real files,
a real log, the real capture and session file). The engineer performs T-A's invoice, spends a while at its
securing, then quits (ctrl+q). A new workstation continues the attempt at s-secure: the exam view's « durée »
starts from the time already spent, not from 00:00, and once the case ends it says what the session (and so the
exam book) records as the attempt's duration.
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path
from typing import Any

import pytest
from test_assisted_engine import CASE, CASEBOOK, StandInApplication
from test_tui_assisted import _application, _until, confirm

from testbench.cli.main import main
from testbench.store.read import read_session

SPENT = 2.5  # seconds the engineer spends at the securing step before quitting


def test_a_continued_attempt_s_timer_counts_the_time_before_the_interruption(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from test_tui_helpers import wait_run

    from testbench.tui.app import WorkstationApp
    from testbench.tui.screens import AttestScreen, ContinueScreen, ExtractedScreen

    monkeypatch.setenv("TESTBENCH_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    app_dir, book = _application(tmp_path)
    book.write_text(CASEBOOK.format(cases=CASE.format(id="T-A")), encoding="utf-8")
    application = StandInApplication(app_dir)
    seen: dict[str, Any] = {}

    async def asked_for(app: WorkstationApp, pilot: Any, step_id: str) -> None:
        await _until(pilot, lambda: isinstance(app.screen, AttestScreen), f"the bench asks for {step_id}")
        assert app.screen.request.step.id == step_id

    async def perform(app: WorkstationApp, pilot: Any, step_id: str) -> None:
        await asked_for(app, pilot, step_id)
        application.perform(app.screen.request.case, app.screen.request.step)
        if step_id == "s-invoice":
            app.screen.query_one("#value-0").focus()
            await pilot.press(*"0.00")
        await confirm(app, pilot)
        if step_id in ("s-invoice", "s-lot"):
            await _until(pilot, lambda: isinstance(app.screen, ExtractedScreen), f"{step_id}'s values are shown")
            await pilot.press("escape")

    async def first(app: WorkstationApp) -> None:
        async with app.run_test(size=(140, 44)) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find("T-A").key)
            await pilot.press("7", "r")
            await perform(app, pilot, "s-invoice")
            await asked_for(app, pilot, "s-secure")
            await asyncio.sleep(SPENT)  # the engineer looks for the invoice in the application
            await pilot.press("ctrl+q")
            await app.workers.wait_for_complete()

    async def second(app: WorkstationApp) -> None:
        async with app.run_test(size=(140, 44)) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find("T-A").key)
            await pilot.press("7", "r")
            await _until(pilot, lambda: isinstance(app.screen, ContinueScreen), "the choice is offered")
            await pilot.press("enter")
            await asked_for(app, pilot, "s-secure")
            seen["at_continue"] = app.exam_progress.elapsed()
            await perform(app, pilot, "s-secure")
            await perform(app, pilot, "s-lot")
            await wait_run(app, pilot)
            seen["at_end"] = app.exam_progress.elapsed()

    scenarios = iter([first, second])

    def drive(self: WorkstationApp, *args: object, **kwargs: object) -> int:
        asyncio.run(next(scenarios)(self))
        return 0

    monkeypatch.setattr(WorkstationApp, "run", drive)
    session = tmp_path / "s.tbsession"
    argv = ["ui", str(book), "--session", str(session), "--cards", "inprocess", "--engine", "operator"]
    argv += ["--engine-timeout", "2", "--sut-profile", str(app_dir / "sut.toml")]
    for _ in range(2):
        assert main(argv) == 0

    assert seen["at_continue"] >= SPENT, seen  # not 00:00: the attempt had run before the pause
    with read_session(session) as view:
        case = next(c for c in view.cases if c.case_id == "T-A")
        [attempt] = case.attempts
        recorded = attempt.duration_ms / 1000
    assert attempt.verdict == "pass"
    assert abs(seen["at_end"] - recorded) < 1.0, (seen, recorded)  # the screen says what the book says
