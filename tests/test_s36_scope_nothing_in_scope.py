"""``testbench coverage`` of a session read against a plan whose casebooks it does not hold (a session of another
plan): every heading still says something — « Par domaine » over nothing read as an output cut short."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_report_build import campaign

from testbench.cli.main import main


@pytest.fixture
def other_plan(tmp_path: Path) -> tuple[Path, Path]:
    session = campaign(tmp_path, hostile=False, case_ids=("OK-1",))
    plan = tmp_path / "plan.toml"
    plan.write_text('format = "testbench-plan/1"\n[[casebooks]]\nplan-id = "PDT-AUTRE-001"\n', encoding="utf-8")
    return session, plan


@pytest.mark.parametrize(
    ("lang", "heading", "said"),
    [("fr", "Par domaine", "aucun cas dans le périmètre"), ("en", "By domain", "no case in scope")],
)
def test_no_domain_in_scope_is_said(
    other_plan: tuple[Path, Path], capsys: pytest.CaptureFixture[str], lang: str, heading: str, said: str
) -> None:
    session, plan = other_plan
    assert main(["coverage", str(session), "--plan", str(plan), "--lang", lang]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[lines.index(heading) + 1] == f"  {said}"
