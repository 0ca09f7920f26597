"""A filter that showed no case, then one that shows some: the first case shown is selected, and the run
keys with nothing to run say so (Pilot, headless, on a session file on disk)."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

from test_tui_app import leaves, text_of
from test_tui_helpers import make_app, toasts, wait_run
from textual.widgets import Tree

SIZE = (130, 40)


def test_a_filter_showing_cases_after_one_showing_none_selects_the_first_and_r_runs_it(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("slash", *"zzzz")
            await pilot.pause()
            assert leaves(app) == [] and app.current is None
            await pilot.press("enter", "r", "s")  # nothing selected, nothing shown: said, nothing runs
            await pilot.pause()
            assert not app.running
            assert "Aucun cas sélectionné." in toasts(app)
            assert "Aucun cas à exécuter." in toasts(app)
            await pilot.press("slash", "ctrl+u", *"tag:plv", "enter")
            await pilot.pause()
            assert leaves(app) == ["TC-LOT-004"]
            assert app.current is not None and app.current[1] == "TC-LOT-004"
            assert text_of(app, "#case-detail").startswith("TC-LOT-004")
            tree = app.query_one("#tree", Tree)
            assert tree.cursor_node is not None and tree.cursor_node.data == app.current
            await pilot.press("r")
            await wait_run(app, pilot)
            assert len(app.ws.find("TC-LOT-004").view.attempts) == 1

    asyncio.run(scenario())
