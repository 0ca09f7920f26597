"""The workstation with the keyboard only, at 80×24, in French and in English (Pilot).

- a window closed (F1, definitions…) left the footer with a letter alone (« a Review g▏Ctrl+P Commands »): the
  footer composed again was fitted before its keys were laid out;
- Escape in a tool's window, the run options or the plan's window closed it at once and what was typed in it was
  gone, unsaid (the review window already said so first): the first Escape now says it, the second closes;
- F1 listed the actions without a key (« Créer la clé », « Fusionner »…) with « — »: nothing said they are run from
  the palette;
- in the filter and the trace query box the footer offered « / Filter », where « / » types a slash;
- after F2 in the palette at 80 columns, « Run the selected case (…) (r) » lost its second line, the key: the list
  measured it before its scroll bar narrowed it;
- the windows without a footer of their own (the help, the definitions, the coverage, the readers, the run
  options, the plan, a tool's) left the main screen's footer in sight under them: « r Run s Selection … », keys
  that do nothing there, and not the key that closes the window.
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

import pytest
from test_tui_helpers import make_app
from test_tui_s28b_footer_whole_keys import covered_keys, footer_line
from textual.widgets import Input, Static

from testbench.tui.coverage_screen import PlanScreen
from testbench.tui.run_options_screen import RunOptionsScreen
from testbench.tui.tool_screen import ToolScreen

NARROW = (80, 24)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_footer_keeps_whole_keys_after_a_window_closes(tmp_path: Path, lang: str) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path, lang=lang)
        async with app.run_test(size=NARROW) as pilot:
            await pilot.pause()
            for key in ("f1", "d"):  # the help, the definitions: each window closed with Escape
                await pilot.press(key)
                await pilot.pause()
                await pilot.press("escape")
                await pilot.pause()
                await pilot.pause()
                assert len(app.screen_stack) == 1
                assert covered_keys(app) == [], (key, footer_line(app))

    asyncio.run(scenario())


def test_the_footer_keeps_whole_keys_after_the_language_switched_under_the_palette(tmp_path: Path) -> None:
    """ctrl+p, F2, a case chosen: the main footer, composed again under the palette, came back « … a Review g▏ »."""

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=NARROW) as pilot:
            await pilot.pause()
            await pilot.press("ctrl+p", "f2", *"tc-ko")
            await pilot.pause(0.3)
            await pilot.press("enter")
            await pilot.pause()
            await pilot.pause()
            assert len(app.screen_stack) == 1 and app.lang == "en"
            assert covered_keys(app) == [], footer_line(app)

    asyncio.run(scenario())


def notice(app) -> str:
    return str(app.screen.query_one("#notice", Static).content)


@pytest.mark.parametrize(
    ("key", "window", "field", "said"),
    [
        ("e", ToolScreen, "#field-document", "Esc again to close: what is typed in this window will be lost"),
        ("o", RunOptionsScreen, "#shard", "Esc again to close: what is typed in this window will be lost"),
        ("p", PlanScreen, "#plan-path", "Esc again to close: what is typed in this window will be lost"),
    ],
)
def test_escape_says_what_typed_text_it_would_drop_before_closing(
    tmp_path: Path, key: str, window: type, field: str, said: str
) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path, lang="en")
        async with app.run_test(size=NARROW) as pilot:
            await pilot.pause()
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, window)
            app.screen.query_one(field, Input).focus()
            await pilot.press("end", *"2/3")
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, window), "the first Escape keeps the window and what was typed"
            assert app.screen.query_one(field, Input).value.endswith("2/3")
            assert said in notice(app), notice(app)
            await pilot.press("escape")
            await pilot.pause()
            assert len(app.screen_stack) == 1, "the second Escape closes"
            # nothing typed: one Escape closes
            await pilot.press(key)
            await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()
            assert len(app.screen_stack) == 1

    asyncio.run(scenario())


def test_escape_in_french_names_the_key_as_the_keyboard_does(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=NARROW) as pilot:
            await pilot.pause()
            await pilot.press("o", "tab", *"1/2", "escape")
            await pilot.pause()
            assert "Échap à nouveau pour fermer : ce qui est tapé dans cette fenêtre sera perdu" in notice(app)

    asyncio.run(scenario())


def test_a_field_only_emptied_closes_at_the_first_escape(tmp_path: Path) -> None:
    """Nothing typed is lost: the window opens again with its default."""

    async def scenario() -> None:
        app = make_app(tmp_path, lang="en")
        async with app.run_test(size=NARROW) as pilot:
            await pilot.pause()
            await pilot.press("o", "ctrl+u")  # the parallel benches' « 1 » erased
            await pilot.pause()
            field = app.screen.query_one("#workers", Input)
            assert isinstance(app.screen, RunOptionsScreen) and field.value == "" and field.opened_with == "1"
            await pilot.press("escape")
            await pilot.pause()
            assert len(app.screen_stack) == 1

    asyncio.run(scenario())


@pytest.mark.parametrize(
    ("keys", "lang", "size", "footer"),
    [
        (("f1",), "en", NARROW, "Esc Close Ctrl+Q Quit"),
        (("d",), "en", NARROW, "Esc Close F1 Help Ctrl+Q Quit"),
        (("c",), "fr", NARROW, "Échap Fermer F1 Aide Ctrl+Q Quitter"),
        (("o",), "en", NARROW, "Ctrl+S Apply Esc Cancel F1 Help Ctrl+Q Quit"),
        (("p",), "fr", NARROW, "Échap Annuler F1 Aide Ctrl+Q Quitter"),
        (("e",), "en", (120, 40), "Esc Close F1 Help Ctrl+Q Quit"),
        (("d", "f2"), "fr", NARROW, "Esc Close F1 Help Ctrl+Q Quit"),  # F2: the window's keys in English too
    ],
)
def test_a_window_shows_its_own_keys_not_the_main_screens(
    tmp_path: Path, keys: tuple[str, ...], lang: str, size: tuple[int, int], footer: str
) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path, lang=lang)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await pilot.press(*keys)
            await pilot.pause()
            await pilot.pause()
            assert len(app.screen_stack) == 2
            line = footer_line(app)
            assert line.strip() == footer, line
            await pilot.press("escape")
            await pilot.pause()
            assert len(app.screen_stack) == 1

    asyncio.run(scenario())


def test_the_unfinished_attempt_window_shows_its_own_keys(tmp_path: Path) -> None:
    from testbench.runner.resume import Continuation
    from testbench.tui.screens import ContinueScreen

    async def scenario() -> None:
        app = make_app(tmp_path, lang="en")
        async with app.run_test(size=NARROW) as pilot:
            await pilot.pause()
            stopped = Continuation(1, 1, "étape manuelle m-screen en attente de l'opérateur", ("s-a",), "s-b")
            app.push_screen(ContinueScreen(app.ws.find("TC-MAN-003").case, stopped, app.t))
            await pilot.pause()
            await pilot.pause()
            assert footer_line(app).strip() == "Esc Cancel F1 Help Ctrl+Q Quit", footer_line(app)
            await pilot.press("escape")
            await pilot.pause()
            assert len(app.screen_stack) == 1

    asyncio.run(scenario())


def test_the_palette_keeps_the_wrapped_key_of_an_action_after_f2(tmp_path: Path) -> None:
    from test_tui_audit import screen_text, until
    from textual.command import CommandList

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=NARROW) as pilot:
            await pilot.pause()
            await pilot.press("ctrl+p")
            await pilot.pause(0.3)
            await pilot.press("f2")
            listed = app.screen.query_one(CommandList)
            await until(pilot, lambda: listed.option_count >= 20, "the actions listed again")
            await pilot.pause(0.3)
            lines = [line.strip() for line in screen_text(app).splitlines()]
            run = next(n for n, line in enumerate(lines) if line.startswith("Run the selected case"))
            assert "(r)" in lines[run] + lines[run + 1], lines[run : run + 2]

    asyncio.run(scenario())


def test_the_footer_offers_no_key_a_text_field_types(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path, lang="en")
        async with app.run_test(size=NARROW) as pilot:
            await pilot.pause()
            assert "/ Filter" in footer_line(app)
            await pilot.press("slash", "a", "slash")
            await pilot.pause()
            assert app.query_one("#filter", Input).value == "a/"
            assert "/ Filter" not in footer_line(app), footer_line(app)
            await pilot.press("escape", "4", "ctrl+f")
            await pilot.pause()
            assert app.focused is not None and app.focused.id == "trace-query"
            assert "/ Filter" not in footer_line(app), footer_line(app)
            await pilot.press("escape")  # back to the trace panes: « / » goes to the filter again
            await pilot.pause()
            assert "/ Filter" in footer_line(app), footer_line(app)
            await pilot.press("slash")
            assert app.focused is not None and app.focused.id == "filter"

    asyncio.run(scenario())


@pytest.mark.parametrize(("lang", "said"), [("fr", "palette (Ctrl+P)"), ("en", "palette (Ctrl+P)")])
def test_the_help_says_the_palette_runs_the_actions_without_a_key(tmp_path: Path, lang: str, said: str) -> None:
    from testbench.tui import actions as registry
    from testbench.tui.screens import HelpScreen

    async def scenario() -> None:
        app = make_app(tmp_path, lang=lang)
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            await pilot.press("f1")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            table = app.screen.query(Static).first().content
            keys = dict(zip(table.columns[2].cells, table.columns[0].cells, strict=True))  # id -> its key, as shown
            keyless = [spec.id for spec in registry.ACTIONS if not spec.key]
            assert keyless and all(" ".join(str(keys[i]).split()) == said for i in keyless), keys
            assert keys["coverage"] == "c" and "—" not in keys.values()

    asyncio.run(scenario())
