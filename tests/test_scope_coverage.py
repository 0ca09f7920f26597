"""Coverage of an exam plan by real sessions of the demo casebook: counts, gaps and the ready flag.

Each session is produced by ``testbench run`` on ``casebooks/demo.xml`` (in-process cards and engine:
the scope is under test, not the bench). Expected figures, from the casebook: 22 cases; the demo plan
excludes DEMO-FSE-099 (built to fail), so 21 are in scope; DEMO-FSE-030 ends with a manual step, which
stays pending without prepared attestations.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.scope.coverage import compute_coverage, session_coverage
from testbench.scope.plan import load_plan
from testbench.store.read import read_session

DEMO = CASEBOOKS_DIR / "demo.xml"
PLAN = CASEBOOKS_DIR / "plans" / "demo-plan.toml"
ATTESTATIONS = CASEBOOKS_DIR / "demo-attestations.json"
BENCH = ["--cards", "inprocess", "--engine", "inprocess"]


def run(session: Path, *extra: str) -> int:
    return main(["run", str(DEMO), "--session", str(session), *BENCH, *extra])


def coverage(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["coverage", *args])
    return code, capsys.readouterr().out


def plan_variant(tmp: Path, text: str, name: str = "plan.toml") -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def pending_session(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo run with the demo plan, no attestations: DEMO-FSE-030 pending, DEMO-FSE-099 failed."""
    session = tmp_path_factory.mktemp("pending") / "s.tbsession"
    assert run(session, "--plan", str(PLAN)) == 2  # a pending manual step: not concluded
    return session


