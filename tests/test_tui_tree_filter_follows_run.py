"""A verdict filter is applied during a run, not only at its end (audit a6w, finding 3).

Under « [non exécuté] » (``v``), ``x`` ran every case; the tree kept listing the cases already passed or failed
(« 4 cas ·4 [non exécuté] » above ✔ rows) until the run ended. The tree is rebuilt at the run's reloads when the
cases the filter shows changed, its selection kept on the same case or moved to the nearest.
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

from testbench.tui.app import _nearest
from testbench.tui.screens import AttestScreen


def test_cases_that_no_longer_match_the_verdict_filter_leave_the_tree_during_the_run(tmp_path: Path) -> None:
    seen: dict[str, object] = {}

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            seen["all"] = leaves(app)
            await pilot.press("v")
            while app.verdict_filter != "none":  # « [non exécuté] »
                await pilot.press("v")
            await pilot.pause()
            await pilot.press("x")  # every case; the run waits at TC-MAN-003's manual step
            await _until(pilot, lambda: isinstance(app.screen, AttestScreen), "the manual step's window")
            await pilot.pause(0.5)  # a reload of the run (every 0.3 s)
            seen["during"] = leaves(app)
            seen["counts"] = str(app.query_one("#counts", Label).render())
            seen["selected"] = app.current[1] if app.current else None
            await pilot.press("ctrl+s")
            await pilot.pause()
            if isinstance(app.screen, AttestScreen):
                await pilot.press("ctrl+s")
            await wait_run(app, pilot)
            seen["after"] = leaves(app)

    asyncio.run(scenario())
    assert seen["all"] == ["TC-OK-001", "TC-KO-002", "TC-MAN-003", "TC-LOT-004"]
    # TC-OK-001 passed and TC-KO-002 failed: gone while TC-MAN-003 waits for its manual step
    assert "TC-OK-001" not in seen["during"] and "TC-KO-002" not in seen["during"]
    assert "TC-LOT-004" in seen["during"]
    assert str(seen["counts"]).startswith(f"{len(seen['during'])} cas")  # type: ignore[arg-type]
    assert seen["selected"] in seen["during"]  # type: ignore[operator]
    assert seen["after"] == []


def test_the_nearest_case_is_the_next_one_shown_else_the_one_before() -> None:
    before = [("s", "A"), ("s", "B"), ("s", "C"), ("s", "D")]
    assert _nearest(("s", "B"), before, {("s", "A"), ("s", "D")}) == ("s", "D")
    assert _nearest(("s", "D"), before, {("s", "A"), ("s", "B")}) == ("s", "B")
    assert _nearest(("s", "B"), before, set()) is None
    assert _nearest(("s", "Z"), before, {("s", "A")}) is None
