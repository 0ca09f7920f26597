"""Exam day: an operator attempt stopped after its last step and before its verdict (the workstation killed while
the bench read the lot) offers to conclude it — not « Continuer à l'étape 4 (—) » of a three-step case, a step
that does not exist (Pilot, 80x24, French and English; Enter still continues, which concludes the attempt).
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

STEPS = ("s-invoice", "s-secure", "s-lot")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr", "Conclure la tentative (toutes ses étapes sont faites) (Entrée)"),
        ("en", "Conclude the attempt (all its steps are done) (Enter)"),
    ],
)
def test_an_attempt_with_every_step_done_is_concluded(tmp_path: Path, lang: str, expected: str) -> None:
    from testbench.tui.app import WorkstationApp

    steps = tuple(Step(id=step_id, kind=StepKind.MANUAL, instruction=step_id) for step_id in STEPS)
    book = make_casebook((make_case("EXAM-LPP-003", steps, ()),), tmp_path)
    ws = Workstation([book], tmp_path / "exam.tbsession")
    app = WorkstationApp(ws, bench_factory=fake_bench, settings=Settings(lang=lang), state=UiState(tmp_path / "cfg"))
    # what runner.resume.continuation gives when every step ended before the verdict
    resumed = Continuation(1, 1, "tentative interrompue (processus arrêté avant le verdict)", STEPS, "—")
    answers: list[str | None] = []

    async def scenario() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            app.push_screen(ContinueScreen(ws.find("EXAM-LPP-003").case, resumed, app.t), answers.append)
            await until(pilot, lambda: bool(app.screen.query("#continue")), "the window drawn")
            label = str(app.screen.query_one("#continue").label)
            assert label == expected, label
            assert not app.screen.query("#meanwhile")  # no step left for what the application wrote meanwhile
            await pilot.press("enter")
            await until(pilot, lambda: answers == ["continue"], "Enter continues: the attempt is concluded")

    asyncio.run(scenario())
