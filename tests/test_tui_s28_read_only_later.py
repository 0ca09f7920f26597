"""A workstation that opened its session writable and becomes read-only later — another process (``testbench
run``) starts writing the session, and the workstation meets it at its next write: a run refused, or a casebook
saved meanwhile — says so and, once that writer is gone (here killed with ``kill -9``), reads the session again,
becomes writable, says so, and runs. It used to stay read-only (the casebook case) until reopened, its writer poll
started only at opening; a run refused left it writable, unaware, its views frozen as they were."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import signal
import subprocess
import sys
from pathlib import Path

from test_tui_app import select
from test_tui_helpers import make_app, run_log, toasts, wait_run
from test_tui_reload import CASEBOOK, app_on, save_and_wait, write_casebook

SIZE = (120, 36)
READ_ONLY = "Lecture seule : la session est ouverte en écriture par un autre processus."
GONE = "L'autre processus a fini d'écrire la session : elle est relue"
WRITER = """
import sys, time
from testbench.store.session import SessionStore
store = SessionStore.open(sys.argv[1])
print("held", flush=True)
time.sleep(120)
"""


def start_writer(session: Path) -> subprocess.Popen[str]:
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(session)], stdout=subprocess.PIPE, text=True)
    assert writer.stdout is not None and writer.stdout.readline().strip() == "held"
    return writer


async def writer_gone(app, pilot, writer: subprocess.Popen[str]) -> None:
    """Kill the writer, then wait (a poll or two) for the workstation to take the session back."""
    await pilot.pause(2.5)  # a poll or more while the writer holds it: read-only still
    assert app.ws.read_only
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    for _ in range(100):
        await pilot.pause(0.1)
        if not app.ws.read_only:
            break
    assert not app.ws.read_only
    await pilot.pause()
    assert READ_ONLY not in toasts(app)  # withdrawn
    assert GONE in toasts(app) and GONE in run_log(app)


def test_a_run_refused_for_another_writer_makes_it_read_only_until_that_writer_ends(tmp_path: Path, writers) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert not app.ws.read_only
            writers.append(start_writer(app.ws.session_path))  # a CLI run starts writing the session
            await select(app, pilot, "TC-KO-002")
            await pilot.press("r")  # refused: the session is another process's to write now
            await wait_run(app, pilot)
            assert app.ws.find("TC-KO-002").verdict == "none"
            assert app.ws.read_only
            assert READ_ONLY in toasts(app) and READ_ONLY in run_log(app)
            await writer_gone(app, pilot, writers[0])
            await select(app, pilot, "TC-KO-002")
            await pilot.press("r")  # runs now
            await wait_run(app, pilot)
            assert app.ws.find("TC-KO-002").verdict == "fail"

    asyncio.run(scenario())


def test_a_casebook_saved_while_another_process_writes_is_read_only_until_it_ends(tmp_path: Path, writers) -> None:
    path = write_casebook(tmp_path)

    async def scenario() -> None:
        app = app_on(path, tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert await asyncio.to_thread(app.watch_ready.wait, 10)
            assert not app.ws.read_only
            writers.append(start_writer(app.ws.session_path))
            await save_and_wait(app, path, CASEBOOK.replace("Lecture de la CPS", "Lecture de la carte CPS"))
            await pilot.pause()
            assert app.ws.read_only  # the new version could not be recorded: another process writes
            assert READ_ONLY in toasts(app) and READ_ONLY in run_log(app)
            await writer_gone(app, pilot, writers[0])
            saved = app.ws.casebooks[0].sha256  # the saved version, recorded once the session was taken back
            assert saved in {cb.sha256 for cb in app.ws.session.casebooks}
            assert {case.casebook_sha for case in app.ws.session.cases} == {saved}  # its cases followed it
            await select(app, pilot, "RL-001")
            await pilot.press("r")  # runs now (refused while read-only: no attempt recorded)
            await wait_run(app, pilot)
            assert app.ws.find("RL-001").latest is not None

    asyncio.run(scenario())
