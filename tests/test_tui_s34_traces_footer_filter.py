"""The footer's ``/`` in the traces view names what it filters: the cases (the tree), not the traces.

Beside the traces' own query box (« Chercher dans les traces (Entrée) — Ctrl+F : filtrer ») the footer read « /
Filtrer », and an operator took ``/`` for the traces' search. ``/`` filters the tree there as everywhere (docs/tui.md,
« Traces (4) »): the footer now says « / Filtrer les cas » ("Filter cases") in that view, « / Filtrer » elsewhere,
one registry (``tui.actions``) giving both words. A fake bench, the real session store on disk.
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

import pytest
from test_tui_helpers import make_app, run_and_open_traces
from textual.widgets import Tree
from textual.widgets._footer import FooterKey


def slash_word(app) -> str:
    """The word the main footer shows beside ``/`` (empty when the key is not shown)."""
    words = [key.description for key in app.screen.query(FooterKey) if key.key == "slash" and key.display]
    return words[0] if words else ""


@pytest.mark.parametrize(
    ("lang", "traces", "elsewhere"), [("fr", "Filtrer les cas", "Filtrer"), ("en", "Filter cases", "Filter")]
)
def test_the_footer_says_slash_filters_the_cases_beside_the_traces_search(
    tmp_path: Path, lang: str, traces: str, elsewhere: str
) -> None:
    async def scenario() -> dict[str, object]:
        app = make_app(tmp_path, lang=lang)
        seen: dict[str, object] = {}
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await run_and_open_traces(app, pilot, "TC-OK-001")
            await pilot.pause()
            seen["traces"] = slash_word(app)
            await pilot.press("slash")  # what it does there: the tree's filter, as the docs promise
            await pilot.pause()
            seen["focused"] = getattr(app.focused, "id", None)
            await pilot.press("escape", "1")
            await pilot.pause()
            seen["case"] = slash_word(app)
        return seen

    seen = asyncio.run(scenario())
    assert seen["traces"] == traces, seen
    assert seen["focused"] == "filter", seen
    assert seen["case"] == elsewhere, seen


def test_the_word_follows_the_view_and_the_language_on_a_wide_terminal(tmp_path: Path) -> None:
    """At 160 columns the tree keeps the focus when ``4`` shows the traces: the footer still changes its word,
    and F2 says it in English."""

    async def scenario() -> list[str]:
        app = make_app(tmp_path)
        words = []
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            app.query_one("#tree", Tree).focus()
            await pilot.press("4")
            await pilot.pause()
            words.append(slash_word(app))
            await pilot.press("f2")
            await pilot.pause()
            words.append(slash_word(app))
            await pilot.press("2")
            await pilot.pause()
            words.append(slash_word(app))
        return words

    assert asyncio.run(scenario()) == ["Filtrer les cas", "Filter cases", "Filter"]
