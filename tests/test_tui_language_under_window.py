"""F2 while a manual step's window is open switches the main screen under it too, at once: its tabs (at
their new widths), the run view's header and card prompt, the tree's counter (Pilot, session file on disk)."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import dataclasses
from pathlib import Path

from test_tui_app import select
from test_tui_helpers import make_app

from testbench.casebook.model import CardRequirement
from testbench.tui.screens import AttestScreen
from testbench.tui.workstation import Workstation


def screen_text(app) -> str:
    """The terminal as drawn (the window and the main screen under it)."""
    import re
    from html import unescape

    svg = app.export_screenshot()
    rows: dict[float, list[tuple[float, str]]] = {}
    for m in re.finditer(r'<text class="[^"]*" x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', svg):
        rows.setdefault(float(m.group(2)), []).append((float(m.group(1)), unescape(m.group(3))))
    return "\n".join("".join(t for _, t in sorted(r)).replace("\xa0", " ") for _, r in sorted(rows.items()))


def test_f2_under_a_manual_step_window_switches_the_whole_main_screen(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        (book,) = app.ws.casebooks  # the manual step's case takes a card: the run view's card prompt is shown
        card = (CardRequirement("vitale", "v1"),)
        cases = tuple(dataclasses.replace(c, cards=card) if c.id == "TC-MAN-003" else c for c in book.cases)
        app.ws = Workstation([dataclasses.replace(book, cases=cases)], app.ws.session_path)
        app._case_keys = {id(c): (book.sha256, c.id) for c in cases}
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await select(app, pilot, "TC-MAN-003")
            await pilot.press("r")
            for _ in range(100):
                if isinstance(app.screen, AttestScreen):
                    break
                await pilot.pause(0.05)
            assert isinstance(app.screen, AttestScreen)
            before = screen_text(app)
            assert "en cours : TC-MAN-003 — étape m-screen" in before
            assert "Carte à insérer : v1 → lecteur vitale" in before
            await pilot.press(*"33,6", "f2")
            for _ in range(100):  # the tab bar takes a layout pass or two to widen to the English labels
                await pilot.pause(0.02)
                if "Expected/observed" in screen_text(app):
                    break
            assert isinstance(app.screen, AttestScreen)  # the window stays open, in English
            shown = screen_text(app)
            assert "running: TC-MAN-003 — step m-screen" in shown
            assert "Card to insert: v1 → reader vitale" in shown
            assert "Expected/observed" in shown and "Overview" in shown and "Review" in shown
            assert "Cas " not in shown and "en cours" not in shown and "Carte à insérer" not in shown
            assert "4 cases ·4" in shown and "Ctrl+Q Quit" in shown and "Quitter" not in shown
            await pilot.press("ctrl+s")
            await asyncio.wait_for(app.workers.wait_for_complete(), timeout=30)
            await pilot.pause()
            assert "run finished: 1 case" in screen_text(app)

    asyncio.run(scenario())
