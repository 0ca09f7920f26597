"""Key ``d``: the definitions of the terms on screen for the case shown; the case view marks those terms and
reads each step as one plain instruction (pilot tests, French then English)."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

from test_tui_app import select, text_of
from test_tui_reload import app_on, write_casebook
from textual.widgets import Tree

from testbench.domain.glossary import glossary
from testbench.tui import actions
from testbench.tui.glossary_screen import GlossaryScreen

SIZE = (130, 40)
TERMS = {t.key: t for t in glossary()}


def test_d_is_free_in_the_registry_and_bound_to_the_glossary() -> None:
    keys = [k.strip() for spec in actions.ACTIONS if spec.id != "glossary" for k in spec.key.split(",")]
    assert "d" not in keys and actions.BY_ID["glossary"].key == "d"


def test_the_key_shows_the_definitions_of_the_case_terms_in_the_language_shown(tmp_path: Path) -> None:
    path = write_casebook(tmp_path)

    async def scenario() -> None:
        app = app_on(path, tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await select(app, pilot, "RL-002")
            detail = text_of(app, "#case-detail")
            # each step as one instruction, the terms underlined where they appear
            assert "Lire la carte Vitale, bénéficiaire 1" in detail
            assert "Facturer à p-std, soins du 12/01/2026 : LPP 1241763 × 4 à 14,00\u00a0€, tiers payant AMO" in detail
            content = app.query_one("#case-detail").content
            underlined = {content.plain[s.start : s.end] for s in content.spans if "underline" in str(s.style)}
            assert {"LPP", "tiers payant", "AMO", "carte Vitale", "CPS"} <= underlined

            app.query_one("#tree", Tree).focus()
            await pilot.press("d")
            await pilot.pause()
            assert isinstance(app.screen, GlossaryScreen)
            shown = app.screen.content.plain
            for key in ("LPP", "tiers-payant", "AMO", "carte-Vitale", "CPS", "code-porteur"):
                assert TERMS[key].text("fr") in shown, key
            assert "https://www.ameli.fr/" in shown
            assert "PLV" not in shown.split("\n\n", 1)[1].split()  # only the terms of this case
            await pilot.press("escape")
            await pilot.pause()
            assert not isinstance(app.screen, GlossaryScreen)

            await pilot.press("f2")
            await pilot.press("d")
            await pilot.pause()
            shown = app.screen.content.plain
            assert shown.startswith("Definitions of the terms — RL-002")
            assert TERMS["LPP"].text("en") in shown and TERMS["LPP"].text("fr") not in shown
            await pilot.press("d")
            await pilot.pause()
            assert "Bill p-std, care on 2026-01-12: LPP 1241763 × 4 at €14.00" in text_of(app, "#case-detail")

    asyncio.run(scenario())
