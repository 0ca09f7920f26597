"""Exam-day rehearsal: a note typed in an operator step's window and confirmed is not offered again.

In operator mode the window of an engine step (the invoice) ends with the step « done », not « manual-confirmed »:
its draft (what was typed, kept against a killed terminal) stayed on disk after the answer was recorded, and the next
attempt of the case opened that step with « Valeurs récupérées : tapées … pas encore confirmées » and the earlier
attempt's note filled in, ready to be recorded again. Once a step is answered its draft goes, whatever came of it
(Pilot, assisted operator mode on a stand-in application: real files, a real log, the real session and drafts file).
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path
from typing import Any

import pytest
from test_assisted_engine import StandInApplication
from test_tui_assisted import TIMEOUT, _application, _until, confirm

from testbench.cli.main import main


def test_a_confirmed_operator_step_leaves_no_draft_for_the_next_attempt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from test_tui_helpers import wait_run
    from textual.widgets import Input

    from testbench.tui.app import WorkstationApp
    from testbench.tui.screens import AttestScreen, ContinueScreen, ExtractedScreen

    monkeypatch.setenv("TESTBENCH_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    app_dir, book = _application(tmp_path)
    application = StandInApplication(app_dir)
    seen: dict[str, Any] = {}

    async def scenario(app: WorkstationApp) -> None:
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            key = app.ws.find("T-FIX").key
            app.goto_case(key)
            await pilot.press("r")
            await _until(pilot, lambda: isinstance(app.screen, AttestScreen), "the invoice step's window")
            await _until(pilot, lambda: bool(app.screen.query("#note")), "its window drawn")
            window = app.screen
            window.query_one("#note", Input).focus()
            await pilot.press(*"saisie ecran")
            await _until(pilot, lambda: app.ws.draft(key, "s-invoice") is not None, "the note kept as a draft")
            application.perform(window.request.case, window.request.step)
            await confirm(app, pilot)
            await _until(pilot, lambda: isinstance(app.screen, ExtractedScreen), "the values read")
            await pilot.press("escape")  # accepted as read
            await _until(pilot, lambda: isinstance(app.screen, AttestScreen), "the securing step's window")
            await pilot.press("ctrl+t", "ctrl+t")  # stopped there: the securing step stays pending
            await wait_run(app, pilot)
            seen["draft after the answer"] = app.ws.draft(key, "s-invoice")
            await pilot.press("r")
            await _until(pilot, lambda: isinstance(app.screen, ContinueScreen), "the continue window")
            await pilot.press("n")  # a new attempt from step 1
            await _until(pilot, lambda: isinstance(app.screen, AttestScreen), "the invoice step asked again")
            await _until(pilot, lambda: bool(app.screen.query("#note")), "its window drawn")
            again = app.screen
            seen["note offered"] = again.query_one("#note", Input).value
            seen["recovered"] = again.recovered
            await pilot.press("ctrl+t", "ctrl+t")
            await wait_run(app, pilot)

    def drive(self: WorkstationApp, *args: object, **kwargs: object) -> int:
        asyncio.run(scenario(self))
        return 0

    monkeypatch.setattr(WorkstationApp, "run", drive)
    argv = ["ui", str(book), "--session", str(tmp_path / "s.tbsession"), "--cards", "inprocess"]
    argv += ["--engine", "operator", "--engine-timeout", str(TIMEOUT), "--sut-profile", str(app_dir / "sut.toml")]
    assert main(argv) == 0

    assert seen["draft after the answer"] is None, seen
    assert seen["note offered"] == "" and seen["recovered"] is False, seen
