"""The workstation follows its session file and its traces through its own runs and its casebook's saves (pilot
tests on the demo casebook, the reference engine in process):

- a session altered by another process while the workstation's own run is under way (no poll compares the files
  then: the run writes them too) is checked once the run ends, and said;
- an altered session is said once per alteration, not again at each poll that reads something new;
- a casebook saved while the traces are shown leaves the linked panes on the line the engineer was on.
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from test_tui_app import text_of
from test_tui_helpers import run_log, toasts, traces_indexed, wait_run
from test_tui_snapshots import noticed
from test_tui_watch_between_polls import cli_run

from testbench.casebook.problems import read_casebooks
from testbench.paths import CASEBOOKS_DIR
from testbench.runner.assemble import BenchOptions
from testbench.tui import session_watch
from testbench.tui.config import Settings, UiState
from testbench.tui.execution import assembled_bench
from testbench.tui.screens import AttestScreen
from testbench.tui.traceview import TracePanes
from testbench.tui.workstation import Workstation

SIZE = (130, 40)
ALTERED = "ATTENTION : session altérée : des enregistrements ont été modifiés après coup"
#: another process rewrites an attempt's reason without the journal chain (as an edit with a SQLite tool would)
REWRITE = """
import sqlite3, sys
with sqlite3.connect(sys.argv[1]) as conn:
    conn.execute("UPDATE attempts SET reason = 'modifié' WHERE case_id = ?", (sys.argv[2],))
conn.close()
"""
#: another process changes the session file's times, not its content
TOUCH = "import os, sys, time; os.utime(sys.argv[1], (time.time() + 5, time.time() + 5))"


def demo_on(tmp: Path, session: Path, book: Path | None = None):
    """The demo casebook (or its copy ``book``) on the bench assembled in process, open on ``session``."""
    from testbench.tui.app import WorkstationApp

    states = read_casebooks([book or CASEBOOKS_DIR / "demo.xml"])
    ws = Workstation([s.casebook for s in states if s.casebook], session, states)
    app = WorkstationApp(
        ws,
        bench_factory=assembled_bench(BenchOptions(engine="inprocess", cards="inprocess")),
        settings=Settings(operator="Opératrice Test"),
        state=UiState(tmp / "cfg"),
    )
    app.animation_level = "none"
    return app


def rewrite(session: Path, case_id: str) -> None:
    subprocess.run([sys.executable, "-c", REWRITE, str(session), case_id], check=True)


async def settled(app, pilot) -> None:
    await asyncio.wait_for(app.workers.wait_for_complete(), timeout=30)
    await pilot.pause()
    await pilot.pause()


def test_a_session_altered_during_the_workstation_s_own_run_is_said_at_its_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(session_watch, "SESSION_POLL_S", 3600.0)  # the test polls itself
    session = tmp_path / "s.tbsession"
    cli_run(tmp_path, session, "DEMO-FSE-001")

    async def scenario() -> None:
        app = demo_on(tmp_path, session)
        async with app.run_test(size=SIZE) as pilot:
            await settled(app, pilot)
            assert not app.ws.altered
            app.goto_case(app.ws.find("DEMO-FSE-030").key)  # its manual step waits for the examiner
            await pilot.press("4")  # the traces of the attempt as the run writes it
            await pilot.press("r")
            for _ in range(300):
                await pilot.pause(0.05)
                if isinstance(app.screen, AttestScreen):
                    break
            assert isinstance(app.screen, AttestScreen) and app.running
            panes = app.query_one("#trace-panes", TracePanes)  # the run waits: its worker too, not the index's
            for _ in range(200):
                await pilot.pause(0.05)
                if panes.indexed:
                    break
            apdu = panes.view("apdu")
            assert panes.indexed and len(apdu) > 3
            apdu.go(3)  # the engineer reads a line of the running attempt
            rewrite(session, "DEMO-FSE-001")  # another process, while the run waits
            app._poll_session()  # the run writes the session too: no poll can tell whose write it sees
            await pilot.pause()
            assert ALTERED not in toasts(app)
            await pilot.press(*"true\t5.90\tfeuille conforme")
            await pilot.press("ctrl+s")
            await wait_run(app, pilot)
            await settled(app, pilot)
            assert app.ws.find("DEMO-FSE-030").verdict == "pass"
            assert apdu.cursor == 3  # the manual step's lines written, the run ended, read again: the same line
            assert ALTERED in toasts(app) and ALTERED in run_log(app)
            assert ALTERED in text_of(app, "#overview-detail")

    asyncio.run(scenario())


def test_a_session_altered_during_a_worker_of_the_workstation_is_said_once_it_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker of the workstation (a tool, the report) may hold the session's writer lock: the polls wait for it
    to end, then the next one follows what changed meanwhile."""
    monkeypatch.setattr(session_watch, "SESSION_POLL_S", 3600.0)  # the test polls itself
    session = tmp_path / "s.tbsession"
    cli_run(tmp_path, session, "DEMO-FSE-001")
    release = threading.Event()

    async def scenario() -> None:
        app = demo_on(tmp_path, session)
        async with app.run_test(size=SIZE) as pilot:
            await settled(app, pilot)
            app.run_worker(lambda: release.wait(30), thread=True, group="tool")  # a tool under way
            rewrite(session, "DEMO-FSE-001")
            app._poll_session()
            await pilot.pause()
            assert ALTERED not in toasts(app)
            release.set()
            await settled(app, pilot)
            app._poll_session()
            await settled(app, pilot)
            assert ALTERED in toasts(app) and ALTERED in run_log(app)

    asyncio.run(scenario())


