"""The review window's reviewer field comes filled (the operator, or the system's user: « root »), so its
placeholder « Réviseur » never showed: a bare name in a box, between the decision and the reason, that said nothing
of what it was. The field is named on its border, in the language shown, at 80×24 too."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

import pytest
from test_tui_app import select
from test_tui_helpers import make_app, wait_run
from textual.widgets import Input, Tree

from testbench.tui.screens import ReviewScreen


def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


@pytest.mark.parametrize(("lang", "word"), [("fr", "Réviseur"), ("en", "Reviewer")])
@pytest.mark.parametrize("size", [(120, 36), (80, 24)])
def test_the_filled_reviewer_field_is_named(tmp_path: Path, lang: str, word: str, size: tuple[int, int]) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path, lang=lang)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await select(app, pilot, "TC-KO-002")
            await pilot.press("r")
            await wait_run(app, pilot)
            app.query_one("#tree", Tree).focus()
            await pilot.press("a")
            await pilot.pause()
            assert isinstance(app.screen, ReviewScreen)
            field = app.screen.query_one("#reviewer", Input)
            assert field.value == "Opératrice Test"  # filled: its placeholder hidden
            shown = screen_text(app)
            assert word in shown, shown
            assert "Opératrice Test" in shown  # the name itself still shown whole

    asyncio.run(scenario())
