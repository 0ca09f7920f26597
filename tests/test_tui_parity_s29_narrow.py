"""Every « Outils » window on an 80×24 terminal, in French and in English: each field and its label on screen, whole,
and room below for the tool's lines — the new case window has one field more (« Ou nouveau cahier à créer »)."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

import pytest
from rich.cells import cell_len
from test_tui_tools import app_on
from textual.widgets import Label

from testbench.tui.tool_screen import ToolScreen
from testbench.tui.tools import TOOLS

NARROW = (80, 24)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_each_tool_window_shows_its_fields_and_room_for_its_result_at_80x24(tmp_path: Path, lang: str) -> None:
    cramped: list[str] = []

    async def scenario() -> None:
        app = app_on(tmp_path / "s.tbsession", lang=lang)
        async with app.run_test(size=NARROW) as pilot:
            for tool_id, tool in TOOLS.items():
                app.action_tool(tool_id)
                await pilot.pause()
                screen = app.screen
                assert isinstance(screen, ToolScreen)
                for field in tool.fields:
                    region = screen.query_one(f"#field-{field.id}").region
                    if region.height == 0 or region.bottom > NARROW[1]:
                        cramped.append(f"{tool_id}: field {field.id} off screen")
                for label in screen.query(Label):
                    said = str(label.render())
                    if label.region.height == 0 or cell_len(said) > label.region.width * label.region.height:
                        cramped.append(f"{tool_id}: label cut « {said} »")
                if screen.query_one("#tool-output").region.height < 5:
                    cramped.append(f"{tool_id}: result area under 5 lines")
                await pilot.press("escape")
                await pilot.pause()

    asyncio.run(scenario())
    assert cramped == []
