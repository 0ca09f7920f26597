"""The run view (2) before any run since the workstation opened is never blank: its header says no run yet,
its log the session's last run (when, its cases by verdict)."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

from test_tui_app import text_of
from test_tui_helpers import make_app, run_log, wait_run

SIZE = (130, 40)


def test_the_run_view_says_the_last_run_when_reopened(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("2")
            await pilot.pause()
            assert text_of(app, "#run-status") == "Aucune exécution dans cette session"
            await pilot.press("1")
            app.goto_case(app.ws.find("TC-OK-001").key)
            await pilot.pause()
            await pilot.press("r")
            await wait_run(app, pilot)

        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("2")
            await pilot.pause()
            assert text_of(app, "#run-status") == "Aucune exécution depuis l'ouverture"
            log = run_log(app)
            assert "dernière exécution : " in log and " UTC — 1 cas ✔ réussi 1" in log

    asyncio.run(scenario())
