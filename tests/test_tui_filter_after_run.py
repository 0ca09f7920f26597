"""A run that changes which cases the filter shows rebuilds the tree (audit s24, finding 3).

Under « verdict:échec », ``f`` reran the failed cases; one passed, yet it stayed in the tree, still selected,
while the counter said one case: the next ``r`` would have run a case the filter hides.
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

from test_tui_app import leaves
from test_tui_assisted import _until
from test_tui_helpers import make_app, wait_run
from textual.widgets import Label

from testbench.tui.screens import AttestScreen


async def _answer(pilot, *keys: str) -> None:
    """The manual step's window: ``keys`` typed, then Ctrl+S (twice: an empty value is asked about once)."""
    app = pilot.app
    await _until(pilot, lambda: isinstance(app.screen, AttestScreen), "the manual step's window")
    window = app.screen
    await pilot.press(*keys, "ctrl+s")
    await pilot.pause()
    if app.screen is window:
        await pilot.press("ctrl+s")


def test_a_case_that_passes_under_a_failed_filter_leaves_the_tree_and_the_selection(tmp_path: Path) -> None:
    seen: dict[str, object] = {}

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            await pilot.press("x")  # every case
            await _answer(pilot)  # the manual step left empty: TC-MAN-003 fails, as TC-KO-002
            await wait_run(app, pilot)
            await pilot.press("slash", *"verdict:échec", "enter")
            await pilot.pause()
            seen["before"] = leaves(app)
            app.goto_case(app.ws.find("TC-MAN-003").key)
            await pilot.press("f")
            await _answer(pilot, *"33.60")  # the right value this time: the case passes
            await wait_run(app, pilot)
            seen["after"] = leaves(app)
            seen["counts"] = str(app.query_one("#counts", Label).render())
            seen["selected"] = app.current[1] if app.current else None

    asyncio.run(scenario())
    assert seen["before"] == ["TC-KO-002", "TC-MAN-003"]
    assert seen["after"] == ["TC-KO-002"]  # the case now passed is no longer shown
    assert str(seen["counts"]).startswith("1 cas")
    assert seen["selected"] == "TC-KO-002"  # ``r`` runs the case shown, never a hidden one
