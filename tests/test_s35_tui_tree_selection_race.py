"""The views show the case the tree highlights, and only a case the tree shows, however keys and the tree's own
messages cross (Pilot, headless).

Once, right after « run all », a filter typed fast left one case in the tree while views 1 and 3 showed another.
The tree says a case was highlighted by a message (``Tree.NodeHighlighted``) that reaches the app after the keys
typed meanwhile: a filter keystroke rebuilt the tree in between, and the late message selected the case of a node
of the tree as it was — a case the filter now hides (reproduced: « run all », a case id typed key by key, one key
more that shows none: the views kept the hidden case). The case highlighted in an older tree is not selected, and
the tree's cursor is put on the selected case after each rebuild (it was left on the plan's row when the selected
case stayed shown).
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

import pytest
from test_tui_helpers import make_app
from textual.widgets import Input, Static, Tree


def case_of(app, node) -> str | None:
    return node.data[1] if node is not None and node.data is not None else None


@pytest.mark.parametrize(("typed", "left"), [("LOT", "TC-LOT-004"), ("zzz", None)])
def test_a_highlight_from_before_a_filter_keystroke_selects_no_hidden_case(
    tmp_path: Path, typed: str, left: str | None
) -> None:
    seen: dict[str, object] = {}

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            tree = app.query_one("#tree", Tree)
            assert app.current is not None and app.current[1] == "TC-OK-001"
            # in one turn, as when keys and the tree's messages cross: the filter changes (its message on its
            # way), and the tree's cursor moves to TC-KO-002 (its message on the way too, behind the keystroke's)
            app.query_one("#filter", Input).value = typed
            tree.move_cursor(app.nodes[app.ws.find("TC-KO-002").key])
            for _ in range(4):
                await pilot.pause()
            seen["shown"] = [key[1] for key in app.nodes]
            seen["current"] = app.current[1] if app.current else None
            seen["cursor"] = case_of(app, tree.cursor_node)
            seen["case view"] = str(app.query_one("#case-detail", Static).render())

    asyncio.run(scenario())
    assert seen["shown"] == ([left] if left else [])
    assert seen["current"] == left  # not TC-KO-002, which the filter hides
    assert seen["cursor"] == left
    assert "TC-KO-002" not in str(seen["case view"])


def test_the_cursor_stays_on_the_selected_case_when_a_filter_keeps_it(tmp_path: Path) -> None:
    seen: dict[str, object] = {}

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find("TC-KO-002").key)
            await pilot.pause()
            await pilot.press("slash", *"KO")  # TC-KO-002 alone: still the selected case
            await pilot.pause()
            tree = app.query_one("#tree", Tree)
            seen["cursor"] = case_of(app, tree.cursor_node)
            seen["current"] = app.current[1] if app.current else None
            await pilot.press("ctrl+u")  # every case again: the cursor where the selected case now is
            await pilot.pause()
            seen["cursor again"] = case_of(app, tree.cursor_node)

    asyncio.run(scenario())
    assert seen["current"] == "TC-KO-002"
    assert seen["cursor"] == "TC-KO-002"  # the row highlighted is the case the views show, not the plan's
    assert seen["cursor again"] == "TC-KO-002"
