"""A session unreadable for a while is said once — one notice, one run-log line — whatever the language switches
(F2) meanwhile, and its notice is taken off once it reads again, in whichever language it was shown. The notice was
compared as a sentence: after F2 each poll found it « new » (the other language's words) and said it again, one
more run-log line at each switch."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import subprocess
import sys
from pathlib import Path

from test_tui_app import select
from test_tui_helpers import make_app, run_log, toasts, wait_run
from test_tui_s28_session_unreadable import DAMAGE_UNDER_READER, REPAIR

SIZE = (120, 36)


def test_an_unreadable_session_is_said_once_across_language_switches(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            session = app.ws.session_path
            for case_id in ("TC-KO-002", "TC-OK-001"):
                await select(app, pilot, case_id)
                await pilot.press("r")
                await wait_run(app, pilot)
            subprocess.run([sys.executable, "-c", DAMAGE_UNDER_READER, str(session)], check=True)
            await select(app, pilot, "TC-KO-002")
            french = f"Fichier de session illisible pour l'instant : {session} — "
            assert french in toasts(app)
            english = f"Session file unreadable for now: {session} — "
            for _ in range(2):  # F2 there and back, a poll after each
                await pilot.press("f2")
                await pilot.pause(2.5)
            await pilot.press("f2")  # English
            await pilot.pause(2.5)
            log = run_log(app)
            assert log.count(english) == 1, log
            assert (toasts(app).count(english) + toasts(app).count(french)) <= 1, toasts(app)
            subprocess.run([sys.executable, "-c", REPAIR, str(session)], check=True)
            for _ in range(60):
                await pilot.pause(0.1)
                if app.ws.unreadable is None:
                    break
            await pilot.pause()
            assert app.ws.unreadable is None
            assert english not in toasts(app) and french not in toasts(app), toasts(app)  # withdrawn

    asyncio.run(scenario())
