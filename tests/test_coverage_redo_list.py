"""``coverage`` lists the cases to redo (« À reprendre », with their retained verdicts) and says on the
header line when a planned casebook is loaded at another version than the plan's (text, English, report)."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.scope.coverage import session_coverage
from testbench.scope.text import coverage_text

DEMO = CASEBOOKS_DIR / "demo.xml"
PLAN = CASEBOOKS_DIR / "plans" / "demo-plan.toml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess"]


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo with its plan and no attestations: DEMO-FSE-030 (a manual step) stays pending, to redo."""
    path = tmp_path_factory.mktemp("redo") / "s.tbsession"
    assert main(["run", str(DEMO), "--session", str(path), *BENCH, "--plan", str(PLAN)]) == 2
    return path


def test_the_cases_to_redo_are_listed_with_their_verdicts(session: Path, capsys) -> None:
    capsys.readouterr()
    assert main(["coverage", str(session)]) == 1
    out = capsys.readouterr().out
    assert "Prêt pour le pré-examen : non — 1 cas à reprendre" in out
    assert "\nÀ reprendre : 1\n  DEMO-FSE-030 : en attente\n" in out
    assert main(["coverage", str(session), "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert "\nTo redo: 1\n  DEMO-FSE-030: pending\n" in out


def test_a_casebook_at_another_version_is_not_said_loaded(session: Path, tmp_path: Path) -> None:
    plan = tmp_path / "v2.toml"
    plan.write_text(PLAN.read_text(encoding="utf-8").replace('"01.00"', '"02.00"'), encoding="utf-8")
    data = session_coverage(session, plan).as_dict()
    assert "  PDT-DEMO-001 02.00 : chargé en version 01.00, le plan attend 02.00\n" in coverage_text(data)
    english = coverage_text(data, "en")
    assert "  PDT-DEMO-001 02.00: loaded at version 01.00, the plan expects 02.00\n" in english
    assert "  PDT-DEMO-001 01.00 : chargé\n" in coverage_text(session_coverage(session).as_dict())


def test_the_report_coverage_page_lists_them_too(session: Path, tmp_path: Path) -> None:
    plan = tmp_path / "v2.toml"
    plan.write_text(PLAN.read_text(encoding="utf-8").replace('"01.00"', '"02.00"'), encoding="utf-8")
    folder = tmp_path / "report"
    assert main(["report", str(session), "-o", str(folder), "--plan", str(plan)]) in (0, 1)
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert 'id="coverage-redo"' in page and 'data-case="DEMO-FSE-030"' in page
    assert "chargé en version 01.00, le plan attend 02.00" in page
