"""A closed terminal (SIGHUP) while the values read are shown: the values stay as read — the attempt goes on from
what the application wrote —, but nobody accepted them, and the record says so; what was typed in the window and
never confirmed (a correction, its reason) is said with the step, never applied and never silently lost. Pilot,
assisted operator mode on a stand-in application: real files, a real log, a real signal, the session on disk."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import signal
from pathlib import Path
from typing import Any

import pytest
from test_assisted_engine import StandInApplication
from test_tui_assisted import TIMEOUT, _application, _until, confirm
from test_tui_hangup import hangups_recorded

from testbench.cli.main import main
from testbench.i18n import translator
from testbench.store.read import read_session
from testbench.traces.bench_text import trace_text

HANGUP = getattr(signal, "SIGHUP", None)
pytestmark = pytest.mark.skipif(HANGUP is None, reason="no SIGHUP on this system (Windows)")
UNREVIEWED = (
    "valeurs lues gardées telles quelles, sans revue : l'exécution s'est arrêtée pendant qu'elles étaient montrées"
)


def test_a_hangup_over_the_values_read_keeps_them_as_read_and_says_nobody_accepted_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual.widgets import Input

    from testbench.tui.app import WorkstationApp
    from testbench.tui.screens import AttestScreen, ExtractedScreen

    monkeypatch.setenv("TESTBENCH_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    app_dir, book = _application(tmp_path)
    application = StandInApplication(app_dir)  # writes an AMO of 33.00 where the screen shows 33.60
    session = tmp_path / "s.tbsession"
    seen: dict[str, Any] = {}

    async def scenario(app: WorkstationApp) -> None:
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find("T-FIX").key)
            await pilot.press("r")
            await _until(pilot, lambda: isinstance(app.screen, AttestScreen), "the bench asks for the invoice")
            application.perform(app.screen.request.case, app.screen.request.step)
            await confirm(app, pilot)
            await _until(pilot, lambda: isinstance(app.screen, ExtractedScreen), "the values read are shown")
            window = app.screen
            n = [item.path for item in window.request.extracted].index("invoice.totals.amo")
            await _until(pilot, lambda: bool(window.query(f"#reason-{n}")), "the values read drawn")
            window.query_one(f"#value-{n}", Input).value = "33,60"
            window.query_one(f"#reason-{n}", Input).value = "lu à l'écran"
            await pilot.pause()
            signal.raise_signal(HANGUP)  # the terminal closed: nobody confirms anything
            for _ in range(100):
                await pilot.pause(0.05)
                if not app.is_running:
                    break
            seen["quit"] = not app.is_running

    def drive(self: WorkstationApp, *args: object, **kwargs: object) -> int:
        asyncio.run(scenario(self))
        return 0

    monkeypatch.setattr(WorkstationApp, "run", drive)
    argv = ["ui", str(book), "--session", str(session), "--cards", "inprocess", "--engine", "operator"]
    argv += ["--engine-timeout", str(TIMEOUT), "--sut-profile", str(app_dir / "sut.toml")]
    with hangups_recorded():
        main(argv)
    assert seen["quit"]

    with read_session(session) as view:
        case = next(c for c in view.cases if c.case_id == "T-FIX")
        observed = {o["path"]: o for o in view.observations(case.latest.id)}
        texts = [line.text for line in view.trace_lines(case.latest.id) if line.step_id == "s-invoice"]
    amo = observed["invoice.totals.amo"]
    assert (amo["value"], amo["source"]) == ("33.00", "extraction")  # as read: the correction was never confirmed
    said = [text for text in texts if UNREVIEWED in text]
    assert len(said) == 1, texts
    typed = [text for text in texts if "correction tapée, non confirmée" in text]
    assert typed and typed[0].endswith(
        "correction tapée, non confirmée : invoice.totals.amo = 33,60 (motif : lu à l'écran)"
    ), typed
    english = trace_text("bench", typed[0], translator("en"))
    assert "correction typed, not confirmed: invoice.totals.amo = 33,60 (reason: lu à l'écran)" in english, english
    english = trace_text("bench", said[0], translator("en"))
    assert "values read kept as they were, without review: the run stopped while they were shown" in english, english
