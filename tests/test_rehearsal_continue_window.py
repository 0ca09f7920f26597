"""Exam-day rehearsal: the window that continues an interrupted operator attempt says where what the application
wrote meanwhile went.

The engineer quit the bench at a case's securing step, then built the lot in the application before reopening
it: the lot and its log line are the securing step's (the operator gap capture), so the lot step would find no new
lot. « Tentative inachevée » says so before Enter continues, and its reason (« … (mode opérateur) ») is no longer
wrapped in a second pair of parentheses (Pilot, French and English).
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

import pytest
from test_tui_operator_window_optional import _app
from test_tui_window_values import SIZE, until

from testbench.runner.resume import Continuation
from testbench.tui.screens import ContinueScreen


def _said(tmp_path: Path, lang: str, following: str) -> list[str]:
    seen: list[str] = []

    async def scenario() -> None:
        app = _app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            if lang == "en":
                await pilot.press("f2")
            case = app.ws.find("TC-OPT").case
            resumed = Continuation(
                attempt_id=1,
                number=1,
                reason="étape s-secure en attente de l'opérateur (mode opérateur)",
                done=("s-invoice",) if following != "—" else ("s-invoice", "s-secure", "s-lot"),
                following=following,
            )
            app.push_screen(ContinueScreen(case, resumed, app.t))
            await until(pilot, lambda: isinstance(app.screen, ContinueScreen), "the window")
            await until(pilot, lambda: bool(app.screen.query("Static")), "the window drawn")
            seen.extend(str(widget.render()) for widget in app.screen.query("Static"))

    asyncio.run(scenario())
    return seen


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_continuing_says_that_what_was_written_while_closed_is_the_interrupted_steps(
    tmp_path: Path, lang: str
) -> None:
    said = _said(tmp_path, lang, "s-secure")
    if lang == "fr":
        assert (
            "La tentative 1 s'est arrêtée avant son verdict — étape s-secure en attente de l'opérateur (mode"
            " opérateur) ; étapes déjà faites : s-invoice." in said
        ), said
        assert (
            "Ce que le logiciel a écrit pendant que le banc était fermé est rattaché à l'étape s-secure ; un fichier"
            " créé entre-temps qu'elle ne lit pas (un lot constitué) va à l'étape suivante du cas qui le lit." in said
        ), said
    else:
        assert any(s.startswith("Attempt 1 stopped before its verdict — ") for s in said), said
        meanwhile = "What the application wrote while the bench was closed goes to step s-secure; "
        assert any(s.startswith(meanwhile) for s in said), said


def test_an_attempt_with_every_step_done_says_nothing_of_a_step_to_go_on_at(tmp_path: Path) -> None:
    said = _said(tmp_path, "fr", "—")
    assert not any("rattaché" in s for s in said), said
