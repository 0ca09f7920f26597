"""What is typed in the run options window (``o``: benches in parallel, a CI shard) and in the plan window (``p``: the
path of an exam plan) survives the workstation's end as a tool window's does: kept as typed in
``SESSION.draft.json``, said as the session opens, offered back — said recovered, counted as typed — when that
window opens again after a closed terminal, a crash or ``kill -9``; it goes once applied, or when Escape or Ctrl+Q,
told they drop it, close the window. It used to be lost silently. Keyboard only; Pilot, a real session on disk;
leaving ``run_test`` without the quit is what a killed process leaves."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

import pytest
from test_tui_helpers import make_app, run_log, toasts
from textual.widgets import Input, Static

from testbench.paths import CASEBOOKS_DIR
from testbench.tui.coverage_screen import PlanScreen
from testbench.tui.run_options_screen import RunOptionsScreen
from testbench.tui.workstation import draft_path

SIZE = (120, 36)
RECOVERED = {
    "fr": "Saisie récupérée : tapée dans cette fenêtre avant la fermeture du poste d'examen, pas encore appliquée.",
    "en": "Input recovered: typed in this window before the exam workstation closed, not yet applied.",
}
KEPT = {
    "fr": "{label} : saisie tapée avant la fermeture du poste d'examen, pas encore appliquée ;"
    " « {label} » (touche {key}) la reprend",
    "en": "{label}: input typed before the exam workstation closed, not yet applied;"
    " “{label}” (key {key}) takes it back",
}


async def _window(app, pilot, key: str, kind: type) -> object:
    await pilot.pause()
    await pilot.press(key)
    for _ in range(50):
        if isinstance(app.screen, kind):
            return app.screen
        await pilot.pause(0.05)
    pytest.fail(f"{key} opened no {kind.__name__}")


async def _kept(app, pilot, name: str, values: dict[str, str] | None) -> None:
    """Wait until the draft of window ``name`` holds ``values`` (written a short pause after the change)."""
    for _ in range(100):
        draft = app.ws.tool_draft(name)
        if (draft.values if draft is not None else None) == values:
            return
        await pilot.pause(0.05)
    pytest.fail(f"{values} never kept for {name}")


def _notice(window) -> str:
    return str(window.query_one("#notice", Static).render())


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_run_options_typed_come_back_after_a_kill_then_go_once_left(tmp_path: Path, lang: str) -> None:
    session = tmp_path / "exam.tbsession"

    async def typed_then_killed() -> None:
        app = make_app(tmp_path, lang=lang)
        async with app.run_test(size=SIZE) as pilot:
            await _window(app, pilot, "o", RunOptionsScreen)
            await pilot.press("end", "backspace", "3", "tab", *"2/4")
            await _kept(app, pilot, "run-options", {"workers": "3", "shard": "2/4"})
            # the app ends as a killed process: nothing of its quit runs

    async def reopened() -> None:
        app = make_app(tmp_path, lang=lang)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            said = KEPT[lang].format(label="Options", key="o")
            assert said in toasts(app) and said in run_log(app)  # said as the session opens
            window = await _window(app, pilot, "o", RunOptionsScreen)
            assert said not in toasts(app)  # the window says it now, on its own line
            assert _notice(window).startswith(RECOVERED[lang]), _notice(window)
            shown = (window.query_one("#workers", Input).value, window.query_one("#shard", Input).value)
            assert shown == ("3", "2/4")
            assert window.typed()  # recovered counts as typed: Escape warns before dropping it
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is window and draft_path(session).is_file()
            await pilot.press("escape")  # told it drops what was typed: it does
            await _kept(app, pilot, "run-options", None)
            assert app.screen is not window and app.campaign_options.workers == 1  # nothing applied

    asyncio.run(typed_then_killed())
    assert draft_path(session).is_file()
    asyncio.run(reopened())
    assert not draft_path(session).exists()


def test_the_plan_path_typed_comes_back_after_a_kill_stays_when_refused_and_goes_once_chosen(tmp_path: Path) -> None:
    lang = "en"  # French: the run options' test, the same sentences
    session = tmp_path / "exam.tbsession"
    missing = "plans/mon-plan.toml"  # read from the working folder: not there

    async def typed_then_killed() -> None:
        app = make_app(tmp_path, lang=lang)
        async with app.run_test(size=SIZE) as pilot:
            await _window(app, pilot, "p", PlanScreen)
            await pilot.press("tab", *missing)  # from the list of plans shipped to the path
            await _kept(app, pilot, "coverage-plan", {"path": missing})

    async def reopened() -> None:
        app = make_app(tmp_path, lang=lang)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            said = KEPT[lang].format(label="Plan", key="p")
            assert said in toasts(app) and said in run_log(app)
            window = await _window(app, pilot, "p", PlanScreen)
            path = window.query_one("#plan-path", Input)
            assert path.value == missing and path.has_focus and window.typed()
            assert _notice(window).startswith(RECOVERED[lang]), _notice(window)
            await pilot.press("enter")  # refused (no such file): the window stays, the path kept
            await pilot.pause()
            assert app.screen is window and app.ws.tool_draft("coverage-plan") is not None
            plan = str(CASEBOOKS_DIR / "plans" / "demo-plan.toml")
            path.value = plan  # (typed key by key, a long path costs seconds here)
            await _kept(app, pilot, "coverage-plan", {"path": plan})
            await pilot.press("enter")  # a plan that reads: chosen, the coverage shown, nothing left to offer back
            await _kept(app, pilot, "coverage-plan", None)
            assert app.coverage_plan == Path(plan)

    asyncio.run(typed_then_killed())
    asyncio.run(reopened())
    assert not draft_path(session).exists()


def test_ctrl_q_told_drops_the_run_options_typed(tmp_path: Path) -> None:
    session = tmp_path / "exam.tbsession"

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            window = await _window(app, pilot, "o", RunOptionsScreen)
            await pilot.press("tab", *"1/2")
            await _kept(app, pilot, "run-options", {"shard": "1/2"})
            await pilot.press("ctrl+q")
            await pilot.pause()
            assert app.screen is window and app.is_running and draft_path(session).is_file()
            await pilot.press("ctrl+q")
            for _ in range(100):
                await pilot.pause(0.05)
                if not app.is_running:
                    break

    asyncio.run(scenario())
    assert not draft_path(session).exists()
