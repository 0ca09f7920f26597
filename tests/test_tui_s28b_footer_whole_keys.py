"""The footer shows each key with its word, or not at all: the command palette's key, docked right, used to cover
the last key's word and leave its letter alone (« a Review g▏Ctrl+P Commands » at 80 columns in English: a « g »
that says nothing). Widened again, the keys hidden come back."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

import pytest
from test_tui_helpers import make_app
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


def footer_line(app) -> str:
    return app.screen._compositor.render_strips()[-1].text


def covered_keys(app) -> list[str]:
    """The footer keys the command palette's key cuts: their letter shown, their word under it."""
    footer = app.screen.query_one(Footer)
    palette = footer.query_one("FooterKey.-command-palette", FooterKey)
    return [
        key.key_display
        for key in footer.query(FooterKey)
        if key is not palette and key.display and key.region.x < palette.region.x < key.region.right
    ]


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("width", [80, 90, 100, 110])
def test_no_footer_key_is_cut_by_the_palette_key(tmp_path: Path, lang: str, width: int) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path, lang=lang)
        async with app.run_test(size=(width, 24)) as pilot:
            await pilot.pause()
            await pilot.pause()
            assert covered_keys(app) == [], footer_line(app)
            assert footer_line(app).rstrip().endswith(("Ctrl+P Commandes", "Ctrl+P Commands"))

    asyncio.run(scenario())


def test_keys_hidden_on_a_narrow_terminal_come_back_when_it_widens(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path, lang="en")
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.pause()
            assert "g Report" not in footer_line(app)
            await pilot.resize_terminal(160, 24)
            await pilot.pause()
            await pilot.pause()
            assert "g Report" in footer_line(app), footer_line(app)
            assert covered_keys(app) == []
            await pilot.press("f2")  # the footer composed again in French: still whole keys
            await pilot.pause()
            await pilot.resize_terminal(80, 24)
            await pilot.pause()
            await pilot.pause()
            assert covered_keys(app) == [], footer_line(app)

    asyncio.run(scenario())
