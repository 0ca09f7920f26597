"""``v`` shows one verdict at a time, only those a case shown has: never a tree emptied by a verdict no case has."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

from test_tui_app import leaves
from test_tui_helpers import make_app, wait_run
from textual.widgets import Tree

SIZE = (130, 40)


def test_v_cycles_through_the_verdicts_cases_have_then_all(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find("TC-OK-001").key)
            await pilot.pause()
            await pilot.press("r")
            await wait_run(app, pilot)
            app.query_one("#tree", Tree).focus()
            seen = []
            for _ in range(3):
                await pilot.press("v")
                await pilot.pause()
                seen.append((app.verdict_filter, leaves(app)))
            assert seen == [
                ("pass", ["TC-OK-001"]),
                ("none", ["TC-KO-002", "TC-MAN-003", "TC-LOT-004"]),
                (None, ["TC-OK-001", "TC-KO-002", "TC-MAN-003", "TC-LOT-004"]),
            ]

    asyncio.run(scenario())