def test_an_altered_session_is_said_once_per_alteration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(session_watch, "SESSION_POLL_S", 3600.0)  # the test polls itself
    session = tmp_path / "s.tbsession"
    cli_run(tmp_path, session, "id:DEMO-FSE-001 or id:DEMO-FSE-002")
    rewrite(session, "DEMO-FSE-001")

    async def poll(app, pilot) -> None:
        app._poll_session()
        await settled(app, pilot)

    async def scenario() -> None:
        app = demo_on(tmp_path, session)
        async with app.run_test(size=SIZE) as pilot:
            await settled(app, pilot)
            assert toasts(app).count(ALTERED) == 1
            said = app.ws.altered
            # another process touches the file (a backup, a copy keeping times): read again and checked again —
            # the same alteration, not said again
            subprocess.run([sys.executable, "-c", TOUCH, str(session)], check=True)
            await poll(app, pilot)
            assert app.ws.altered == said
            assert toasts(app).count(ALTERED) == 1 and run_log(app).count(ALTERED) == 1
            # the workstation's own read of the session (F2 draws everything again, a review): not said again
            await pilot.press("f2", "f2")
            await settled(app, pilot)
            assert run_log(app).count(ALTERED) == 1
            # another alteration: said, with its own line
            rewrite(session, "DEMO-FSE-002")
            await poll(app, pilot)
            assert len(app.ws.altered) > len(said)
            assert toasts(app).count(ALTERED) == 2 and run_log(app).count(ALTERED) == 2
            assert ALTERED in text_of(app, "#overview-detail")

    asyncio.run(scenario())


def test_a_casebook_saved_keeps_the_trace_panes_on_their_line(tmp_path: Path) -> None:
    books = tmp_path / "books"
    books.mkdir()
    shutil.copytree(CASEBOOKS_DIR / "cards", books / "cards")
    book = books / "demo.xml"
    shutil.copyfile(CASEBOOKS_DIR / "demo.xml", book)

    async def scenario() -> None:
        app = demo_on(tmp_path, tmp_path / "s.tbsession", book)
        async with app.run_test(size=SIZE) as pilot:
            await settled(app, pilot)
            assert await asyncio.to_thread(app.watch_ready.wait, 10)
            app.goto_case(app.ws.find("DEMO-FSE-001").key)
            await pilot.pause()
            await pilot.press("r")
            await wait_run(app, pilot)
            await pilot.press("4")
            panes: TracePanes = await traces_indexed(app, pilot)
            apdu = panes.view("apdu")
            apdu.focus()
            await pilot.pause()
            await pilot.press("down", "down", "down")
            await pilot.pause()
            assert apdu.cursor == 3
            marked = {v.channel: v.marker for v in panes.views() if v is not apdu}
            info = text_of(app, "#trace-info")
            # saved by an editor (its content unchanged): reloaded, the attempt and its lines the same
            app.casebooks_reloaded.clear()
            book.write_bytes(book.read_bytes())
            await asyncio.wait_for(app.casebooks_reloaded.wait(), timeout=15)
            assert app._session_changed()  # the reload recorded the casebook in the session: the poll reads it again
            await noticed(pilot)
            assert "Cahier rechargé : demo.xml — valide" in run_log(app)
            assert apdu.has_focus and apdu.cursor == 3
            assert {v.channel: v.marker for v in panes.views() if v is not apdu} == marked
            assert text_of(app, "#trace-info") == info

    asyncio.run(scenario())
