"""A key that would drop what the operator typed asks first (Pilot, session file on disk).

Escape in the window of the values read accepts them as read: with a value corrected or a reason written, the
first Escape only says what it would drop, the second drops it; with nothing typed it accepts at once, as
before. ctrl+t (stop the run) in a manual step's window where a value or a note is typed does the same, as
ctrl+q does (test_tui_quit_confirm); nothing typed, it stops at once (test_tui_app).
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path
from typing import Any

from test_tui_app import select
from test_tui_helpers import make_app, wait_run
from textual.widgets import Input, Static

from testbench.extract.model import Extracted, Provenance
from testbench.store.read import read_session
from testbench.tui.operator_prompt import ReviewRequest
from testbench.tui.screens import AttestScreen, ExtractedScreen

SIZE = (130, 40)


def notice(screen) -> str:
    return str(screen.query_one("#notice", Static).render())


def review_request(app) -> ReviewRequest:
    case = app.ws.find("TC-MAN-003").case
    where = Provenance(source="out/fse/T.xml", kind="xml", line=3, excerpt="<amo>33.00</amo>")
    return ReviewRequest(case=case, step=case.steps[0], extracted=[Extracted("invoice.totals.amo", "33.00", where)])


def values_read(tmp_path: Path, *keys: str, lang: str = "fr") -> dict[str, Any]:
    """The window of the values read for one value (33.00), ``keys`` pressed in it: what it answered, and its
    notice line when it was still open after the keys."""
    seen: dict[str, Any] = {}

    async def scenario() -> None:
        app = make_app(tmp_path, lang=lang)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            screen = ExtractedScreen(review_request(app), app.t)
            app.push_screen(screen, lambda answer: seen.setdefault("answer", answer))
            await pilot.pause()
            await pilot.press(*keys)
            await pilot.pause()
            if "answer" not in seen:
                seen["open"] = app.screen is screen
                seen["notice"] = notice(screen)
                seen["typed"] = (screen.query_one("#value-0", Input).value, screen.query_one("#reason-0", Input).value)

    asyncio.run(scenario())
    return seen


def test_escape_with_nothing_typed_accepts_the_values_as_read_at_once(tmp_path: Path) -> None:
    assert values_read(tmp_path, "escape") == {"answer": {}}


def test_escape_after_a_correction_asks_once_and_keeps_what_was_typed(tmp_path: Path) -> None:
    correct = ["backspace"] * 5 + list("33.60") + ["tab"] + list("vu")
    seen = values_read(tmp_path, *correct, "escape")
    assert seen["open"] and seen["typed"] == ("33.60", "vu")  # nothing lost at the first Escape
    assert "Échap à nouveau pour abandonner vos corrections" in seen["notice"], seen["notice"]
    assert values_read(tmp_path, *correct, "escape", "escape") == {"answer": {}}  # the second drops them
    assert values_read(tmp_path, *correct, "escape", "enter") == {"answer": {"invoice.totals.amo": ("33.60", "vu")}}


def test_escape_after_a_reason_alone_asks_too_and_says_it_in_english(tmp_path: Path) -> None:
    seen = values_read(tmp_path, "tab", *"vu", "escape", lang="en")
    assert seen["open"] and "Esc again to drop your corrections" in seen["notice"], seen["notice"]


def test_ctrl_t_with_a_value_typed_asks_once_then_stops_and_the_step_stays_pending(tmp_path: Path) -> None:
    seen: dict[str, Any] = {}

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
            await pilot.press(*"33,6", "ctrl+t")
            await pilot.pause()
            seen["open"] = app.screen is window and app.running and not app.operator.stop.is_set()
            seen["notice"] = notice(window)
            seen["typed"] = window.query_one("#value-0", Input).value
            await pilot.press("ctrl+t")
            await wait_run(app, pilot)
            seen["closed"] = not isinstance(app.screen, AttestScreen) and not app.running

    asyncio.run(scenario())
    assert seen["open"] and seen["typed"] == "33,6"
    assert seen["notice"].startswith(
        "Ctrl+T encore pour arrêter l'exécution : la valeur tapée sera perdue ; l'étape reste en attente"
    ), seen["notice"]
    assert seen["closed"]
    with read_session(tmp_path / "exam.tbsession") as view:
        assert next(c for c in view.cases if c.case_id == "TC-MAN-003").verdict == "pending"


def test_ctrl_t_remapped_names_its_own_key(tmp_path: Path) -> None:
    seen: dict[str, str] = {}

    async def scenario() -> None:
        app = make_app(tmp_path, keymap={"stop": "ctrl+g"})
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await select(app, pilot, "TC-MAN-003")
            await pilot.press("r")
            for _ in range(100):
                if isinstance(app.screen, AttestScreen):
                    break
                await pilot.pause(0.05)
            window = app.screen
            window.query_one("#note", Input).focus()
            await pilot.press(*"vu", "ctrl+g")
            await pilot.pause()
            seen["notice"] = notice(window)
            await pilot.press("ctrl+g")
            await wait_run(app, pilot)

    asyncio.run(scenario())
    assert seen["notice"].startswith("Ctrl+G encore pour arrêter l'exécution"), seen["notice"]
