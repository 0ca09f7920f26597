"""A notice posted just before a window with fields opens goes on its notice line, never over its fields
(audit s24, findings 1 and 4).

The run's first notice about an unfinished attempt is posted as the run starts, then the manual step's window
opens while that toast is still shown: at 80×24 it covered the window's value, note and buttons. And with an
engine that replays the steps itself, that notice no longer says the steps are to be done again « dans le
logiciel » (only the operator mode says so).
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

from test_tui_helpers import make_app, toasts
from test_tui_snapshots import no_blink, snapshots_in_tests_snapshots  # noqa: F401 - the snapshots' folder

from testbench.tui.screens import AttestScreen

CASE = "TC-MAN-003"  # its second step is a manual one: the window waits for the examiner


async def _manual_step(pilot) -> AttestScreen:
    """``r`` on the manual case, until its window is open."""
    app = pilot.app
    app.goto_case(app.ws.find(CASE).key)
    await pilot.pause()
    await pilot.press("r")
    for _ in range(400):
        await pilot.pause(0.02)
        if isinstance(app.screen, AttestScreen):
            return app.screen
    raise AssertionError("the manual step's window never opened")


def _leave_unfinished(tmp_path: Path) -> None:
    """A first opening: the examiner quits in the manual step, the attempt stays unfinished."""

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await _manual_step(pilot)
            await pilot.press("ctrl+q")
            await pilot.pause()

    asyncio.run(scenario())


def test_the_unfinished_attempt_notice_goes_on_the_window_notice_line_not_over_its_fields(tmp_path: Path) -> None:
    _leave_unfinished(tmp_path)
    seen: dict[str, str] = {}

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            window = await _manual_step(pilot)
            await pilot.pause()
            seen["toasts"] = toasts(app)
            seen["notice"] = str(window.query_one("#notice").render())
            await pilot.press("f1")  # a window over it, then back: the line keeps what it said
            await pilot.press("f1")
            await pilot.pause()
            seen["after help"] = str(window.query_one("#notice").render())
            await pilot.press("ctrl+q")

    asyncio.run(scenario())
    assert seen["toasts"] == ""  # nothing over the window's fields
    assert seen["notice"].startswith(f"{CASE} : la tentative 1 est restée inachevée")
    assert seen["after help"] == seen["notice"]


def test_with_an_engine_that_replays_the_steps_the_notice_does_not_send_the_examiner_to_the_software(
    tmp_path: Path,
) -> None:
    _leave_unfinished(tmp_path)
    seen: dict[str, str] = {}

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=(160, 48)) as pilot:
            window = await _manual_step(pilot)
            await pilot.pause()
            seen["notice"] = str(window.query_one("#notice").render())
            await pilot.press("ctrl+q")

    asyncio.run(scenario())
    assert "le cas reprend à sa première étape, dans une nouvelle tentative (la tentative 1 reste" in seen["notice"]
    assert "logiciel" not in seen["notice"]


def test_snapshot_the_unfinished_attempt_notice_inside_the_manual_step_window_at_80x24(
    snap_compare, tmp_path: Path
) -> None:
    _leave_unfinished(tmp_path)

    async def before(pilot) -> None:
        await _manual_step(pilot)
        await no_blink(pilot)

    assert snap_compare(make_app(tmp_path), terminal_size=(80, 24), run_before=before)
