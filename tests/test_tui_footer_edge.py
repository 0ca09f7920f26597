"""The footer's last column: the command palette's key flush with the edge, no letter of the keys it covers
showing after it (« Commandesp » at 80 columns)."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

import pytest
from test_tui_helpers import make_app


@pytest.mark.parametrize("width", [80, 81, 100])
def test_the_footer_ends_with_the_command_palette_key(tmp_path: Path, width: int) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=(width, 24)) as pilot:
            await pilot.pause()
            footer = app.screen._compositor.render_strips()[-1].text
            assert footer.rstrip().endswith("Ctrl+P Commandes"), footer

    asyncio.run(scenario())
