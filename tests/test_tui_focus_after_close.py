"""A focus event that arrives after its widget left the screen (a window opened and closed in one burst of keys: a
scanner, a quick hand) is let go: the workstation crashed on « node has no screen » (the suite met it under load)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from test_tui_helpers import make_app
from textual import events
from textual.widgets import Input


def test_a_focus_event_for_a_widget_gone_from_its_screen_is_ignored(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            app.post_message(events.DescendantFocus(Input()))  # never mounted: no screen, as a closed window's field
            await pilot.pause()
            await pilot.pause()
            assert app.is_running

    asyncio.run(scenario())
