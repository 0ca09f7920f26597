"""A run refused because the session reads no more (damaged on disk by another process) is said once: the notice
« Fichier de session illisible … » names the file and why — the run's own refusal said the same a second time, in
a notice of its own. The run log keeps the run's line; a refusal when that notice has left the screen shows it
again, still once."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest
from test_tui_app import select
from test_tui_helpers import make_app, run_log, toasts, wait_run
from test_tui_s28_session_unreadable import DAMAGE

from testbench.tui import session_watch

SIZE = (120, 36)


def about_session(app) -> list[str]:
    """The notices shown that name the session file."""
    return [str(n.message) for n in app._notifications if str(app.ws.session_path) in str(n.message)]


def test_a_run_refused_on_an_unreadable_session_is_said_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(session_watch, "SESSION_POLL_S", 3600.0)  # no poll says it first: the refusal does

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            session = app.ws.session_path
            await select(app, pilot, "TC-KO-002")
            await pilot.press("r")
            await wait_run(app, pilot)
            subprocess.run([sys.executable, "-c", DAMAGE, str(session)], check=True)
            await select(app, pilot, "TC-OK-001")
            await pilot.press("r")  # refused: the session cannot be opened
            await wait_run(app, pilot)
            said = f"Fichier de session illisible pour l'instant : {session} — base SQLite endommagée ;"
            assert len(about_session(app)) == 1, toasts(app)
            [shown] = about_session(app)
            assert shown.startswith(said), toasts(app)
            assert f"✘ exécution impossible : {session} : " in run_log(app)  # the run's line, in the run log
            assert run_log(app).count(said) == 1
            await pilot.press("r")  # refused again, its notice on screen still: nothing more
            await wait_run(app, pilot)
            assert about_session(app) == [shown]
            app.take_toasts()  # its notice has left the screen (as when a window with fields opens)
            await pilot.pause()
            assert about_session(app) == []
            await pilot.press("r")
            await wait_run(app, pilot)
            assert about_session(app) == [shown], toasts(app)
            assert run_log(app).count(said) == 1
            assert app.ws.find("TC-KO-002").verdict == "fail"  # as last read

    asyncio.run(scenario())


def test_a_run_refused_otherwise_keeps_its_own_notice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A session that reads: the refusal (here another process holds the session) is its own notice, as before."""
    from test_tui_s28_read_only_later import start_writer

    monkeypatch.setattr(session_watch, "SESSION_POLL_S", 3600.0)

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            writer = start_writer(app.ws.session_path)
            try:
                await select(app, pilot, "TC-KO-002")
                await pilot.press("r")
                await wait_run(app, pilot)
                assert app.ws.unreadable is None
                assert any(n.severity == "error" for n in app._notifications), toasts(app)
                assert "Fichier de session illisible" not in toasts(app)
            finally:
                writer.kill()
                writer.wait()

    asyncio.run(scenario())
