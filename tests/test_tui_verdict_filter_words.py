"""The filter's ``verdict:`` word reads a verdict's name accents, case, hyphens and spacing aside (« non
concluant » typed ``non-concluant`` or ``nonconcluant``), and refuses an unknown one as ``domain:`` does."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

import pytest
from test_tui_helpers import make_app, toasts
from textual.widgets import Input, Tree

from testbench.casebook.selection import SelectionError
from testbench.i18n import translator
from testbench.tui.workstation import parse_filter


@pytest.mark.parametrize(
    ("word", "verdict"),
    [
        ("reussi", "pass"),
        ("RÉUSSI", "pass"),
        ("echec", "fail"),
        ("non-concluant", "inconclusive"),
        ("nonconcluant", "inconclusive"),
        ("non_concluant", "inconclusive"),
        ("en-attente", "pending"),
        ("nonexecute", "none"),
        ("non-exécuté", "none"),
        ("not-run", "none"),
        ("notrun", "none"),
        ("inconclusive", "inconclusive"),
        ("ignore", "skipped"),
    ],
)
def test_verdict_names_in_one_word(word: str, verdict: str) -> None:
    assert parse_filter(f"verdict:{word}").verdicts == (verdict,)


def test_an_unknown_verdict_is_placed_and_names_the_known_ones() -> None:
    with pytest.raises(SelectionError) as info:
        parse_filter("lit verdict:xyz")
    said = info.value.problem.said(in_filter=True)
    assert said.startswith("filtre invalide (colonne 5) : verdict inconnu « xyz » (verdicts connus erreur, échec,")
    with pytest.raises(SelectionError) as info:
        parse_filter("verdict:xyz", translator("en"))
    english = translator("en")(info.value.problem.said(in_filter=True))
    assert english.startswith("invalid filter (column 1): unknown verdict “xyz” (known verdicts: error, failed,")


def test_enter_on_an_unknown_verdict_says_so_and_keeps_the_field(tmp_path: Path) -> None:
    seen: dict[str, object] = {}

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=(130, 40)) as pilot:
            await pilot.pause()
            field = app.query_one("#filter", Input)
            field.focus()
            field.value = "verdict:xyz"
            await pilot.press("enter")
            await pilot.pause()
            seen["toasts"] = toasts(app)
            seen["focus"] = app.focused is field
            seen["tree"] = isinstance(app.focused, Tree)

    asyncio.run(scenario())
    assert "verdict inconnu « xyz »" in str(seen["toasts"])
    assert seen["focus"] and not seen["tree"]
