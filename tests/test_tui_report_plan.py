"""``g`` writes the report with the coverage page of the plan the coverage window shows: the plan chosen with
``p``, else the plan of ``ui --plan`` — as ``testbench report --plan`` (before, ``g`` ignored both, and a
session whose run recorded no plan had a report without the coverage the workstation showed)."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from test_scope_tui import DEMO, PLAN, app_on

from testbench.cli.main import main
from testbench.report.owner import default_folder
from testbench.tui.coverage_screen import CoverageScreen, PlanScreen


def coverage_of(folder: Path) -> dict[str, Any] | None:
    return json.loads((folder / "report.json").read_text(encoding="utf-8")).get("coverage")


@pytest.fixture
def session(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A session whose run recorded no plan; no Chromium (no PDF to print)."""
    monkeypatch.setenv("TESTBENCH_CHROMIUM", str(tmp_path / "no-chromium"))
    path = tmp_path / "s.tbsession"
    run = ["run", str(DEMO), "--session", str(path), "--cards", "inprocess", "--engine", "inprocess"]
    assert main([*run, "-k", "DEMO-FSE-001 or DEMO-FSE-005"]) == 0
    return path


def report_from_the_workstation(app, *, choose_plan: bool) -> None:
    async def scenario() -> None:
        async with app.run_test(size=(140, 45)) as pilot:
            await pilot.pause()
            if choose_plan:
                await pilot.press("p")
                await pilot.pause()
                assert isinstance(app.screen, PlanScreen)
                await pilot.press("enter")  # the plan listed first: demo-plan.toml
                await pilot.pause()
                assert isinstance(app.screen, CoverageScreen)  # the coverage of the plan chosen
                await pilot.press("escape")
                await pilot.pause()
            await pilot.press("g")
            await asyncio.wait_for(app.workers.wait_for_complete(), timeout=60)
            await pilot.pause()

    asyncio.run(scenario())


def test_g_writes_the_coverage_of_the_plan_chosen_with_p_as_report_plan(session: Path, tmp_path: Path) -> None:
    app = app_on(session)
    app.settings.signing_key = tmp_path / "keys" / "none.key"
    report_from_the_workstation(app, choose_plan=True)
    assert app.coverage_plan == PLAN
    written = coverage_of(default_folder(session))
    assert main(["report", str(session), "-o", str(tmp_path / "cli"), "--plan", str(PLAN)]) == 0
    assert written is not None and written == coverage_of(tmp_path / "cli")
    assert main(["report", str(session), "-o", str(tmp_path / "no-plan")]) == 0
    assert coverage_of(tmp_path / "no-plan") is None  # the session recorded none: the plan came from p


def test_g_writes_the_coverage_of_the_plan_of_ui(session: Path, tmp_path: Path) -> None:
    app = app_on(session, plan=PLAN)
    app.settings.signing_key = tmp_path / "keys" / "none.key"
    report_from_the_workstation(app, choose_plan=False)
    written = coverage_of(default_folder(session))
    assert written is not None and written == coverage_of_cli(session, tmp_path)


def coverage_of_cli(session: Path, tmp_path: Path) -> dict[str, Any]:
    assert main(["report", str(session), "-o", str(tmp_path / "cli"), "--plan", str(PLAN)]) == 0
    found = coverage_of(tmp_path / "cli")
    assert found is not None
    return found


def test_without_a_key_g_says_how_to_create_it_in_the_workstation(tmp_path: Path) -> None:
    """The book is unsigned and the note points to the workstation's own ways to create the key, in the
    language shown — never to ``testbench keys init``."""
    from testbench.tui.review_report import report_choices
    from testbench.tui.texts import make_translator

    key, _, notes = report_choices(tmp_path / "none.pem")
    assert key is None
    (unsigned,) = [note for note in notes if note.startswith("rapport non signé")]
    assert "« Créer la clé » dans la palette" in unsigned and "keys init" not in unsigned
    english = make_translator("en")(unsigned)
    assert english.startswith("unsigned report: no signing key") and "“Create the key” in the palette" in english
