"""The window of the values read and the review window: their own keys, in their own footer (audit s24,
findings 2 and 5).

Ctrl+S, which confirms the manual step just before, did nothing in the window of the values read; under both
windows the footer listed the main screen's keys (``r``, ``s``… typed text there). After a save refused for
want of a signing key, the focused button « Créer ma clé de signature » is now named with its key.
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path
from typing import Any

import pytest
from test_assisted_engine import StandInApplication
from test_tui_assisted import TIMEOUT, _application, _observations, _until, confirm
from test_tui_helpers import make_app, wait_run
from textual.widgets import Button, Tree
from textual.widgets._footer import FooterKey

from testbench.cli.main import main


def footer(screen) -> list[str]:
    """The footer of ``screen`` as read: « Key Label » each."""
    return [f"{key.key_display} {key.description}" for key in screen.query(FooterKey)]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_ctrl_s_accepts_the_values_read_and_the_footer_shows_the_window_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    from testbench.tui.app import WorkstationApp
    from testbench.tui.screens import AttestScreen, ExtractedScreen

    monkeypatch.setenv("TESTBENCH_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    app_dir, book = _application(tmp_path)
    application = StandInApplication(app_dir)  # writes an AMO of 33.00 where the screen shows 33.60
    seen: dict[str, Any] = {}

    async def scenario(app: WorkstationApp) -> None:
        async with app.run_test(size=(100, 32)) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find("T-FIX").key)
            await pilot.press("r")
            await _until(pilot, lambda: isinstance(app.screen, AttestScreen), "the bench asks for s-invoice")
            application.perform(app.screen.request.case, app.screen.request.step)
            await confirm(app, pilot)
            await _until(pilot, lambda: isinstance(app.screen, ExtractedScreen), "the values read are shown")
            window = app.screen
            await pilot.pause()
            seen["footer"] = footer(window)
            n = [item.path for item in window.request.extracted].index("invoice.totals.amo")
            await pilot.press(*["tab"] * (2 * n), *["backspace"] * 5, *"33.60", "tab", *"lu a l'ecran", "ctrl+s")
            await pilot.pause()
            seen["closed"] = app.screen is not window
            app.operator.stop.set()  # the run stops at its next step: only the correction matters here
            while isinstance(app.screen, AttestScreen):
                await pilot.press("ctrl+t")
                await pilot.pause()
            await wait_run(app, pilot)

    def drive(self: WorkstationApp, *args: object, **kwargs: object) -> int:
        asyncio.run(scenario(self))
        return 0

    monkeypatch.setattr(WorkstationApp, "run", drive)
    session = tmp_path / "s.tbsession"
    argv = ["ui", str(book), "--session", str(session), "--cards", "inprocess", "--engine", "operator"]
    argv += ["--engine-timeout", str(TIMEOUT), "--sut-profile", str(app_dir / "sut.toml"), "--lang", lang]
    assert main(argv) == 0

    assert seen["closed"]  # Ctrl+S accepted, as Enter does
    amo = _observations(session)["T-FIX"]["invoice.totals.amo"]
    assert (amo["value"], amo["source"]) == ("33.60", "correction")
    expected = {
        "fr": ["Ctrl+S Accepter", "Échap Accepter tel que lu", "Ctrl+T Arrêter", "F1 Aide", "Ctrl+Q Quitter"],
        "en": ["Ctrl+S Accept", "Esc Accept as read", "Ctrl+T Stop", "F1 Help", "Ctrl+Q Quit"],
    }
    assert seen["footer"] == expected[lang]  # the window's keys, none of the main screen's


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_review_window_shows_its_keys_and_names_the_key_that_creates_the_signing_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    from testbench.tui.screens import ReviewScreen

    monkeypatch.setenv("TESTBENCH_SIGNING_KEY", str(tmp_path / "keys" / "signing-key.pem"))  # not there yet
    seen: dict[str, Any] = {}

    async def scenario() -> None:
        app = make_app(tmp_path, lang=lang)
        async with app.run_test(size=(100, 32)) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find("TC-KO-002").key)
            await pilot.press("r")
            await wait_run(app, pilot)
            app.query_one("#tree", Tree).focus()
            await pilot.press("a")
            await pilot.pause()
            window = app.screen
            assert isinstance(window, ReviewScreen)
            seen["footer"] = footer(window)
            await pilot.press(*"arrondi", "ctrl+s")
            await pilot.pause()
            seen["line"] = str(window.query_one("#review-error").render())
            seen["focused"] = app.focused is window.query_one("#create-key", Button)
            await pilot.press("enter")  # what the line says
            await pilot.pause()
            seen["created"] = (tmp_path / "keys" / "signing-key.pem").exists()

    asyncio.run(scenario())
    expected = {
        "fr": (["Ctrl+S Enregistrer", "Échap Annuler", "F1 Aide", "Ctrl+Q Quitter"], "Entrée : créer ma clé"),
        "en": (["Ctrl+S Save", "Esc Cancel", "F1 Help", "Ctrl+Q Quit"], "Enter: create my signing key"),
    }
    keys, line = expected[lang]
    assert seen["footer"] == keys
    assert line in seen["line"] and seen["focused"] and seen["created"]
