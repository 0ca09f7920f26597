"""Another file renamed over the session while the traces view shows it (Pilot, the demo on the in-process bench, real
session files on disk): the trace panes had their own read-only handle on the session, opened once, which kept
reading the file renamed away (unlinked) — the views showed the new session, the panes the old one's lines. They
now notice the replacement as the session watch does (another file at the path) and read the new file, each pane
on the line it was on (its position kept, never the old file's content)."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from test_tui_helpers import demo_app, run_and_open_traces, traces_indexed

from testbench.tui.traceview import TraceView

MARK = "REMPLACÉ "
APP_LINES = 3


def _renamed_over(session: Path) -> None:
    """What another program does: a copy of the session, its APDU lines changed, renamed over it (``os.replace``)."""
    copy = session.with_name("copie.tbsession")
    with closing(sqlite3.connect(session)) as source, closing(sqlite3.connect(copy)) as target:
        source.backup(target)
        target.execute("UPDATE trace_lines SET text = ? || text WHERE channel = 'apdu'", (MARK,))
        (attempt,) = target.execute("SELECT attempt_id FROM trace_lines WHERE channel = 'apdu' LIMIT 1").fetchone()
        target.executemany(  # the application's log, which the demo does not write: in the new file only
            "INSERT INTO trace_lines (channel, mono_ns, wall, text, attempt_id) VALUES ('app', ?, 0, ?, ?)",
            [(n, f"{MARK}journal {n}", attempt) for n in range(APP_LINES)],
        )
        target.commit()
        source.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # nothing of the old file left in the -wal at the path
    old = os.stat(session).st_ino
    os.replace(copy, session)
    assert os.stat(session).st_ino != old  # another file at the path, not the same one written


def test_trace_panes_read_the_file_renamed_over_the_session_each_kept_on_its_line(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = demo_app(tmp_path)
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            panes = await run_and_open_traces(app, pilot, "DEMO-FSE-001")
            apdu = panes.view("apdu")
            assert len(apdu) > 4 and not apdu.index.row(0).text.startswith(MARK)
            apdu.focus()
            await pilot.press("down", "down", "down")
            await pilot.pause()
            assert apdu.cursor == 3
            await pilot.press("7")  # the exam view: its application log reads the same handle (empty here)
            await pilot.pause()
            exam_log = app.query_one("#exam-app-log", TraceView)
            assert exam_log.index is not None and len(exam_log) == 0
            await pilot.press("4")
            await traces_indexed(app, pilot)
            old = app._trace_source
            _renamed_over(app.ws.session_path)
            app._poll_session()  # the session watch's poll, at once rather than within two seconds
            await traces_indexed(app, pilot)
            apdu = panes.view("apdu")
            assert apdu.index.row(0).text.startswith(MARK), "the panes still read the file renamed away"
            assert all(apdu.index.row(i).text.startswith(MARK) for i in range(len(apdu)))
            assert apdu.cursor == 3, "the pane went back to its first line"
            drawn = "".join(segment.text for y in range(6) for segment in apdu.render_line(y))
            assert MARK in drawn and "illisible" not in drawn
            apdu.focus()  # the view keys gave the focus to the tree
            await pilot.press("down")
            assert apdu.cursor == 4 and apdu.index.row(4).text.startswith(MARK)
            assert [exam_log.index.row(n).text for n in range(len(exam_log))] == [
                f"{MARK}journal {n}" for n in range(APP_LINES)
            ]
            assert app._trace_source is not old and old not in app._kept_sources
            with pytest.raises(sqlite3.ProgrammingError):  # the handle on the file renamed away is closed
                old.step_starts(1)

    asyncio.run(scenario())
