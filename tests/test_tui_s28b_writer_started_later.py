"""A workstation open, writable and idle, while another process starts writing its session (``testbench run`` in a
terminal beside it): said read-only at the next poll — it used to notice only at its own next write, its views
frozen meanwhile as they were, with no word — and, once that writer has ended, the session read again and
writable, said."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import signal
from pathlib import Path

from test_tui_app import select
from test_tui_helpers import make_app, run_log, toasts, wait_run
from test_tui_s28_read_only_later import GONE, READ_ONLY, start_writer

SIZE = (120, 36)


def test_a_writer_started_while_the_workstation_is_idle_is_said_and_its_end_read(tmp_path: Path, writers) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await select(app, pilot, "TC-KO-002")
            await pilot.press("r")
            await wait_run(app, pilot)
            assert not app.ws.read_only
            writer = start_writer(app.ws.session_path)  # another process holds it (a long ``testbench run``)
            writers.append(writer)
            for _ in range(50):  # a poll (2 s) at most, without a key pressed
                await pilot.pause(0.1)
                if app.ws.read_only:
                    break
            assert app.ws.read_only
            await pilot.pause()
            assert READ_ONLY in toasts(app) and READ_ONLY in run_log(app)
            assert toasts(app).count(READ_ONLY) == 1
            await pilot.pause(2.5)  # the polls after it: said once
            assert toasts(app).count(READ_ONLY) == 1 and run_log(app).count(READ_ONLY) == 1
            os.kill(writer.pid, signal.SIGKILL)
            writer.wait()
            for _ in range(50):
                await pilot.pause(0.1)
                if not app.ws.read_only:
                    break
            assert not app.ws.read_only
            await pilot.pause()
            assert GONE in toasts(app) and GONE in run_log(app)
            assert READ_ONLY not in toasts(app)
            await select(app, pilot, "TC-OK-001")
            await pilot.press("r")  # the workstation writes again
            await wait_run(app, pilot)
            assert app.ws.find("TC-OK-001").verdict == "pass"

    asyncio.run(scenario())


def test_the_read_only_notice_is_taken_off_after_a_language_switch(tmp_path: Path, writers) -> None:
    """Said in French, F2, then the writer ends: the French notice goes too (it stayed, the English one was sought)."""

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            writer = start_writer(app.ws.session_path)  # another process holds it (a long ``testbench run``)
            writers.append(writer)
            for _ in range(50):
                await pilot.pause(0.1)
                if app.ws.read_only:
                    break
            await pilot.pause()
            assert READ_ONLY in toasts(app)
            await pilot.press("f2")
            await pilot.pause()
            os.kill(writer.pid, signal.SIGKILL)
            writer.wait()
            for _ in range(50):
                await pilot.pause(0.1)
                if not app.ws.read_only:
                    break
            await pilot.pause()
            assert not app.ws.read_only
            assert READ_ONLY not in toasts(app), toasts(app)

    asyncio.run(scenario())
