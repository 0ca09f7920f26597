"""The first ctrl+q in a manual step's window names only what was typed (the value, the note, both) and,
with an engine that replays its own steps, says the case starts again in a new attempt: nothing to redo in
« le logiciel » (as the resume notice, run_handlers.RESTART)."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

import pytest
from test_tui_app import select
from test_tui_helpers import make_app
from textual.widgets import Input, Static

from testbench.tui.screens import AttestScreen

SIZE = (130, 40)


def _first_ctrl_q(tmp_path: Path, value: str, note: str, lang: str = "fr") -> str:
    said: dict[str, str] = {}

    async def scenario() -> None:
        app = make_app(tmp_path, lang=lang)
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
            for field, text in (("#value-0", value), ("#note", note)):
                if text:
                    window.query_one(field, Input).focus()
                    await pilot.press(*text)
            await pilot.press("ctrl+q")
            await pilot.pause()
            said["notice"] = str(window.query_one("#notice", Static).render())
            await pilot.press("ctrl+q")
            await app.workers.wait_for_complete()

    asyncio.run(scenario())
    return said["notice"]


@pytest.mark.parametrize(
    ("value", "note", "lost"),
    [
        ("33,6", "", "la valeur tapée sera perdue"),
        ("", "vu", "la note tapée sera perdue"),
        ("33,6", "vu", "la valeur et la note tapées seront perdues"),
    ],
)
def test_only_what_was_typed_is_named(tmp_path: Path, value: str, note: str, lost: str) -> None:
    assert _first_ctrl_q(tmp_path, value, note) == (
        f"Ctrl+Q encore pour quitter : {lost} ; l'étape reste en attente et le cas reprendra à sa première étape,"
        " dans une nouvelle tentative"
    )


def test_in_english(tmp_path: Path) -> None:
    assert _first_ctrl_q(tmp_path, "33,6", "", "en") == (
        "Ctrl+Q again to quit: the value typed will be lost; the step stays pending and the case will start again"
        " at its first step, in a new attempt"
    )
