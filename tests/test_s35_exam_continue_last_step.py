"""Exam day: « Tentative inachevée » on an attempt stopped at the case's last step (the lot step, quit with Ctrl+Q)
promises no later step: there is none, and the lot is what that step reads itself (Pilot, 80x24, French and
English). At an earlier step the window still says where a file it does not read goes.
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

import pytest
from fakes import make_case, make_casebook
from test_tui_helpers import fake_bench
from test_tui_window_values import until

from testbench.casebook.model import Step, StepKind
from testbench.runner.resume import Continuation
from testbench.tui.config import Settings, UiState
from testbench.tui.screens import ContinueScreen
from testbench.tui.workstation import Workstation


def _said(tmp_path: Path, lang: str, following: str) -> str:
    from testbench.tui.app import WorkstationApp

    steps = tuple(
        Step(id=step_id, kind=StepKind.MANUAL, instruction=step_id) for step_id in ("s-invoice", "s-secure", "s-lot")
    )
    book = make_casebook((make_case("EXAM-LPP-001", steps, ()),), tmp_path)
    ws = Workstation([book], tmp_path / "exam.tbsession")
    settings = Settings(lang=lang, operator="Opératrice Test")
    app = WorkstationApp(ws, bench_factory=fake_bench, settings=settings, state=UiState(tmp_path / "config"))
    app.animation_level = "none"
    done = ("s-invoice", "s-secure", "s-lot")[: ("s-invoice", "s-secure", "s-lot").index(following)]
    resumed = Continuation(
        attempt_id=1, number=1, reason="étape s-lot en attente de l'opérateur (mode opérateur)", done=done,
        following=following,
    )
    seen: list[str] = []

    async def scenario() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            app.push_screen(ContinueScreen(ws.find("EXAM-LPP-001").case, resumed, app.t))
            await until(pilot, lambda: isinstance(app.screen, ContinueScreen), "the window")
            await until(pilot, lambda: bool(app.screen.query("#meanwhile")), "the window drawn")
            seen.append(str(app.screen.query_one("#meanwhile").render()))

    asyncio.run(scenario())
    return seen[0]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr", "Ce que le logiciel a écrit pendant que le banc était fermé est rattaché à l'étape s-lot, la dernière"
         " du cas."),
        ("en", "What the application wrote while the bench was closed goes to step s-lot, the case's last."),
    ],
)
def test_at_the_last_step_no_later_step_is_promised(tmp_path: Path, lang: str, expected: str) -> None:
    said = _said(tmp_path, lang, "s-lot")
    assert said == expected, said


def test_at_an_earlier_step_the_file_it_does_not_read_still_goes_on(tmp_path: Path) -> None:
    said = _said(tmp_path, "fr", "s-secure")
    assert said.endswith("va à l'étape suivante du cas qui le lit."), said
