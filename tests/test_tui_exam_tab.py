"""The exam view read with the keyboard: Tab reaches the watched folders' list (a long one scrolls), even
before the application has written a line."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

from test_tui_helpers import make_app


def test_tab_reaches_the_watched_folders_in_the_exam_view(tmp_path: Path) -> None:
    async def scenario() -> list[str]:
        app = make_app(tmp_path)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await pilot.press("7")
            await pilot.pause()
            reached = []
            for _ in range(6):
                await pilot.press("tab")
                await pilot.pause()
                reached.append(app.focused.id if app.focused is not None else "")
            return reached

    reached = asyncio.run(scenario())
    assert "exam-files-box" in reached, reached
    assert reached.index("exam-files-box") == reached.index("exam-values-box") + 1, reached
