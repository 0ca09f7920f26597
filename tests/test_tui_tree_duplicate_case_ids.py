"""A casebook with two cases of one id is invalid (the check says « en double »), yet the workstation shows it
read-only: each node of the tree shows its own case, and selecting it shows that case — both showed the first
case's title, and the case view of either showed one of them."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

from test_tui_app import text_of
from test_tui_reload import CASEBOOK, app_on, write_casebook
from textual.widgets import Tree

from testbench.casebook.problems import read_casebooks

SIZE = (130, 40)
TWICE = CASEBOOK.replace('<case id="RL-002"', '<case id="RL-001"')


def test_each_case_of_a_duplicate_id_shows_as_itself(tmp_path: Path) -> None:
    path = write_casebook(tmp_path, TWICE)
    [state] = read_casebooks([path])
    assert not state.valid and "en double" in str(state.all_problems())  # the check says so

    async def scenario() -> None:
        app = app_on(path, tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            leaves = []

            def walk(node) -> None:
                for child in node.children:
                    if child.data is not None:
                        leaves.append(child)
                    walk(child)

            walk(app.query_one("#tree", Tree).root)
            labels = [leaf.label.plain for leaf in leaves]
            assert len(leaves) == 2 and len({leaf.data for leaf in leaves}) == 2, labels
            assert any("Lecture de la CPS" in label for label in labels), labels
            assert any("Facture LPP en tiers payant AMO" in label for label in labels), labels
            assert all("RL-001" in label for label in labels), labels
            shown = []
            for leaf in leaves:
                app.goto_case(leaf.data)
                await pilot.pause()
                await pilot.press("1")
                await pilot.pause()
                shown.append(text_of(app, "#case-detail"))
            for label, detail in zip(labels, shown, strict=True):
                title = label.split("RL-001 ", 1)[1]
                assert title in detail and "Cahier de tests invalide : lecture seule" in detail, (label, detail)
            assert "en double" in shown[1]  # the duplicate (its line) has the problem beside it

    asyncio.run(scenario())
