"""A workstation opened while another process writes the session (``testbench run``) is read-only; once that writer
ends — here it is killed with ``kill -9`` — the workstation notices, reads the session again, withdraws the read-only
warning and can run. It used to stay read-only, its views frozen as the writer left them, until reopened."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import signal
import subprocess
import sys
from pathlib import Path

from test_tui_app import select
from test_tui_helpers import make_app, run_log, sample_casebook, toasts, wait_run

from testbench.tui.workstation import Workstation

SIZE = (120, 36)
READ_ONLY = "Lecture seule : la session est ouverte en écriture par un autre processus."
WRITER = """
import sys, time
from testbench.store.session import SessionStore
store = SessionStore.open(sys.argv[1])
print("held", flush=True)
time.sleep(120)
"""


def test_the_workstation_leaves_read_only_once_the_writer_is_gone(tmp_path: Path) -> None:
    session = tmp_path / "exam.tbsession"
    ws = Workstation([sample_casebook(tmp_path)], session)
    ws.prepare()
    ws.close()
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(session)], stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "held"

        async def scenario() -> None:
            app = make_app(tmp_path)
            async with app.run_test(size=SIZE) as pilot:
                await pilot.pause()
                assert app.ws.read_only
                assert READ_ONLY in toasts(app) and READ_ONLY in run_log(app)
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
                assert READ_ONLY not in toasts(app)
                said = "L'autre processus a fini d'écrire la session : elle est relue"
                assert said in toasts(app) and said in run_log(app)
                await select(app, pilot, "TC-KO-002")
                await pilot.press("r")  # runs now: it used to be refused, read-only
                await wait_run(app, pilot)
                assert app.ws.find("TC-KO-002").verdict == "fail"

        asyncio.run(scenario())
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
