"""The workstation's filter reads ``and``, ``or``, ``not`` and parentheses as ``run -k`` does (one grammar,
``casebook.selection``), over the filter's own words of a case; a malformed one is said in the filter's words
on Enter, and the tree keeps the last filter read meanwhile (Pilot, headless, a session file on disk)."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

import pytest
from test_tui_app import leaves
from test_tui_core import workstation
from test_tui_helpers import make_app, toasts
from textual.widgets import Input

from testbench.casebook.selection import SelectionError
from testbench.tui.workstation import parse_filter

SIZE = (130, 40)


def test_and_or_not_select_as_run_k_does(tmp_path: Path) -> None:
    ws = workstation(tmp_path)
    every = [e.case.id for e in ws.entries]

    def shown(text: str) -> list[str]:
        return [e.case.id for e in ws.filtered(parse_filter(text))]

    assert shown("not ko") == [c for c in every if c != "TC-KO-002"]
    assert shown("lot or ko tag:plv") == ["TC-LOT-004"]  # tag: stays a filter of its own, beside the expression
    assert shown("(ko or lot) and not tc-ok") == ["TC-KO-002", "TC-LOT-004"]
    assert shown("ko or tc-lot-004") == shown("(ko or lot)")
    assert shown("dégradé and not ko") == ["TC-OK-001", "TC-LOT-004"]  # the tree's words (« dégradé ») too
    assert shown("ok ko") == []  # plain words: every one, as before
    ws.close()


@pytest.mark.parametrize("text", ["lit and", "(lit", "lit or )", "not"])
def test_a_malformed_expression_is_refused_with_where(text: str) -> None:
    with pytest.raises(SelectionError) as info:
        parse_filter(text)
    assert info.value.problem.expression == text.strip()


def test_the_tree_keeps_the_last_filter_while_an_expression_is_typed_and_enter_says_what_is_wrong(
    tmp_path: Path,
) -> None:
    seen: dict[str, object] = {}

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("slash", *"lot or ko")
            await pilot.pause()
            seen["both"] = leaves(app)
            await pilot.press(*" and")  # half typed: the tree shows what « lot or ko » showed
            await pilot.pause()
            seen["typing"] = leaves(app)
            await pilot.press("enter")
            await pilot.pause()
            seen["toasts"] = toasts(app)
            seen["focus"] = isinstance(app.focused, Input)
            await pilot.press("ctrl+u", *"(lot or ko) and not tc-lot", "enter")
            await pilot.pause()
            seen["last"] = leaves(app)
            app.verdict_filter = "none"  # a verdict filter (v) on top keeps the expression
            seen["with verdict"] = [e.case.id for e in app.visible_entries()]

    asyncio.run(scenario())
    assert seen["both"] == ["TC-KO-002", "TC-LOT-004"] and seen["typing"] == seen["both"]
    assert "filtre invalide : l'expression se termine trop tôt — « lot or ko and »" in str(seen["toasts"])
    assert seen["focus"] is True  # the field stays, as typed, to be corrected
    assert seen["last"] == ["TC-KO-002"] and seen["with verdict"] == ["TC-KO-002"]
