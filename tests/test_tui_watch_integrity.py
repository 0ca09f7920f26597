"""What changed in the session between two polls is checked as the opening checked the rest: a verdict rewritten
behind the bench's back while the workstation is open is shown as the file now says it and said altered; a file
put in the session's place no longer carries what was found in the file it replaced."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from test_tui_app import select, text_of
from test_tui_helpers import make_app, run_log, toasts, wait_run
from test_tui_watch_between_polls import REPLACED, SIZE, cli_run, copy_over, demo_app, polled

from testbench.tui import session_watch

ALTERED = "ATTENTION : session altérée : des enregistrements ont été modifiés après coup"
#: another process rewrites a verdict without the journal chain (as an edit with a SQLite tool would)
REWRITE = """
import sqlite3, sys
with sqlite3.connect(sys.argv[1]) as conn:
    conn.execute("UPDATE attempts SET verdict = 'pass', reason = '' WHERE verdict = 'fail'")
conn.close()
"""


def test_a_verdict_rewritten_while_open_is_shown_and_said_altered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(session_watch, "SESSION_POLL_S", 0.3)

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await select(app, pilot, "TC-KO-002")
            await pilot.press("r")
            await wait_run(app, pilot)
            await app.workers.wait_for_complete()
            assert app.ws.find("TC-KO-002").verdict == "fail" and ALTERED not in toasts(app)
            subprocess.run([sys.executable, "-c", REWRITE, str(app.ws.session_path)], check=True)
            await polled(pilot, lambda: ALTERED in toasts(app))
            assert app.ws.find("TC-KO-002").verdict == "pass"  # as the file says it now
            assert ALTERED in toasts(app) and ALTERED in run_log(app), toasts(app)
            assert ALTERED in text_of(app, "#overview-detail")
            assert REPLACED.format(file=app.ws.session_path) not in toasts(app)  # the same file, edited

    asyncio.run(scenario())


def test_an_intact_session_copied_over_an_altered_one_is_no_longer_said_altered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(session_watch, "SESSION_POLL_S", 0.3)
    session, other = tmp_path / "s.tbsession", tmp_path / "autre.tbsession"
    cli_run(tmp_path, session, "DEMO-FSE-001")
    cli_run(tmp_path, other, "DEMO-FSE-002")
    with sqlite3.connect(session) as conn:  # before any workstation opens it: altered after the fact
        conn.execute("UPDATE attempts SET reason = 'modifié'")
    conn.close()

    async def scenario() -> None:
        app = demo_app(tmp_path, session)
        async with app.run_test(size=SIZE) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.ws.altered and ALTERED in text_of(app, "#overview-detail")
            copy_over(other, session)
            await polled(pilot, lambda: REPLACED.format(file=session) in toasts(app))
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.ws.altered == [] and app.ws.unchecked is None
            assert ALTERED not in text_of(app, "#overview-detail")
            assert app.ws.find("DEMO-FSE-002").verdict == "pass"

    asyncio.run(scenario())


def test_an_altered_session_is_said_once_the_polls_reading_nothing_new(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The opening writes in the session (its casebooks recorded): the polls after it read nothing again, and the
    session is not checked nor said altered a second time."""
    monkeypatch.setattr(session_watch, "SESSION_POLL_S", 3600.0)
    session = tmp_path / "s.tbsession"
    cli_run(tmp_path, session, "DEMO-FSE-001")
    with sqlite3.connect(session) as conn:
        conn.execute("UPDATE attempts SET reason = 'modifié'")
    conn.close()

    async def scenario() -> None:
        app = demo_app(tmp_path, session)
        async with app.run_test(size=SIZE) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            read = app.ws.session
            for _ in range(2):
                app._poll_session()
                await app.workers.wait_for_complete()
                await pilot.pause()
            assert app.ws.session is read
            assert toasts(app).count(ALTERED) == 1 and run_log(app).count(ALTERED) == 1

    asyncio.run(scenario())
