"""Keys are shown as a person reads them, in the language shown: « Ctrl+Q », « Échap », « Entrée » in French,
"Ctrl+Q", "Esc", "Enter" in English — never Textual's notation (``^q``, ``ctrl+q``, ``esc``). One function says
it (``actions.display_key``): the footer (through ``WorkstationApp.get_key_display``), the F1 help, and the
sentences that name a key (the first Ctrl+Q in a window with something typed) (Pilot)."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import io
from pathlib import Path

import pytest
from rich.console import Console
from test_tui_app import select
from test_tui_helpers import make_app
from textual.app import App
from textual.binding import Binding
from textual.widgets import Input, Static

from testbench.tui.actions import display_key
from testbench.tui.screens import AttestScreen, HelpScreen
from testbench.tui.texts import make_translator

SIZE = (130, 40)


def screen_text(app: App[int]) -> str:
    """What the terminal shows, as text (the window on top and the screen under it)."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), record=True, legacy_windows=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text()


@pytest.mark.parametrize(
    ("keys", "french", "english"),
    [
        ("ctrl+q", "Ctrl+Q", "Ctrl+Q"),
        ("escape", "Échap", "Esc"),
        ("enter", "Entrée", "Enter"),
        ("tab", "Tab", "Tab"),
        ("shift+tab", "Maj+Tab", "Shift+Tab"),
        ("f1,question_mark", "F1 ?", "F1 ?"),
        ("slash", "/", "/"),
        ("ctrl+right_square_bracket", "Ctrl+]", "Ctrl+]"),
        ("p", "p", "p"),
    ],
)
def test_a_key_reads_as_on_the_keyboard_in_both_languages(keys: str, french: str, english: str) -> None:
    assert display_key(keys, make_translator("fr")) == french
    assert display_key(keys, make_translator("en")) == english


def test_the_footer_and_the_help_show_ctrl_q_not_textual_notation(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert app.get_key_display(Binding("escape", "leave_field")) == "Échap"
            footer = screen_text(app).splitlines()[-1]
            assert "Ctrl+Q Quitter" in footer and "^q" not in footer, footer
            await pilot.press("f1")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            shown = screen_text(app)
            assert "Ctrl+Q" in shown and "Ctrl+P" in shown and "ctrl+q" not in shown, shown
            await pilot.press("f2")  # the help and the footer under it in English
            await pilot.pause()
            shown = screen_text(app)
            assert "Ctrl+Q" in shown and "ctrl+q" not in shown, shown
            await pilot.press("escape")
            await pilot.pause()
            assert app.get_key_display(Binding("escape", "leave_field")) == "Esc"
            footer = screen_text(app).splitlines()[-1]
            assert "Ctrl+Q Quit" in footer and "^q" not in footer, footer

    asyncio.run(scenario())


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "Ctrl+Q encore pour quitter : la valeur tapée sera perdue"),
        ("en", "Ctrl+Q again to quit: the value typed will be lost; the step stays pending"),
    ],
)
def test_the_first_ctrl_q_names_the_key_as_the_footer_does(tmp_path: Path, lang: str, said: str) -> None:
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
            window.query_one("#value-0", Input).focus()
            await pilot.press(*"33")
            await pilot.press("ctrl+q")
            await pilot.pause()
            assert app.return_code is None and app.screen is window
            notice = str(window.query_one("#notice", Static).render())
            assert notice.startswith(said), notice
            await pilot.press("ctrl+q")
            await app.workers.wait_for_complete()
        assert app.return_code == 0

    asyncio.run(scenario())
