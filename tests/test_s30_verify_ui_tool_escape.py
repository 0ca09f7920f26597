"""Escape in a tool's window (Pilot, 80×24): its first press warns that typed text would be lost, the second closes
— as long as the warning is in sight. A refusal (« … est à remplir ») or the tool's run took its place on the notice
line, and the next Escape dropped what was typed since, unsaid."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

import pytest
from test_tui_audit import until
from test_tui_helpers import make_app
from textual.widgets import Input, Static

from testbench.tui.tool_screen import ToolScreen

SAID = {
    "fr": "Échap à nouveau pour fermer : ce qui est tapé dans cette fenêtre sera perdu",
    "en": "Esc again to close: what is typed in this window will be lost",
}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_text_typed_after_a_run_is_warned_about_again(tmp_path: Path, lang: str) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path, lang=lang)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press("e")
            await pilot.pause()
            window = app.screen
            assert isinstance(window, ToolScreen)
            notice = window.query_one("#notice", Static)
            field = window.query_one("#field-document", Input)
            field.focus()
            await pilot.press(*"absent.xlsx", "escape")
            await pilot.pause()
            assert SAID[lang] in str(notice.content) and notice.has_class("-shown")
            await pilot.press("enter")  # the mapping is required: said on the notice line, over the warning
            await pilot.pause()
            assert SAID[lang] not in str(notice.content)
            await pilot.press(*"absent.toml", "escape")  # the mapping field, focused by the refusal
            await pilot.pause()
            assert app.screen is window, "one Escape dropped what was typed, its warning no longer in sight"
            assert SAID[lang] in str(notice.content)
            await pilot.press("enter")  # the tool runs with what was typed: the notice line is cleared
            await until(pilot, lambda: not window.running and window.outcome is not None, "the tool's end")
            await pilot.pause()
            assert not notice.has_class("-shown")
            await pilot.press("end", "x", "escape")  # a name typed after the run
            await pilot.pause()
            assert app.screen is window, "one Escape dropped text typed after the run, unsaid"
            assert SAID[lang] in str(notice.content) and notice.has_class("-shown")
            await pilot.press("escape")
            await pilot.pause()
            assert len(app.screen_stack) == 1, "the second Escape closes"

    asyncio.run(scenario())
