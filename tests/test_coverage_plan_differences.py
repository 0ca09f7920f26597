"""``coverage`` says the differences ``run --plan`` warns about (scope/check.py's comparison, one owner): a
casebook the plan does not name, a PS category other than the plan's; neither switches « prêt » off. A
catalogue requirement of a service not chosen that in-scope cases name is shown (« hors catalogue »)."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.scope.coverage import compute_coverage
from testbench.scope.plan import parse_plan
from testbench.scope.text import coverage_text
from testbench.store.read import read_session

DEMO = CASEBOOKS_DIR / "demo.xml"
ATTESTATIONS = CASEBOOKS_DIR / "demo-attestations.json"
HEAD = 'format = "testbench-plan/1"\n'
CASEBOOK = '[[casebooks]]\nplan-id = "PDT-DEMO-001"\ndocument-version = "01.00"\n'
EXCLUDED = '[[excluded]]\ncase = "DEMO-FSE-099"\nreason = "r"\n'


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("differences") / "s.tbsession"
    bench = ["--cards", "inprocess", "--engine", "inprocess", "--attestations", str(ATTESTATIONS)]
    assert main(["run", str(DEMO), "--session", str(path), *bench]) == 1
    return path


def _coverage(session: Path, text: str) -> dict:
    with read_session(session) as view:
        return compute_coverage(view, parse_plan(text, "plan.toml")).as_dict()


def test_another_ps_category_is_said_not_blocking(session: Path) -> None:
    data = _coverage(session, HEAD + 'ps-category = "infirmier"\n' + CASEBOOK + EXCLUDED)
    assert data["ready"]
    assert {"kind": "ps-category", "subject": "demonstration", "expected": "infirmier", "found": "demonstration"} in (
        data["gaps"]
    )
    assert "catégorie de PS « infirmier » dans le plan, « demonstration »" in coverage_text(data, "fr")


def test_a_casebook_outside_the_plan_is_said(session: Path) -> None:
    data = _coverage(session, HEAD + '[[casebooks]]\nplan-id = "PDT-OTHER-001"\n')
    assert [g["kind"] for g in data["gaps"]][:2] == ["casebook-missing", "outside-plan"]
    assert "cahier de tests PDT-DEMO-001 en version 01.00 : dans la session, hors plan" in coverage_text(data, "fr")


def test_a_requirement_of_a_service_not_chosen_named_by_cases_is_shown(session: Path) -> None:
    text = HEAD + CASEBOOK + EXCLUDED + '[[requirements]]\nid = "RG_VF669"\nservice = "apcv"\ntitle = "taux"\n'
    data = _coverage(session, text)
    [row] = [r for r in data["requirements"] if r["id"] == "RG_VF669"]
    assert row["title"] == "taux" and not row["in_catalogue"] and row["cases"]
    assert "RG_VF669 — taux (hors catalogue)" in coverage_text(data, "fr")
