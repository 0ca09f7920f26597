"""The expected/observed view's title is whole at 80 columns: it wraps, it is never cut.

With two attempts the title adds the keys that change the attempt shown; at 80×24 in French it read « DEMO-FSE-030
tentative 2/2 · … en attente   , / . : tentative précédente / suiv » — the title was a label as wide as its text,
cropped by the view; with the tree beside it (Ctrl+B) even « TC-OK-001 tentative 2/2 · ✔ réussi » lost its keys. It
now takes the view's width and wraps (``#compare-title`` in ``styles.tcss``). A fake bench, the real session store on
disk.
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

import pytest
from test_tui_helpers import make_app, wait_run


@pytest.mark.parametrize(
    ("lang", "hint"), [("fr", "tentative précédente / suivante"), ("en", "previous / next attempt")]
)
def test_the_attempt_keys_of_the_title_are_whole_at_80_columns(tmp_path: Path, lang: str, hint: str) -> None:
    async def scenario() -> list[str]:
        app = make_app(tmp_path, lang=lang)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find("TC-OK-001").key)
            await pilot.pause()
            for _ in range(2):  # two attempts: the title names the keys that go from one to the other
                await pilot.press("r")
                await wait_run(app, pilot)
            await pilot.press("3", "ctrl+b")  # the tree back beside the view: 55 columns left to the title
            await pilot.pause()
            return [strip.text for strip in app.screen._compositor.render_strips()]

    screen = asyncio.run(scenario())
    start = next(i for i, line in enumerate(screen) if "TC-OK-001" in line and "2/2" in line)
    column = screen[start].index("TC-OK-001")  # the view's side of the tree
    title = " ".join(line[column:].strip() for line in screen[start : start + 3])
    assert hint in title, "\n".join(screen)
