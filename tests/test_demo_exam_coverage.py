"""The exam-day rehearsal on the demo application has its exam plan, ``casebooks/plans/exam-demo-plan.toml``
(ours, a demonstration): the plan names what the exam casebook's cases cover, ``testbench demo --exam``
records it in its session, and with the planted flaw the coverage shows the ALD requirement to redo.

The runs use in-process cards (the exam casebook reads no Vitale card; its CPS is a virtual one): no
reader, no pcscd.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from demo_exams import GROUP, Rehearsal
from lxml import etree, html

from testbench.casebook.loader import load_casebook
from testbench.cli.demo_cmd import demo_casebook, demo_plan
from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.runner.exits import EXIT_ENVIRONMENT, EXIT_FAILED, EXIT_OK
from testbench.scope.plan import load_plan, parse_plan, recorded_plan

PLAN = CASEBOOKS_DIR / "plans" / "exam-demo-plan.toml"
EXAM = CASEBOOKS_DIR / "exam-demo.xml"
#: the cases the planted flaw « ald-rate » fails (an invoice line in relation to the ALD)
ALD_CASES = {"EXAM-COV-001", "EXAM-COV-004"}


def test_the_exam_plan_is_the_rehearsals_and_names_what_its_cases_cover() -> None:
    assert demo_plan(exam=True) == PLAN and demo_casebook(exam=True) == EXAM
    assert demo_plan() == CASEBOOKS_DIR / "plans" / "demo-plan.toml"  # the plain demo keeps its own
    plan, casebook = load_plan(PLAN), load_casebook(EXAM)
    assert [(c.plan_id, c.document_version) for c in plan.casebooks] == [
        (casebook.identity.plan_id, casebook.identity.document_version)
    ]
    assert plan.ps_category == casebook.identity.ps_category and plan.services == ()
    assert plan.excluded == ()  # every case is in scope: the rehearsal is the whole exam
    named = {r for case in casebook.cases for r in case.requirements}
    assert all(case.requirements for case in casebook.cases)
    # the catalogue is exactly what the cases name: nothing uncovered, nothing « hors catalogue »
    assert {r.id for r in plan.requirements} == named
    ald = {case.id for case in casebook.cases if "VF34.02" in case.requirements}
    assert ald == ALD_CASES | {"EXAM-COV-002"}  # the ALD patient whose care is not in relation with it
    assert recorded_plan({"exam_plan": plan.recorded()}) == parse_plan(plan.text, "exam-demo-plan.toml")


def test_the_exam_plan_says_it_is_ours_and_applies_the_rules_by_analogy() -> None:
    text = PLAN.read_text(encoding="utf-8")
    assert text.startswith("# DÉMONSTRATION") and "Ce n'est pas un document du CNDA" in text
    plan = {r.id: r for r in load_plan(PLAN).requirements}
    assert {r.source for r in plan.values()} == {"FIDES ACE (établissements), par analogie"}
    # the BR capped at a price below the tariff is testbench's rule (docs/reference-engine.md)
    assert "règle testbench" in plan["RG_VF644"].title and plan["RG_VF644"].basis == "interpretation"
    assert "ALD" in plan["VF34.02"].title and "100 %" in plan["VF34.02"].title


def _statuses(coverage: dict) -> dict[str, tuple[str, dict[str, str]]]:
    return {r["id"]: (r["status"], {c["case_id"]: c["verdict"] for c in r["cases"]}) for r in coverage["requirements"]}


@pytest.mark.slow
@GROUP
def test_demo_exam_records_its_plan_and_the_rehearsal_is_ready(demo_exam: Rehearsal, capsys) -> None:
    code, out = demo_exam.code, demo_exam.report
    assert code == EXIT_OK
    coverage = json.loads((out / "report.json").read_text(encoding="utf-8"))["coverage"]
    assert coverage["plan"]["name"] == "exam-demo-plan.toml"
    assert (coverage["ready"], coverage["counts"]["passed"], coverage["out_of_scope"], coverage["gaps"]) == (
        True,
        25,
        [],
        [],
    )
    assert {rid: status for rid, (status, _) in _statuses(coverage).items()} == dict.fromkeys(
        ("RG_VF644", "RG_VF669", "RG_VF670", "VF34.02", "RG_MF633"), "passed"
    )
    page = html.fromstring((out / "index.html").read_text(encoding="utf-8"))
    assert page.xpath("//section[@id='coverage']/h2/text()") == ["Couverture du plan d'examen"]
    session = demo_exam.session
    capsys.readouterr()
    assert main(["coverage", str(session), "--format", "json"]) == EXIT_OK  # the recorded plan, no file
    assert json.loads(capsys.readouterr().out)["plan"]["name"] == "exam-demo-plan.toml"
    assert main(["coverage", "--plan", str(PLAN), str(session)]) == EXIT_OK
    assert "Prêt pour le pré-examen : oui" in capsys.readouterr().out


@pytest.mark.slow
@GROUP
def test_the_planted_flaw_leaves_the_ald_requirement_to_redo(demo_exam_flawed: Rehearsal, capsys) -> None:
    code, out = demo_exam_flawed.code, demo_exam_flawed.report
    assert code == EXIT_FAILED
    coverage = json.loads((out / "report.json").read_text(encoding="utf-8"))["coverage"]
    assert coverage["ready"] is False
    assert coverage["counts"] == {"passed": 23, "accepted": 0, "open": 2, "not-run": 0}
    assert {c["case_id"] for c in coverage["cases"] if c["status"] == "open"} == ALD_CASES
    statuses = _statuses(coverage)
    assert statuses["VF34.02"] == ("open", {"EXAM-COV-001": "fail", "EXAM-COV-002": "pass", "EXAM-COV-004": "fail"})
    assert statuses["RG_VF670"][0] == "open"  # the AMO of those lines is wrong too
    assert {rid for rid, (status, _) in statuses.items() if status == "passed"} == {"RG_VF644", "RG_VF669", "RG_MF633"}
    capsys.readouterr()
    assert main(["coverage", str(demo_exam_flawed.session)]) == EXIT_FAILED  # not ready: exit 1
    shown = capsys.readouterr().out
    assert "Prêt pour le pré-examen : non — 2 cas à reprendre" in shown
    assert "EXAM-COV-001 échec, EXAM-COV-002 réussi, EXAM-COV-004 échec" in shown
    # the same run's JUnit fails exactly those cases, nothing in error or skipped; the application's folder beside
    cases = etree.parse(str(out / "junit.xml")).findall(".//testcase")
    failed = {c.get("name", "").split()[0] for c in cases if c.find("failure") is not None}
    assert len(cases) == 25 and failed == ALD_CASES
    assert not [c for c in cases if c.find("error") is not None or c.find("skipped") is not None]
    assert (out / "index.html").is_file() and (demo_exam_flawed.app / "logs" / "demo-erp.log").is_file()


def test_demo_exam_on_a_terminal_gives_the_workstation_its_plan(tmp_path: Path, monkeypatch) -> None:
    """The live rehearsal (the workstation, its scripted operator): the plan its runs record and ``c`` reads."""
    from testbench.tui.app import WorkstationApp

    monkeypatch.setenv("TESTBENCH_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    seen: list = []

    def opened(self: WorkstationApp, *args: object, **kwargs: object) -> int:
        seen.append((self.campaign_options.plan, self.campaign_options.plan_record))
        return 0

    monkeypatch.setattr(WorkstationApp, "run", opened)
    # the window closed before any case ran: the code is the session's, not concluded (2), as headless
    assert main(["demo", "--exam", "--cards", "inprocess", "--output", str(tmp_path / "demo")]) == EXIT_ENVIRONMENT
    ((plan, record),) = seen
    assert plan == PLAN and record == load_plan(PLAN).recorded()


def test_the_bare_command_opens_the_demo_with_its_plan(tmp_path: Path, monkeypatch) -> None:
    """``testbench`` alone, the first time: the demo in the workstation, its plan given as ``testbench demo``
    gives it."""
    from testbench.cli.ui_cmd import default_ui
    from testbench.tui.app import WorkstationApp

    monkeypatch.setenv("TESTBENCH_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    seen: list = []

    def opened(self: WorkstationApp, *args: object, **kwargs: object) -> int:
        seen.append((self.campaign_options.plan, self.campaign_options.plan_record))
        return 0

    monkeypatch.setattr(WorkstationApp, "run", opened)
    assert default_ui() == EXIT_OK
    ((plan, record),) = seen
    assert plan == demo_plan() and record == load_plan(demo_plan()).recorded()
