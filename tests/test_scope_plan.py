"""The exam plan file (testbench-plan/1): the demo plan loads; each problem is placed plan.toml:LINE."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.scope.plan import PlanError, load_plan, parse_plan, recorded_plan

PLAN = CASEBOOKS_DIR / "plans" / "demo-plan.toml"
GOOD = """format = "testbench-plan/1"
services = ["adri"]

[[casebooks]]
plan-id = "PDT-X"
"""


def problems(text: str, lang: str | None = None) -> list[str]:
    with pytest.raises(PlanError) as info:
        parse_plan(text, "plan.toml")
    return info.value.lines(lang)


def test_the_demo_plan_loads_and_survives_the_session_record() -> None:
    plan = load_plan(PLAN)
    assert [c.plan_id for c in plan.casebooks] == ["PDT-DEMO-001"]
    assert plan.services == ("adri",) and plan.excluded_reason("PDT-DEMO-001", "DEMO-FSE-099")
    assert recorded_plan({"exam_plan": plan.recorded()}) == parse_plan(plan.text, "demo-plan.toml")


def test_each_problem_is_placed_on_its_line() -> None:
    text = (
        "unknown = 1\n"
        + GOOD.replace('["adri"]', '["adri", "scorr"]')
        + (
            '\n[[excluded]]\ncase = "A"\n'  # line 8: no reason
            '\n[[requirements]]\nid = "-bad"\n'  # line 11
            '\n[[casebooks]]\nplan-id = "PDT-X"\nsha256 = "abc"\nreason = "?"\n'  # line 14
        )
    )
    assert problems(text) == [  # in the file's order, each at its key or value (line:col)
        "plan.toml:1:1: clé inconnue « unknown »",
        "plan.toml:3:21: service inconnu « scorr » (connus : adri, apcv, dre, eprescription, insi, scor)",
        "plan.toml:8:1: exclusion de « A » sans motif (reason est obligatoire)",
        "plan.toml:12:6: identifiant d'exigence invalide « -bad »",
        "plan.toml:15:11: cahier de tests « PDT-X » nommé deux fois",
        "plan.toml:16:10: sha256 de « PDT-X » : 64 chiffres hexadécimaux attendus",
        "plan.toml:17:1: clé inconnue « reason »",
    ]
    assert problems(text, "en")[2] == 'plan.toml:8:1: exclusion of “A” without a reason (reason is required)'


def test_a_toml_syntax_error_and_a_wrong_format_are_placed() -> None:
    assert problems(GOOD + "\nservices = [\n") == [
        "plan.toml:7:13: syntaxe TOML invalide : valeur invalide (texte entre guillemets, nombre, booléen, date,"
        " [liste] ou {table})"
    ]
    assert problems(GOOD.replace("testbench-plan/1", "autre")) == [
        'plan.toml:1:10: format attendu : format = "testbench-plan/1"'
    ]
    assert problems('format = "testbench-plan/1"\n') == [
        "plan.toml:1:1: le plan ne nomme aucun cahier de tests ([[casebooks]])"
    ]


def test_run_refuses_a_bad_plan_before_running_anything(tmp_path: Path, capsys) -> None:
    plan = tmp_path / "plan.toml"
    plan.write_text(GOOD + '\n[[excluded]]\ncase = "X"\n', encoding="utf-8")
    session = tmp_path / "s.tbsession"
    code = main(["run", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(session), "--plan", str(plan)])
    err = capsys.readouterr().err
    assert code == 3 and not session.exists()
    assert f"testbench run : {plan}:7:1: exclusion de « X » sans motif" in err and "Traceback" not in err
    assert main(["coverage", "--plan", str(tmp_path / "absent.toml"), str(session)]) == 3


def test_an_unreadable_plan_is_said_without_the_os_words(tmp_path: Path) -> None:
    absent = tmp_path / "absent.toml"
    with pytest.raises(PlanError) as info:
        load_plan(absent)
    assert info.value.lines() == [f"{absent} : illisible (introuvable)"]
    assert info.value.lines("en") == [f"{absent}: unreadable (not found)"]


def test_a_requirement_in_a_domain_no_case_has_is_refused_on_its_line() -> None:
    """« fsx » for « fse »: the requirement sat alone in a domain of its own on the coverage page."""
    from testbench.scope.plan import PlanError, parse_plan

    text = 'format = "testbench-plan/1"\n[[casebooks]]\nplan-id = "X"\n[[requirements]]\nid = "R1"\ndomain = "fsx"\n'
    with pytest.raises(PlanError) as caught:
        parse_plan(text, "p.toml")
    known = "fse, dre, adri, apcv, insi, eprescription, lot, cards"
    assert caught.value.lines() == [f"p.toml:6:10: domaine inconnu « fsx » (connus : {known})"]
    assert caught.value.lines("en") == [f"p.toml:6:10: unknown domain “fsx” (known: {known})"]
