"""F2 in a manual step's window draws it again in the other language, its notice line cleared: the first Ctrl+Q's
warning is gone, so the next Ctrl+Q warns again, in the new language, instead of quitting and losing the value
typed (audit l-f5 5: after F2 one Ctrl+Q quit at once)."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

from test_tui_app import select
from test_tui_helpers import make_app
from textual.widgets import Input, Static

from testbench.tui.screens import AttestScreen

SIZE = (130, 40)


def test_the_quit_warning_is_said_again_after_f2(tmp_path: Path) -> None:
    seen: dict[str, object] = {}

    async def scenario() -> None:
        app = make_app(tmp_path, lang="fr")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await select(app, pilot, "TC-MAN-003")
            await pilot.press("r")
            for _ in range(100):
                if isinstance(app.screen, AttestScreen):
                    break
                await pilot.pause(0.05)
            window = app.screen
            assert isinstance(window, AttestScreen)
            window.query_one("#value-0", Input).focus()
            await pilot.press(*"33,6")
            await pilot.press("ctrl+q")
            await pilot.pause()
            seen["french"] = str(window.query_one("#notice", Static).render())
            await pilot.press("f2")
            await pilot.pause()
            window = app.screen
            seen["after f2"] = str(window.query_one("#notice", Static).render())
            await pilot.press("ctrl+q")
            await pilot.pause()
            seen["still open"] = app.is_running and isinstance(app.screen, AttestScreen)
            if seen["still open"]:
                seen["english"] = str(app.screen.query_one("#notice", Static).render())
                seen["value"] = app.screen.query_one("#value-0", Input).value
                await pilot.press("ctrl+q")
            await app.workers.wait_for_complete()

    asyncio.run(scenario())
    assert str(seen["french"]).startswith("Ctrl+Q encore pour quitter : la valeur tapée sera perdue")
    assert seen["after f2"] == ""  # the window drawn again in English: its French notice cleared
    assert seen["still open"] is True  # one Ctrl+Q after F2 did not quit
    assert str(seen["english"]).startswith("Ctrl+Q again to quit: the value typed will be lost")
    assert seen["value"] == "33,6"
