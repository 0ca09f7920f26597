"""``r`` on a case whose operator attempt was interrupted: continue it at the interrupted step, or restart.

Assisted operator mode in the workstation (Pilot), on a stand-in application (real files, a real log, the
real capture and session file). First workstation: the engineer performs T-A's invoice and securing in the
application, then quits (ctrl+q) at its lot step; performs T-B's invoice, then quits at its securing. A new
workstation on the same session: ``r`` on T-A offers to continue at step 3 (Enter, the default) or to start
a new attempt; Enter goes on at s-lot — the invoice and the securing are not asked again — and T-A passes in
its one attempt. ``r`` on T-B, then ``n``: a new attempt from step 1 (s-invoice asked again), attempt 1 kept.
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path
from typing import Any

import pytest
from test_assisted_engine import CASE, CASEBOOK, StandInApplication
from test_tui_assisted import _application, _until, confirm

from testbench.cli.main import main
from testbench.store.read import read_session


def _render(screen: Any) -> str:
    from textual.widgets import Button, Static

    return "\n".join([*(str(w.render()) for w in screen.query(Static)), *(str(b.label) for b in screen.query(Button))])


def test_r_continues_an_interrupted_operator_attempt_at_its_step_or_restarts_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from test_tui_helpers import run_log, wait_run

    from testbench.tui.app import WorkstationApp
    from testbench.tui.screens import AttestScreen, ContinueScreen, ExtractedScreen

    monkeypatch.setenv("TESTBENCH_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    app_dir, book = _application(tmp_path)
    cases = "".join(CASE.format(id=case) for case in ("T-A", "T-B", "T-C"))
    book.write_text(CASEBOOK.format(cases=cases), encoding="utf-8")
    application = StandInApplication(app_dir)
    asked: list[str] = []
    seen: dict[str, str] = {}

    async def asked_for(app: WorkstationApp, pilot, step_id: str) -> None:
        await _until(pilot, lambda: isinstance(app.screen, AttestScreen), f"the bench asks for {step_id}")
        asked.append(f"{app.screen.request.case.id}/{app.screen.request.step.id}")
        assert app.screen.request.step.id == step_id, asked

    async def perform(app: WorkstationApp, pilot, step_id: str) -> None:
        """The person performs the step in the application (the stand-in writes its files), then says done."""
        await asked_for(app, pilot, step_id)
        application.perform(app.screen.request.case, app.screen.request.step)
        if step_id == "s-invoice":  # the one value no extractor reads: keyed from the application's screen
            app.screen.query_one("#value-0").focus()
            await pilot.press(*"0.00")
        await confirm(app, pilot)
        if step_id in ("s-invoice", "s-lot"):  # the values read: accepted as read
            await _until(pilot, lambda: isinstance(app.screen, ExtractedScreen), f"{step_id}'s values are shown")
            await pilot.press("escape")

    async def first(app: WorkstationApp) -> None:
        async with app.run_test(size=(140, 44)) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find("T-A").key)
            await pilot.press("r")
            await perform(app, pilot, "s-invoice")
            await perform(app, pilot, "s-secure")
            await asked_for(app, pilot, "s-lot")
            await pilot.press("ctrl+q")  # the engineer quits at step 3
            await app.workers.wait_for_complete()

    async def quit_t_b(app: WorkstationApp) -> None:
        async with app.run_test(size=(140, 44)) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find("T-B").key)
            await pilot.press("r")
            await perform(app, pilot, "s-invoice")
            await asked_for(app, pilot, "s-secure")
            await pilot.press("ctrl+q")
            await app.workers.wait_for_complete()

    async def quit_t_c(app: WorkstationApp) -> None:  # stopped before any step was finished
        async with app.run_test(size=(140, 44)) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find("T-C").key)
            await pilot.press("r")
            await asked_for(app, pilot, "s-invoice")
            await pilot.press("ctrl+q")
            await app.workers.wait_for_complete()

    async def second(app: WorkstationApp) -> None:
        async with app.run_test(size=(140, 44)) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find("T-A").key)
            await pilot.press("r")
            await _until(pilot, lambda: isinstance(app.screen, ContinueScreen), "the choice is offered")
            seen["choice"] = _render(app.screen)
            await pilot.press("enter")  # the default: continue
            await perform(app, pilot, "s-lot")
            await wait_run(app, pilot)
            seen["log"] = run_log(app)
            app.goto_case(app.ws.find("T-B").key)
            await pilot.press("r")
            await _until(pilot, lambda: isinstance(app.screen, ContinueScreen), "the choice is offered for T-B")
            await pilot.press("n")  # a new attempt from step 1
            await asked_for(app, pilot, "s-invoice")
            await pilot.press("ctrl+t")
            await wait_run(app, pilot)
            app.goto_case(app.ws.find("T-C").key)
            await pilot.press("r")  # nothing was done: no choice to make, the attempt goes on at step 1
            await asked_for(app, pilot, "s-invoice")
            seen["t-c"] = run_log(app)
            await pilot.press("ctrl+t")
            await wait_run(app, pilot)

    scenarios = iter([first, quit_t_b, quit_t_c, second])

    def drive(self: WorkstationApp, *args: object, **kwargs: object) -> int:
        asyncio.run(next(scenarios)(self))
        return 0

    monkeypatch.setattr(WorkstationApp, "run", drive)
    session = tmp_path / "s.tbsession"
    argv = ["ui", str(book), "--session", str(session), "--cards", "inprocess", "--engine", "operator"]
    argv += ["--engine-timeout", "2", "--sut-profile", str(app_dir / "sut.toml")]
    for _ in range(4):
        assert main(argv) == 0

    assert asked == [
        "T-A/s-invoice",
        "T-A/s-secure",
        "T-A/s-lot",
        "T-B/s-invoice",
        "T-B/s-secure",
        "T-C/s-invoice",
        "T-A/s-lot",  # continued: the invoice and the securing are not asked again
        "T-B/s-invoice",  # restarted: a new attempt from step 1
        "T-C/s-invoice",  # nothing done: asked at once, no « Tentative inachevée » window
    ]
    choice = seen["choice"]
    assert "Tentative inachevée T-A" in choice
    assert "étapes déjà faites : s-invoice, s-secure." in choice
    assert "Continuer à l'étape 3 (s-lot) (Entrée)" in choice and "Nouvelle tentative depuis l'étape 1 (n)" in choice
    assert (
        "T-A : la tentative 1 continue à l'étape 3 ; ses étapes déjà faites (s-invoice, s-secure) sont gardées"
        in (seen["log"])
    )
    with read_session(session) as view:
        t_a, t_b = (next(c for c in view.cases if c.case_id == case) for case in ("T-A", "T-B"))
        assert [(a.number, a.verdict) for a in t_a.attempts] == [(1, "pass")], t_a.attempts
        assert [s.status for s in view.steps(t_a)] == ["done", "done", "done"]
        assert [a.number for a in t_b.attempts] == [1, 2]
        assert [s.status for s in view.steps(t_b)] == ["pending", "not-run", "not-run"]
        t_c = next(c for c in view.cases if c.case_id == "T-C")
        assert [a.number for a in t_c.attempts] == [1]  # continued, not a second attempt
    assert "T-C : la tentative 1 reprend à l'étape 1 (aucune étape n'était faite)" in seen["t-c"], seen["t-c"]
