"""The run log (view 2) wraps its long lines to the view's width instead of cropping them, and wraps them
again when the terminal is resized (Pilot, headless)."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

from test_tui_helpers import make_app
from textual.widgets import Log

from testbench.tui.run_log import wrap_line

REASON = (
    "■ DEMO-FSE-001 : ? non concluant — carte indisponible : le port vpcd 35964 est utilisé par un autre banc"
    " ou une autre session de tests (verrou 127.0.0.1:45964)"
)


def shown_rows(log: Log) -> list[str]:
    return [log.render_line(y).text.rstrip() for y in range(log.size.height)]


def test_a_long_line_of_the_run_log_is_wrapped_whole_and_rewrapped_on_resize(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            app.log_line(REASON)  # written while another view is shown, as the bench's notes at opening
            await pilot.press("2")
            await pilot.pause()
            log = app.query_one("#run-log", Log)
            width = log.scrollable_content_region.width
            assert width < len(REASON)
            rows = [row for row in shown_rows(log) if row]
            assert rows[-1].endswith("(verrou 127.0.0.1:45964)")  # the end of the reason is on screen
            assert " ".join(row.strip() for row in rows[-len(wrap_line(REASON, width)) :]) == REASON
            assert all(len(row) <= width for row in rows)
            assert log.lines[-1] == REASON  # the lines as written
            narrow = len(wrap_line(REASON, width))
            await pilot.resize_terminal(200, 40)
            await pilot.pause()
            wide = log.scrollable_content_region.width
            assert wide > width and len(wrap_line(REASON, wide)) < narrow
            rows = [row for row in shown_rows(log) if row]
            assert " ".join(row.strip() for row in rows[-len(wrap_line(REASON, wide)) :]) == REASON

    asyncio.run(scenario())
