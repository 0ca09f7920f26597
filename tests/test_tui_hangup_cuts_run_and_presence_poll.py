"""A workstation whose terminal closes (SIGHUP) mid-case stops at once, its case cut as ^C cuts ``testbench run``
(« interrompue » at the next opening, its engine killed) — it ran on ≈ 20 s in the background, holding the session,
so that a workstation reopened meanwhile waited with a blank screen. And a workstation opened beside another one
withdraws its « another workstation has this session open » warning once the other has gone."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import signal
import sys
import time
from pathlib import Path

import pytest
from test_tui_app import select
from test_tui_helpers import fake_bench, run_log, sample_casebook
from test_tui_quit_hung_engine_cut import HANGING, _alive

from testbench.interrupts import SIGHUP
from testbench.runner.assemble import BenchOptions
from testbench.runner.options import CampaignOptions
from testbench.runner.reasons import INTERRUPTED
from testbench.store.read import read_session
from testbench.tui.config import Settings, UiState
from testbench.tui.workstation import ANOTHER_WORKSTATION, Workstation

SIZE = (120, 36)


@pytest.mark.skipif(SIGHUP is None, reason="no SIGHUP on this system")
def test_a_hang_up_during_an_engine_call_quits_at_once_the_case_interrupted(tmp_path: Path) -> None:
    engine = tmp_path / "fe.py"
    engine.write_text(HANGING, encoding="utf-8")
    session = tmp_path / "s.tbsession"
    bench = BenchOptions(engine=f"{sys.executable} {engine}", cards="inprocess", engine_timeout=60.0)
    seen: dict[str, object] = {}

    async def scenario() -> None:
        from testbench.tui.app import WorkstationApp

        app = WorkstationApp(
            Workstation([sample_casebook(tmp_path)], session),
            settings=Settings(operator="Opératrice Test"),
            state=UiState(tmp_path / "config"),
            options=CampaignOptions(bench=bench),
        )
        app.animation_level = "none"
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await select(app, pilot, "TC-KO-002")
            await pilot.press("r")
            deadline = time.monotonic() + 20
            while not any(getattr(b.engine, "running", False) for b in app._benches):
                assert time.monotonic() < deadline, run_log(app)
                await pilot.pause(0.05)
            await pilot.pause(1.0)
            [seen["pid"]] = [b.engine.pid for b in app._benches]
            started = time.monotonic()
            seen["cut_at"] = started
            signal.raise_signal(SIGHUP)
            while app.is_running and time.monotonic() - started < 10:
                await pilot.pause(0.05)
        seen["closed_s"] = time.monotonic() - started
        seen["code"] = app.return_code

    previous = signal.signal(SIGHUP, lambda _signum, _frame: None)  # the test process never dies of it
    try:
        asyncio.run(scenario())  # its end waits for the run's thread
        seen["ended_s"] = time.monotonic() - float(seen["cut_at"])
    finally:
        signal.signal(SIGHUP, previous)
    assert seen["code"] == 2 and seen["closed_s"] < 10 and seen["ended_s"] < 10, seen  # cut, not waited for (60 s)
    assert not _alive(int(seen["pid"]))
    with read_session(session) as view:
        [attempt] = next(c for c in view.cases if c.case_id == "TC-KO-002").attempts
        assert attempt.verdict == "none", attempt
    reopened = Workstation([sample_casebook(tmp_path)], session)
    reopened.prepare()
    try:
        latest = reopened.find("TC-KO-002").latest
        assert latest is not None and latest.reason == INTERRUPTED
    finally:
        reopened.close()


def test_the_other_workstation_gone_its_warning_is_withdrawn(tmp_path: Path) -> None:
    casebook = sample_casebook(tmp_path)
    session = tmp_path / "s.tbsession"
    first = Workstation([casebook], session)
    assert ANOTHER_WORKSTATION not in first.prepare()

    async def scenario() -> str:
        from testbench.tui.app import WorkstationApp

        app = WorkstationApp(
            Workstation([casebook], session),
            bench_factory=fake_bench,
            settings=Settings(operator="Opératrice Test"),
            state=UiState(tmp_path / "config"),
        )
        app.animation_level = "none"
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert ANOTHER_WORKSTATION in app.notes
            first.close()  # the other workstation quits
            deadline = time.monotonic() + 10
            while ANOTHER_WORKSTATION in app.notes and time.monotonic() < deadline:
                await pilot.pause(0.1)
            third = Workstation([casebook], session)
            try:
                assert ANOTHER_WORKSTATION in third.prepare()  # this one holds the session now: a third one is told
            finally:
                third.close()
            await pilot.pause()
            toasts = [n.message for n in app._notifications]
            assert app.t(ANOTHER_WORKSTATION) not in toasts
            return run_log(app)

    log = asyncio.run(scenario())
    assert "✔ L'autre poste d'examen a fermé cette session : ce poste est maintenant le seul à l'avoir ouverte" in log
