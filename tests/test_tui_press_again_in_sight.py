"""A key that would drop what a window holds warns at its first press and acts at the next only while that warning
is in sight (Pilot, session file on disk). The review window's Escape and Ctrl+Q counted presses: a notice put on
the window's line in place of the warning (the session read again, a reader unplugged…), and the next press
dropped the reason or the value typed, unwarned. Now it warns again — as Escape already did in the tools' windows
(tests/test_s30_verify_ui_tool_escape.py)."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

import pytest
from test_tui_app import select
from test_tui_helpers import make_app, toasts, wait_run
from textual.widgets import Input, Static, Tree

from testbench.store.read import read_session
from testbench.tui.screens import AttestScreen, HelpScreen, ReviewScreen

SIZE = (130, 40)
#: a notice another part of the workstation puts on the window's line meanwhile (its words do not matter)
OTHER = "Fichier de session de nouveau lisible : exam.tbsession ; il est relu"
CLOSE_REVIEW = {
    "fr": "Échap à nouveau pour fermer sans enregistrer : le motif tapé sera perdu (Ctrl+S enregistre l'annotation)",
    "en": "Esc again to close without saving: the reason typed will be lost (Ctrl+S saves the annotation)",
}
QUIT_REVIEW = {
    "fr": "Ctrl+Q encore pour quitter : le motif tapé sera perdu ; l'annotation ne sera pas enregistrée",
    "en": "Ctrl+Q again to quit: the reason typed will be lost; the annotation will not be recorded",
}
QUIT_STEP = {"fr": "Ctrl+Q encore pour quitter : la valeur tapée sera perdue", "en": "Ctrl+Q again to quit: the value"}


def notice(window) -> str:
    line = window.query_one("#notice", Static)
    return str(line.content) if line.has_class("-shown") else ""


async def review_window(app, pilot) -> ReviewScreen:
    """The review window of a failed case, a reason typed in it."""
    await pilot.pause()
    await select(app, pilot, "TC-KO-002")
    await pilot.press("r")
    await wait_run(app, pilot)
    app.query_one("#tree", Tree).focus()
    await pilot.press("a")
    await pilot.pause()
    window = app.screen
    assert isinstance(window, ReviewScreen)
    window.query_one("#reason", Input).focus()
    await pilot.press(*"lecteur débranché")
    return window


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_escape_in_the_review_after_another_notice_warns_again(tmp_path: Path, lang: str) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path, lang=lang)
        async with app.run_test(size=SIZE) as pilot:
            window = await review_window(app, pilot)
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is window and notice(window) == CLOSE_REVIEW[lang]
            app.notify(OTHER)  # on the window's notice line, in the warning's place
            await pilot.pause()
            assert CLOSE_REVIEW[lang] not in notice(window)
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is window, "one Escape dropped the reason typed, its warning no longer in sight"
            assert notice(window) == CLOSE_REVIEW[lang]
            assert window.query_one("#reason", Input).value == "lecteur débranché"
            await pilot.press("escape")  # the warning in sight: it closes
            await pilot.pause()
            assert len(app.screen_stack) == 1

    asyncio.run(scenario())


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_ctrl_q_in_the_review_after_another_notice_warns_again(tmp_path: Path, lang: str) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path, lang=lang)
        async with app.run_test(size=SIZE) as pilot:
            window = await review_window(app, pilot)
            await pilot.press("ctrl+q")
            await pilot.pause()
            assert notice(window) == QUIT_REVIEW[lang]
            app.notify(OTHER)
            await pilot.press("ctrl+q")
            await pilot.pause()
            assert app.return_code is None and app.screen is window, "one Ctrl+Q quit, its warning out of sight"
            assert notice(window) == QUIT_REVIEW[lang]
            await pilot.press("ctrl+q")
            await app.workers.wait_for_complete()
        assert app.return_code == 0

    asyncio.run(scenario())


async def manual_step(app, pilot) -> AttestScreen:
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
    return window


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_ctrl_q_in_a_manual_step_after_another_notice_warns_again_then_quits(tmp_path: Path, lang: str) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path, lang=lang)
        async with app.run_test(size=SIZE) as pilot:
            window = await manual_step(app, pilot)
            await pilot.press("ctrl+q")
            await pilot.pause()
            assert notice(window).startswith(QUIT_STEP[lang])
            app.notify(OTHER)
            await pilot.press("ctrl+q")
            await pilot.pause()
            assert app.return_code is None and app.screen is window, "one Ctrl+Q quit, its warning out of sight"
            assert notice(window).startswith(QUIT_STEP[lang])
            assert window.query_one("#value-0", Input).value == "33,6"
            await pilot.press("ctrl+q")
            await app.workers.wait_for_complete()
        assert app.return_code == 0

    asyncio.run(scenario())
    with read_session(tmp_path / "exam.tbsession") as view:  # quit as warned: the step stays pending
        assert next(c for c in view.cases if c.case_id == "TC-MAN-003").verdict == "pending"


def test_ctrl_q_under_the_help_warns_in_a_toast_and_the_next_quits_while_it_is_shown(tmp_path: Path) -> None:
    """The help over the manual step's window hides its notice line: the warning said there is out of sight, so
    Ctrl+Q from the help warns again, in a toast, and the next Ctrl+Q (that toast shown) quits."""

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            window = await manual_step(app, pilot)
            await pilot.press("ctrl+q")
            await pilot.pause()
            assert notice(window).startswith(QUIT_STEP["fr"])
            await pilot.press("f1")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            await pilot.press("ctrl+q")
            await pilot.pause()
            assert app.return_code is None, "Ctrl+Q quit under the help, its warning hidden by it"
            assert QUIT_STEP["fr"] in toasts(app)
            await pilot.press("ctrl+q")
            await app.workers.wait_for_complete()
        assert app.return_code == 0

    asyncio.run(scenario())


def test_an_empty_value_is_confirmed_absent_only_while_its_question_is_in_sight(tmp_path: Path) -> None:
    """Ctrl+S with an expected value left empty asks once; another notice in its place, the next Ctrl+S asks again
    instead of recording the value absent."""

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            window = await manual_step(app, pilot)
            await pilot.press(*["backspace"] * 4, "ctrl+s")
            await pilot.pause()
            asked = notice(window)
            assert asked.startswith("Champ vide : ") and "Ctrl+S encore pour confirmer quand même" in asked
            app.notify(OTHER)
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert app.screen is window, "the value was recorded absent, its question no longer in sight"
            assert notice(window) == asked
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert app.screen is not window

    asyncio.run(scenario())


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "Ctrl+T encore pour arrêter l'exécution : la valeur tapée sera perdue"),
        ("en", "Ctrl+T again to stop the run: the value typed will be lost"),
    ],
)
def test_ctrl_t_in_a_manual_step_after_another_notice_warns_again(tmp_path: Path, lang: str, said: str) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path, lang=lang)
        async with app.run_test(size=SIZE) as pilot:
            window = await manual_step(app, pilot)
            await pilot.press("ctrl+t")
            await pilot.pause()
            assert notice(window).startswith(said)
            app.notify(OTHER)
            await pilot.press("ctrl+t")
            await pilot.pause()
            assert app.screen is window and not app.operator.stop.is_set(), "one Ctrl+T stopped, unwarned"
            assert notice(window).startswith(said)
            await pilot.press("ctrl+t")
            await wait_run(app, pilot)
            assert not isinstance(app.screen, AttestScreen) and not app.running

    asyncio.run(scenario())


@pytest.mark.parametrize(
    ("lang", "said"),
    [("fr", "Échap à nouveau pour abandonner vos corrections"), ("en", "Esc again to drop your corrections")],
)
def test_escape_in_the_values_read_after_another_notice_warns_again(tmp_path: Path, lang: str, said: str) -> None:
    from test_tui_typed_kept import review_request

    from testbench.tui.screens import ExtractedScreen

    answers: list[object] = []

    async def scenario() -> None:
        app = make_app(tmp_path, lang=lang)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            window = ExtractedScreen(review_request(app), app.t)
            app.push_screen(window, answers.append)
            await pilot.pause()
            await pilot.press(*["backspace"] * 5, *"33.60", "tab", *"vu", "escape")
            await pilot.pause()
            assert notice(window).startswith(said)
            app.notify(OTHER)
            await pilot.press("escape")
            await pilot.pause()
            assert not answers and app.screen is window, "one Escape dropped the corrections, unwarned"
            assert notice(window).startswith(said)
            await pilot.press("escape")
            await pilot.pause()
            assert answers == [{}]  # the values as read, the corrections dropped as warned

    asyncio.run(scenario())
