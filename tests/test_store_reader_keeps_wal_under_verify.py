"""A reader's open view keeps the session's ``-wal`` and ``-shm`` alive while another process reads and closes the
session (``testbench verify``, ``testbench report``, the ``sqlite3`` shell): SQLite removes them only with the last
connection, which it tells by the process's POSIX locks on the file. Opening and closing the file outside SQLite in
the same process (the writer's checks reading its first bytes before a run) dropped those locks: the other
process's close then removed the WAL under the workstation, whose next read failed « disk I/O error »."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import subprocess
import sys
from pathlib import Path

from test_tui_helpers import demo_app, wait_run

from testbench.store.connection import not_sqlite, writer_refusal
from testbench.store.read import read_session
from testbench.store.session import SessionStore

DEMO = Path(__file__).resolve().parents[1] / "casebooks" / "demo.xml"


def _verify(session: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "testbench", "verify", str(session)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr


def _companions(session: Path) -> set[str]:
    return {p.name for p in session.parent.iterdir() if p.name in (f"{session.name}-wal", f"{session.name}-shm")}


def test_a_view_open_while_a_run_checks_the_file_keeps_its_wal_under_verify(tmp_path: Path) -> None:
    session = tmp_path / "s.tbsession"
    subprocess.run(
        [sys.executable, "-m", "testbench", "run", str(DEMO), "-k", "DEMO-FSE-001", "--session", str(session),
         "--cards", "inprocess", "--engine", "inprocess"],
        capture_output=True, text=True, timeout=300, check=True,
    )
    with read_session(session) as view:  # the workstation's view, open for its whole life
        key = view.cases[0].key
        attempt = view.attempts_of(key)[-1].id
        assert view.events(attempt)
        # what a run from the workstation does before it writes: the writer's checks, then its own connection
        assert writer_refusal(session) is None and not_sqlite(session) is None
        with SessionStore.open(session):
            pass
        assert _companions(session) == {"s.tbsession-wal", "s.tbsession-shm"}
        _verify(session)
        assert _companions(session) == {"s.tbsession-wal", "s.tbsession-shm"}  # still the view's
        with SessionStore.open(session) as store:  # a write after the other process's close
            store.set_meta("note", "x")
        assert view.events(attempt)
        assert view.attempts_of(key)


def test_the_workstation_runs_on_after_verify_read_its_session(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = demo_app(tmp_path)
        session = tmp_path / "demo.tbsession"
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find("DEMO-FSE-001").key)
            await pilot.pause()
            await pilot.press("r")
            await wait_run(app, pilot)
            _verify(session)  # from another terminal
            assert _companions(session) == {"demo.tbsession-wal", "demo.tbsession-shm"}
            await pilot.press("r")
            await wait_run(app, pilot)
            await pilot.press("down", "r")
            await wait_run(app, pilot)
            assert app._exception is None
            entry = app.ws.find("DEMO-FSE-001")
            assert entry.view is not None and len(entry.view.attempts) == 2
        assert app._exception is None

    asyncio.run(scenario())
