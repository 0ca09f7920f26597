"""The line above the trace panes fits an 80-column terminal: it shortens, it is never cut.

At 80×24 in French, once a search was typed, it read « 62 lignes, 5 étapes — heure du banc (UTC) : 18:37:22.029 —
« 6C6E » — Tab : » — the hint cut after its key, a line ending on « : » (and « 123 lignes, 12 étapes » alone cut
it). It is one line the panes' width, repainted at each cursor move without a layout, so it now says the moment
without its words (« 18:37:22.029 UTC ») when the whole does not fit, then leaves the Tab hint out
(``TracePanes._info``). A fake bench, the real session store on disk.
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import re
from pathlib import Path

import pytest
from test_tui_helpers import make_app, run_and_open_traces
from textual.widgets import Label

CLOCK = re.compile(r"\d\d:\d\d:\d\d\.\d\d\d")


def info_text(app) -> tuple[str, int]:
    label = app.query_one("#trace-info", Label)
    return str(label.render()), label.size.width


@pytest.mark.parametrize(("lang", "hint"), [("fr", "Tab : autres canaux"), ("en", "Tab: other channels")])
def test_the_info_line_keeps_its_words_whole_with_a_search_at_80_columns(tmp_path: Path, lang: str, hint: str) -> None:
    async def scenario() -> dict[str, tuple[str, int]]:
        app = make_app(tmp_path, lang=lang)
        seen: dict[str, tuple[str, int]] = {}
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await run_and_open_traces(app, pilot, "TC-OK-001")
            await pilot.pause()
            seen["plain"] = info_text(app)
            await pilot.press("ctrl+f", *"FACT-0001", "enter")
            await pilot.pause()
            seen["search"] = info_text(app)
            await pilot.press("ctrl+f")  # the query box: search -> filter, « — filtre » added
            await pilot.pause()
            await pilot.press("ctrl+f")
            await pilot.pause()
            seen["filter"] = info_text(app)
        return seen

    seen = asyncio.run(scenario())
    for name, (text, width) in seen.items():
        assert len(text) <= width, (name, text, width)
        assert CLOCK.search(text), (name, text)  # the focused line's moment is always said
        assert not text.rstrip().endswith(":"), (name, text)
    plain, _ = seen["plain"]
    assert hint in plain, plain  # room enough: nothing left out
    search, _ = seen["search"]
    assert "FACT-0001" in search and hint in search, search
