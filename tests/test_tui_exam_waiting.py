"""The exam view says when the bench waits for the application's outputs after the operator said a step done:
what it waits for (each extractor's folder and glob, or its name for the log) and how long at most, in French and
in English; the line goes once the wait is over. The engine tells it through the run's events (``OutputsAwaited``);
the widgets only show what ``tui.exam`` computes."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

import pytest
from test_operator_not_found import SilentApplication, _drawn
from test_tui_assisted import _application, _until, confirm
from test_tui_exam import demo_case, plain

from testbench.cli.main import main
from testbench.engines.operator.assisted import OutputsAwaited
from testbench.tui import exam
from testbench.tui.texts import make_translator


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "en attente des sorties du logiciel : fse (*.xml), journal — 12 s au plus"),
        ("en", "waiting for the application's outputs: fse (*.xml), journal — 12 s at most"),
    ],
)
def test_the_step_line_says_what_is_awaited_and_until_when(lang: str, said: str) -> None:
    case = demo_case()
    progress = exam.ExamProgress(case, attempt_id=1, started=100.0)
    progress.step = case.steps[0]
    progress.awaiting = OutputsAwaited(case.steps[0].id, ("fse (*.xml)", "journal"), 15.0, 100.0 + 15)
    t = make_translator(lang)
    line = exam.step_line(case, progress, t, now=103.5).plain
    assert line.splitlines()[1] == said, line
    assert "\n" not in exam.step_line(case, progress, t, now=115.0).plain  # the wait is over: no longer said
    progress.awaiting = OutputsAwaited(case.steps[0].id, (), 0.0, 103.5)  # told over before its deadline
    assert "\n" not in exam.step_line(case, progress, t, now=104.0).plain
    progress.step = case.steps[1]  # another step: not its wait
    progress.awaiting = OutputsAwaited(case.steps[0].id, ("journal",), 15.0, 115.0)
    assert "\n" not in exam.step_line(case, progress, t, now=104.0).plain


def test_the_exam_view_says_the_bench_waits_for_the_applications_outputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from test_tui_helpers import wait_run

    from testbench.tui.app import WorkstationApp
    from testbench.tui.exam_view import ExamView
    from testbench.tui.screens import AttestScreen

    monkeypatch.setenv("TESTBENCH_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    app_dir, book = _application(tmp_path)
    application = SilentApplication(app_dir)  # the FSE, but no log line: the bench waits its whole timeout
    seen: dict[str, str] = {}

    async def perform(app: WorkstationApp, pilot, step_id: str) -> None:
        await _until(pilot, lambda: isinstance(app.screen, AttestScreen), f"the bench asks for {step_id}")
        application.perform(app.screen.request.case, app.screen.request.step)
        await confirm(app, pilot)

    async def scenario(app: WorkstationApp) -> None:
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find("T-FIX").key)
            await pilot.press("7", "r")
            view = app.query_one("#exam-view", ExamView)

            def step() -> str:
                return plain(view.query_one("#exam-step").content, width=150)

            await perform(app, pilot, "s-invoice")
            await _until(pilot, lambda: "en attente" in step(), "the exam view says the bench waits")
            seen["fr"] = step()
            await pilot.press("f2")
            await _until(pilot, lambda: "waiting for" in step(), "the same in English")
            seen["en"] = step()
            await pilot.press("f2")
            await _until(pilot, lambda: _drawn(app.screen), "the invoice's values are shown")
            await pilot.pause(0.6)
            seen["after"] = step()
            await pilot.press("enter")
            await perform(app, pilot, "s-secure")
            await perform(app, pilot, "s-lot")
            await _until(pilot, lambda: _drawn(app.screen), "the lot's window is shown")
            await pilot.press("enter")
            await wait_run(app, pilot)

    def drive(self: WorkstationApp, *args: object, **kwargs: object) -> int:
        asyncio.run(scenario(self))
        return 0

    monkeypatch.setattr(WorkstationApp, "run", drive)
    argv = ["ui", str(book), "--session", str(tmp_path / "s.tbsession"), "--cards", "inprocess"]
    argv += ["--engine", "operator", "--engine-timeout", "6", "--sut-profile", str(app_dir / "sut.toml")]
    assert main(argv) == 0
    assert "étape s-invoice (1/3)" in seen["fr"]
    assert "en attente des sorties du logiciel : fse (*.xml), journal — " in seen["fr"], seen["fr"]
    assert " s au plus" in seen["fr"]
    assert "waiting for the application's outputs: fse (*.xml), journal — " in seen["en"], seen["en"]
    assert "en attente" not in seen["after"]  # the values are read: the wait is over
