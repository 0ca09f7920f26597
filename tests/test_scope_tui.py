"""The workstation shows the exam plan's coverage (key ``c``): the very text ``testbench coverage`` prints,
in the workstation's language, from the plan the run recorded or the one ``ui --plan`` gave."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

from test_tui_helpers import fake_bench, wait_run
from textual.widgets import Static

from testbench.casebook.loader import load_casebooks
from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.runner.options import CampaignOptions
from testbench.tui.config import Settings, UiState
from testbench.tui.coverage_screen import CoverageScreen
from testbench.tui.workstation import Workstation

DEMO = CASEBOOKS_DIR / "demo.xml"
PLAN = CASEBOOKS_DIR / "plans" / "demo-plan.toml"


def app_on(session: Path, lang: str = "fr", plan: Path | None = None):
    from testbench.tui.app import WorkstationApp

    app = WorkstationApp(
        Workstation(load_casebooks([DEMO]), session),
        bench_factory=fake_bench,
        settings=Settings(lang=lang, operator="Opératrice Test"),
        state=UiState(session.parent / "cfg"),
        options=CampaignOptions(plan=plan),
    )
    app.animation_level = "none"
    return app


def shown(app, capsys, lang: str, *cli: str) -> tuple[str, str]:
    """What the window shows and what ``testbench coverage`` prints for the same session."""

    async def scenario() -> str:
        async with app.run_test(size=(140, 45)) as pilot:
            await pilot.press("c")
            await pilot.pause()
            assert isinstance(app.screen, CoverageScreen)
            text = app.screen.query_one("#coverage-text", Static).content.plain
            await pilot.press("escape")
            await pilot.pause()
            assert not isinstance(app.screen, CoverageScreen)
            return text

    window = asyncio.run(scenario())
    capsys.readouterr()
    main(["coverage", *cli, "--lang", lang])
    return window, capsys.readouterr().out


def test_the_window_shows_what_the_cli_prints_from_the_recorded_plan(tmp_path: Path, capsys) -> None:
    session = tmp_path / "s.tbsession"
    run = ["run", str(DEMO), "--session", str(session), "--cards", "inprocess", "--engine", "inprocess"]
    assert main([*run, "--plan", str(PLAN), "-k", "DEMO-FSE-001 or DEMO-FSE-005"]) == 0
    window, printed = shown(app_on(session), capsys, "fr", str(session))
    assert window == printed
    assert "Prêt pour le pré-examen : non — 19 cas jamais exécutés" in window
    window, printed = shown(app_on(session, "en"), capsys, "en", str(session))
    assert window == printed and "Ready for the pre-exam: no — 19 cases never run" in window


def test_the_window_uses_the_plan_of_ui_and_says_why_there_is_none(tmp_path: Path, capsys) -> None:
    session = tmp_path / "s.tbsession"
    run = ["run", str(DEMO), "--session", str(session), "--cards", "inprocess", "--engine", "inprocess"]
    assert main([*run, "-k", "DEMO-FSE-001"]) == 0  # no plan recorded
    window, printed = shown(app_on(session, plan=PLAN), capsys, "fr", "--plan", str(PLAN), str(session))
    assert window == printed and f"Plan d'examen : {PLAN} — Logiciel de démonstration 1.0" in window
    # no plan: the CLI names --plan, the workstation its plan window's key (p), never the flag
    window, _ = shown(app_on(session), capsys, "fr", str(session))
    assert window == f"{session} : aucun plan d'examen : choisissez-en un avec « Plan » (touche p)"
    window, _ = shown(app_on(session, "en"), capsys, "en", str(session))
    assert window == f"{session}: no exam plan: choose one with “Plan” (key p)"
    app = app_on(session)
    app.settings.keymap = {"coverage-plan": "P"}  # the key tui.toml gives it
    window, _ = shown(app, capsys, "fr", str(session))
    assert window == f"{session} : aucun plan d'examen : choisissez-en un avec « Plan » (touche P)"


def test_a_case_run_in_the_workstation_records_the_plan_of_ui(tmp_path: Path, capsys) -> None:
    from testbench.cli.coverage_cmd import attach_plan

    session = tmp_path / "s.tbsession"
    app = app_on(session)
    assert attach_plan(app.campaign_options, None) == []  # no --plan: nothing to record
    app.campaign_options.plan = PLAN
    assert attach_plan(app.campaign_options, None) == []  # what ``testbench ui --plan`` does

    async def scenario() -> None:
        async with app.run_test(size=(140, 45)) as pilot:
            app.goto_case(app.ws.find("DEMO-FSE-001").key)
            await pilot.pause()
            await pilot.press("r")
            await wait_run(app, pilot)

    asyncio.run(scenario())
    capsys.readouterr()
    assert main(["coverage", str(session)]) == 1  # the plan the workstation's run recorded
    assert "Plan d'examen : demo-plan.toml" in capsys.readouterr().out
