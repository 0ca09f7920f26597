"""ctrl+q while a manual step's window holds what the operator typed asks once, saying what is lost; the
next ctrl+q quits and the step stays pending (Pilot, session file on disk)."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

from test_tui_app import select
from test_tui_helpers import make_app
from textual.widgets import Input, Static

from testbench.store.read import read_session
from testbench.tui.screens import AttestScreen

SIZE = (130, 40)


def test_ctrl_q_with_a_value_typed_asks_once_then_quits(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
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
            assert app.return_code is None and app.screen is window  # still open, nothing lost yet
            notice = str(window.query_one("#notice", Static).render())
            assert "Ctrl+Q encore pour quitter : la valeur tapée sera perdue ; " in notice
            assert window.query_one("#value-0", Input).value == "33,6"
            await pilot.press("ctrl+q")
            await app.workers.wait_for_complete()
        assert app.return_code == 0

    asyncio.run(scenario())
    with read_session(tmp_path / "exam.tbsession") as view:
        assert next(c for c in view.cases if c.case_id == "TC-MAN-003").verdict == "pending"
