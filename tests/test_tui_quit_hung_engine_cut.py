"""Ctrl+Q while an external engine call hangs: the workstation says, in itself, that it waits for the case under way
(up to ``--engine-timeout``) and that Ctrl+Q again stops it now; Ctrl+Q again kills the engine and quits at once, the
case left without a verdict, « interrompue » when the session is opened again, as ^C leaves ``testbench run``'s. It
used to clear the screen and stay silent until the engine's timeout (≈ 60 s), then exit 0."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import sys
import time
from pathlib import Path

from test_tui_app import select
from test_tui_helpers import run_log, sample_casebook

from testbench.runner.assemble import BenchOptions
from testbench.runner.options import CampaignOptions
from testbench.runner.reasons import INTERRUPTED
from testbench.store.read import read_session
from testbench.tui.config import Settings, UiState
from testbench.tui.workstation import Workstation

SIZE = (120, 36)
#: an engine that starts, then never answers a call (but ``shutdown``)
HANGING = """
import json, sys, time
for raw in sys.stdin.buffer:
    msg = json.loads(raw)
    if msg.get("method") == "initialize":
        result = {"protocol_version": "1", "engine": {"name": "hang", "version": "0", "capabilities": []}}
        sys.stdout.write(json.dumps({"jsonrpc": "2.0", "id": msg["id"], "result": result}) + "\\n")
        sys.stdout.flush()
    elif msg.get("method") == "shutdown":
        break
    else:
        time.sleep(3600)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_ctrl_q_over_a_hung_engine_says_it_waits_and_again_cuts_the_case_now(tmp_path: Path) -> None:
    engine = tmp_path / "fe.py"
    engine.write_text(HANGING, encoding="utf-8")
    session = tmp_path / "th.tbsession"
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
            await pilot.pause(1.0)  # its first call sent, unanswered
            [pid] = [b.engine.pid for b in app._benches]
            seen["pid"] = pid
            await pilot.press("ctrl+q")
            await pilot.pause(0.5)
            assert app.is_running and app.return_code is None  # still there, saying why
            log = run_log(app)
            assert "fermeture : attente de la fin du cas en cours (jusqu'à 60 s si le moteur ne répond pas)" in log
            assert "Ctrl+Q encore pour l'arrêter maintenant (le cas restera interrompu)" in log
            started = time.monotonic()
            seen["cut_at"] = started
            await pilot.press("ctrl+q")
            while app.is_running and time.monotonic() - started < 10:
                await pilot.pause(0.05)
            seen["quit_s"] = time.monotonic() - started
        seen["closed_s"] = time.monotonic() - started

    asyncio.run(scenario())  # its end waits for the run's thread
    seen["ended_s"] = time.monotonic() - float(seen["cut_at"])
    assert seen["closed_s"] < 10 and seen["ended_s"] < 10, seen  # not the engine's 60 s
    assert not _alive(int(seen["pid"]))  # the engine killed, not left behind
    with read_session(session) as view:
        [attempt] = next(c for c in view.cases if c.case_id == "TC-KO-002").attempts
        assert attempt.verdict == "none", attempt  # no verdict: not an engine fault charged to the case
    reopened = Workstation([sample_casebook(tmp_path)], session)
    reopened.prepare()
    try:
        latest = reopened.find("TC-KO-002").latest
        assert latest is not None and latest.reason == INTERRUPTED
    finally:
        reopened.close()
