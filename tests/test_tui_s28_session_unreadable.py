"""A session file that cannot be read for a moment under a running workstation — its pages overwritten by another
process, here — is said (a notice and a run-log line naming the file and why), the views keep what was last read,
and the workstation reads it again every poll until it reads, said too. It used to end the workstation on a
Textual traceback (``sqlite3.DatabaseError: database disk image is malformed``) at its next read."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import subprocess
import sys
from pathlib import Path

from test_tui_app import select
from test_tui_helpers import make_app, run_log, toasts, wait_run

SIZE = (120, 36)
#: another process damages the session in place (the workstation's own process never opens it outside SQLite:
#: closing that descriptor would drop SQLite's locks, ``store.connection.held``), keeping a copy to put back
DAMAGE = """
import os, shutil, sys
session = sys.argv[1]
for suffix in ("", "-wal"):
    if os.path.exists(session + suffix):
        shutil.copyfile(session + suffix, session + suffix + ".kept")
with open(session, "r+b") as f:
    f.seek(100)
    f.write(bytes(range(256)) * ((os.path.getsize(session) - 100) // 256 + 1))
if os.path.exists(session + "-wal"):
    open(session + "-wal", "r+b").truncate(0)
"""
#: the same, and the index SQLite keeps beside it (``-shm``) zeroed too: the connection already open on the session
#: cannot serve a page it read before from its cache, its next read meets the damage whatever it read before
DAMAGE_UNDER_READER = DAMAGE + """
if os.path.exists(session + "-shm"):
    with open(session + "-shm", "r+b") as f:
        f.write(bytes(os.path.getsize(session + "-shm")))
"""
REPAIR = """
import os, sys
session = sys.argv[1]
for suffix in ("", "-wal"):
    if os.path.exists(session + suffix + ".kept"):
        with open(session + suffix + ".kept", "rb") as kept, open(session + suffix, "r+b") as f:
            f.write(kept.read())
"""


def test_a_session_unreadable_for_a_moment_is_said_and_read_again(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            session = app.ws.session_path
            await select(app, pilot, "TC-KO-002")
            await pilot.press("r")
            await wait_run(app, pilot)
            assert app.ws.find("TC-KO-002").verdict == "fail"
            subprocess.run([sys.executable, "-c", DAMAGE, str(session)], check=True)
            await select(app, pilot, "TC-OK-001")
            await pilot.press("r")  # refused (the session cannot be opened), then read again: unreadable
            await wait_run(app, pilot)
            for _ in range(60):  # said at once, or at the next poll
                if "Fichier de session illisible" in toasts(app):
                    break
                await pilot.pause(0.1)
            said = f"Fichier de session illisible pour l'instant : {session} — base SQLite endommagée ;"
            assert said in toasts(app), toasts(app)
            assert said in run_log(app)
            assert app.is_running  # no traceback: the workstation goes on
            assert app.ws.find("TC-KO-002").verdict == "fail"  # what was last read, not « non exécuté »
            for key in "12345":  # every view drawn again on what was last read
                await pilot.press(key)
                await pilot.pause()
            await select(app, pilot, "TC-KO-002")
            assert app.is_running
            subprocess.run([sys.executable, "-c", REPAIR, str(session)], check=True)
            for _ in range(60):
                await pilot.pause(0.1)
                if app.ws.unreadable is None:
                    break
            await pilot.pause()
            assert app.ws.unreadable is None
            again = f"Fichier de session de nouveau lisible : {session} ; il est relu"
            assert again in toasts(app) and again in run_log(app)
            assert said not in toasts(app)  # withdrawn
            assert app.ws.find("TC-KO-002").verdict == "fail"

    asyncio.run(scenario())


def test_a_casebook_saved_while_the_session_is_unreadable_is_said_never_a_traceback(tmp_path: Path) -> None:
    """The save is shown, said not recorded in the store's words; the session said unreadable; nothing crashes."""
    from test_tui_reload import CASEBOOK, app_on, save_and_wait, write_casebook

    path = write_casebook(tmp_path)

    async def scenario() -> None:
        app = app_on(path, tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert await asyncio.to_thread(app.watch_ready.wait, 10)
            session = app.ws.session_path
            subprocess.run([sys.executable, "-c", DAMAGE, str(session)], check=True)
            await save_and_wait(app, path, CASEBOOK.replace("Lecture de la CPS", "Lecture de la carte CPS"))
            await pilot.pause()
            assert app.is_running
            assert app.ws.find("RL-001").case.title == "Lecture de la carte CPS"  # the save is shown
            unrecorded = f"Cahier rechargé mais non enregistré dans la session : {session}"
            said = next((line for line in toasts(app).splitlines() if line.startswith(unrecorded)), "")
            assert said.endswith("n'est pas un fichier de session lisible (base SQLite endommagée)"), toasts(app)
            assert said in run_log(app)
            assert f"Fichier de session illisible pour l'instant : {session} — " in toasts(app)

    asyncio.run(scenario())


def test_a_view_drawn_on_a_damaged_page_is_said_and_the_workstation_goes_on(tmp_path: Path) -> None:
    """No reload at all: the case chosen in the tree reads its steps through the session already open, on a page
    overwritten since. It used to end the workstation (the tree's handler raising)."""

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
            said = f"Fichier de session illisible pour l'instant : {session} — "
            assert said in toasts(app) and said in run_log(app)
            for key in "34521":
                await pilot.press(key)
                await pilot.pause()
            assert app.is_running
            await pilot.press("tab", "down")  # the tree still answers: its messages were not stopped
            await pilot.pause()
            assert app.is_running and toasts(app).count(said) == 1  # said once, not at every view
            subprocess.run([sys.executable, "-c", REPAIR, str(session)], check=True)
            for _ in range(60):
                await pilot.pause(0.1)
                if app.ws.unreadable is None:
                    break
            assert app.ws.unreadable is None
            assert [app.ws.find(c).verdict for c in ("TC-OK-001", "TC-KO-002")] == ["pass", "fail"]

    asyncio.run(scenario())


def test_a_session_damaged_during_a_run_keeps_the_verdicts_shown_and_the_window_typed(tmp_path: Path) -> None:
    """A run of two cases: the first ends (its verdict shown, read attempt by attempt), the manual step's window of
    the second is open with a value typed when the session is damaged. A poll later the window and what it holds
    are still there; stopped, the run ends unable to write, and the tree still shows the first case's verdict — it
    used to show every case « non exécuté », the session read as it was before the run."""
    from textual.widgets import Input, Tree

    from testbench.tui.screens import AttestScreen

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            session = app.ws.session_path
            app.query_one("#filter", Input).value = "KO-002 or MAN-003"
            await pilot.pause()
            app.query_one("#tree", Tree).focus()
            await pilot.press("s")
            for _ in range(200):
                await pilot.pause(0.05)
                if isinstance(app.screen, AttestScreen) and app.ws.find("TC-KO-002").verdict == "fail":
                    break
            window = app.screen
            assert isinstance(window, AttestScreen)
            assert app.ws.find("TC-KO-002").verdict == "fail"  # read for that case alone, no full reload since
            await pilot.press(*"33,60")
            subprocess.run([sys.executable, "-c", DAMAGE_UNDER_READER, str(session)], check=True)
            await pilot.pause(2.5)  # a poll
            assert app.screen is window and window.query_one("#value-0", Input).value == "33,60"
            await pilot.press("ctrl+t", "ctrl+t")  # stop: the step left pending, what it held dropped, as said
            await wait_run(app, pilot)
            for _ in range(30):
                if app.ws.unreadable is not None:
                    break
                await pilot.pause(0.1)
            assert app.is_running
            assert f"Fichier de session illisible pour l'instant : {session} — " in toasts(app)
            assert app.ws.find("TC-KO-002").verdict == "fail"  # as last shown

    asyncio.run(scenario())