@pytest.fixture(scope="module")
def attested_session(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo run with its prepared attestations and no plan: everything passes but DEMO-FSE-099."""
    session = tmp_path_factory.mktemp("attested") / "s.tbsession"
    assert run(session, "--attestations", str(ATTESTATIONS)) == 1
    return session


def test_run_records_the_plan_and_coverage_counts_a_pending_case_as_open(pending_session, capsys) -> None:
    code, out = coverage(capsys, str(pending_session))  # no --plan: the one run --plan recorded
    assert code == 1
    assert "Plan d'examen : demo-plan.toml — Logiciel de démonstration 1.0" in out
    assert "Prêt pour le pré-examen : non — 1 cas à reprendre\n" in out
    assert "Cas dans le périmètre : 21 — réussi 20, accepté en revue 0, à reprendre 1, jamais exécuté 0" in out
    assert "DEMO-FSE-099 exclu : cas construit pour échouer" in out
    with read_session(pending_session) as session:
        result = compute_coverage(session, load_plan(PLAN))
    assert [c.case_id for c in result.cases if c.status == "open"] == ["DEMO-FSE-030"]
    rows = {r.id: r for r in result.requirements}
    # DEMO-FSE-030 names RG_VF644 and RG_VF670: both are open; RG_VF671 (C2S cases) passed
    assert rows["RG_VF644"].status == rows["RG_VF670"].status == "open"
    assert rows["RG_VF671"].status == "passed"
    assert [c.case_id for c in rows["RG_VF671"].cases] == ["DEMO-FSE-004", "DEMO-FSE-005"]
    assert "ADD8-APCV-01" not in rows  # its service (apcv) is not chosen by the plan
    fse = next(d for d in result.domains if d.domain == "fse")
    assert (fse.total, fse.ready, fse.verdicts) == (18, 17, {"pending": 1, "pass": 17})
    assert result.gaps == ()


def test_the_flag_is_on_when_every_case_in_scope_passed(attested_session, capsys) -> None:
    code, out = coverage(capsys, "--plan", str(PLAN), str(attested_session))
    assert code == 0
    assert "Prêt pour le pré-examen : oui\n" in out
    assert "réussi 21, accepté en revue 0, à reprendre 0, jamais exécuté 0" in out


def test_an_accepted_review_of_the_failed_case_keeps_it_not_ready(attested_session, tmp_path, capsys) -> None:
    without_exclusion = re.sub(r"\[\[excluded\]\]\n(?:[^\[\n].*\n)*", "", PLAN.read_text(encoding="utf-8"))
    assert "DEMO-FSE-099" not in without_exclusion
    plan = plan_variant(tmp_path, without_exclusion)
    session = tmp_path / "reviewed.tbsession"
    session.write_bytes(attested_session.read_bytes())
    code, out = coverage(capsys, "--plan", str(plan), str(session))
    assert code == 1 and "Cas dans le périmètre : 22 — réussi 21, accepté en revue 0, à reprendre 1" in out
    key = tmp_path / "k.pem"
    assert main(["keys", "init", "--key", str(key)]) == 0
    review = ["review", str(session), "DEMO-FSE-099", "--reason", "écart connu, accepté", "--key", str(key)]
    assert main([*review, "--comment"]) == 0  # a comment decides nothing
    assert coverage(capsys, "--plan", str(plan), str(session))[0] == 1
    assert main([*review, "--accept"]) == 0
    code, out = coverage(capsys, "--plan", str(plan), str(session), "--format", "json")
    data = json.loads(out)
    assert data["format"] == "testbench-coverage/1"  # the documented format id (docs/exam-plan.md)
    assert code == 1 and data["ready"] is False  # accepting a failure confirms it (audit s22)
    assert data["counts"] == {"passed": 21, "accepted": 1, "open": 0, "not-run": 0}
    accepted = next(c for c in data["cases"] if c["case_id"] == "DEMO-FSE-099")
    assert (accepted["verdict"], accepted["status"]) == ("fail", "accepted")  # the retained verdict stays fail


def test_gaps_name_missing_casebooks_versions_services_requirements_and_cases_never_run(tmp_path, capsys) -> None:
    session = tmp_path / "some.tbsession"
    assert run(session, "-k", "DEMO-FSE-001 or DEMO-FSE-002") == 0
    text = PLAN.read_text(encoding="utf-8")
    text = text.replace('services = ["adri"]', 'services = ["adri", "scor"]')
    text += '\n[[requirements]]\nid = "RG_NEW_01"\ntitle = "Une règle sans cas"\n'
    text += '\n[[excluded]]\ncase = "DEMO-NOPE"\nreason = "n\'existe pas"\n'
    plan = plan_variant(tmp_path, text)
    result = session_coverage(session, plan)
    kinds = [(g.kind, g.subject) for g in result.gaps]
    never_run = [s for k, s in kinds if k == "case-not-run"]
    assert len(never_run) == 19 and "DEMO-FSE-001" not in never_run and "DEMO-FSE-030" in never_run
    assert ("service-uncovered", "scor") in kinds and ("service-uncovered", "adri") not in kinds  # adri: a tag
    assert ("requirement-uncovered", "RG_NEW_01") in kinds
    assert ("exclusion-unknown", "DEMO-NOPE") in kinds
    assert result.counts == {"passed": 2, "accepted": 0, "open": 0, "not-run": 19} and not result.ready

    other_version = plan_variant(tmp_path, text.replace('document-version = "01.00"', 'document-version = "02.00"'))
    code, out = coverage(capsys, "--plan", str(other_version), str(session))
    assert code == 1
    assert "cahier de tests PDT-DEMO-001 : version 01.00 au lieu de 02.00" in out
    assert "Prêt pour le pré-examen : non — 19 cas jamais exécutés, 1 cahier de tests absent" in out
    missing = plan_variant(tmp_path, text + '\n[[casebooks]]\nplan-id = "PDT-AUTRE"\n', "missing.toml")
    assert ("casebook-missing", "PDT-AUTRE") in [(g.kind, g.subject) for g in session_coverage(session, missing).gaps]


def test_coverage_speaks_english_and_refuses_a_session_without_plan(attested_session, capsys) -> None:
    code, out = coverage(capsys, "--plan", str(PLAN), str(attested_session), "--lang", "en")
    assert code == 0
    assert "Ready for the pre-exam: yes\n" in out
    assert "Cases in scope: 21 — passed 21, accepted in review 0, to redo 0, never run 0" in out
    assert "RG_VF671 — Pénalité hors parcours de soins (MTM) ; sa note : aucun dépassement pour un bénéficiaire de la C2S (appliquée ici à la LPP, facture refusée) [testbench's interpretation]: covered, passed" in out  # noqa: E501 - plan text as written, its basis in English
    assert "réussi" not in out and "Prêt" not in out
    code = main(["coverage", str(attested_session)])
    err = capsys.readouterr().err
    assert code == 3 and "aucun plan d'examen : donnez --plan PLAN" in err and "Traceback" not in err
    assert ".tbsession : aucun plan d'examen" in err, err  # a file alone, then the sentence: French spacing
