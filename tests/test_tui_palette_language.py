"""The command palette speaks the workstation's language: its placeholder and « aucune correspondance »
(Pilot, headless)."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

import pytest
from test_tui_helpers import make_app
from textual.command import CommandInput, CommandList, CommandPalette

SIZE = (130, 40)


@pytest.mark.parametrize(
    ("lang", "placeholder", "nothing"),
    [
        ("fr", "Chercher une commande ou un cas…", "Aucune correspondance"),
        ("en", "Search commands or cases…", "No match"),
    ],
)
def test_the_palette_placeholder_and_no_match_are_in_the_language_shown(
    tmp_path: Path, lang: str, placeholder: str, nothing: str
) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path, lang=lang)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("ctrl+p")
            await pilot.pause()
            assert isinstance(app.screen, CommandPalette)
            assert app.screen.query_one(CommandInput).placeholder == placeholder
            await pilot.press(*"zzqq")
            commands = app.screen.query_one(CommandList)
            for _ in range(100):  # the palette says it after its half-second countdown
                if commands.option_count == 1 and commands.get_option_at_index(0).id == CommandPalette._NO_MATCHES:
                    break
                await pilot.pause(0.02)
            said = commands.get_option_at_index(0).prompt  # Textual's Align around a Text
            assert getattr(said, "renderable", said).plain == nothing

    asyncio.run(scenario())
