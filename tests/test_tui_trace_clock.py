"""The traces view (Pilot, the demo on the in-process bench, a real session file): a channel without lines
takes only its frame, and each line shows its capture time on the bench's clock, the one that links the
panes (the info line gives the focused line's, also when the panes are too narrow for the column)."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

from test_tui_helpers import demo_app, run_and_open_traces
from textual.widgets import Label

from testbench.report.labels import clock_text
from testbench.tui.traceview import EMPTY_PANE_ROWS


def drawn(view, y: int) -> str:
    return "".join(segment.text for segment in view.render_line(y))


def test_empty_channels_take_little_height_and_each_line_shows_the_bench_clock(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = demo_app(tmp_path)
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            panes = await run_and_open_traces(app, pilot, "DEMO-FSE-001")
            await pilot.pause()
            heights = {view.channel: view.outer_size.height for view in panes.views()}
            empty = {view.channel for view in panes.views() if len(view) == 0}
            assert empty == {"app", "http"}  # the demo has no application log and no téléservice
            assert all(heights[channel] == EMPTY_PANE_ROWS for channel in empty), heights
            assert all(heights[channel] > 3 * EMPTY_PANE_ROWS for channel in heights if channel not in empty), heights
            for channel in ("apdu", "engine", "bench"):
                view = panes.view(channel)
                moment = clock_text(view.index.row(0).wall)
                assert moment in drawn(view, 0), (channel, drawn(view, 0))
            apdu = panes.view("apdu")
            apdu.focus()
            await pilot.press("down")
            info = str(app.query_one("#trace-info", Label).render())
            assert f"heure du banc (UTC) : {clock_text(apdu.index.row(1).wall)}" in info, info

    asyncio.run(scenario())


def test_a_pane_too_narrow_for_the_clock_column_keeps_the_apdu_and_the_info_line_gives_the_time(
    tmp_path: Path,
) -> None:
    async def scenario() -> None:
        app = demo_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            panes = await run_and_open_traces(app, pilot, "DEMO-FSE-001")
            apdu = panes.view("apdu")
            assert app.focused is apdu and not apdu.clock
            assert drawn(apdu, 0).lstrip().startswith("A>> ")
            info = str(app.query_one("#trace-info", Label).render())
            assert f"heure du banc (UTC) : {clock_text(apdu.index.row(0).wall)}" in info, info

    asyncio.run(scenario())
