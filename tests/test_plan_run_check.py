"""``run --plan`` reads the plan against the casebooks it is given and warns, before any case runs, of each
difference (testbench.scope.check): a planned casebook absent or at another version, a casebook given that
is not in the plan, a mistyped plan id, another PS category. Warnings: the run goes on (docs/exam-plan.md)."""

from __future__ import annotations

from pathlib import Path

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.scope.plan import parse_plan

SEC, DEG = CASEBOOKS_DIR / "psad-fse-securise.xml", CASEBOOKS_DIR / "psad-fse-degrade.xml"
MISMATCH = """format = "testbench-plan/1"
ps-category = "infirmier"

[[casebooks]]
plan-id = "TB-PSAD-FSE-SEC-001"
document-version = "02.00"

[[casebooks]]
plan-id = "TB-PSAD-FSE-DEG-01"
"""


def test_each_difference_is_a_warning_placed_in_the_plan() -> None:
    from testbench.scope.check import plan_warnings  # new: imported here, so the module loads on old code

    plan = parse_plan(MISMATCH, "plan.toml")
    lines = [w.text("plan.toml") for w in plan_warnings(plan, [SEC, DEG])]
    assert lines == [
        f"plan.toml:6:20: avertissement : cahier de tests « TB-PSAD-FSE-SEC-001 » : le plan attend la version 02.00,"
        f" {SEC} est en version 01.00",
        "plan.toml:9:11: avertissement : cahier de tests « TB-PSAD-FSE-DEG-01 » du plan absent de cette exécution ;"
        f" plan-id mal saisi ? {DEG} a pour plan-id « TB-PSAD-FSE-DEG-001 »",
        f"plan.toml : avertissement : {DEG} (plan-id « TB-PSAD-FSE-DEG-001 ») n'est pas dans le plan : ses cas seront"
        " hors périmètre",
        "plan.toml:2:15: avertissement : catégorie de PS « infirmier » dans le plan, « fournisseur-lpp » dans"
        f" {SEC} (<ps-category>)",
    ]
    english = [w.text("plan.toml", "en") for w in plan_warnings(plan, [SEC])]
    assert english[0] == (
        f"plan.toml:6:20: warning: casebook “TB-PSAD-FSE-SEC-001”: the plan expects version 02.00, {SEC} is"
        " version 01.00"
    )
    assert (
        english[1]
        == "plan.toml:9:11: warning: the plan's casebook “TB-PSAD-FSE-DEG-01” is not in this run (coverage: missing)"
    )


def test_a_plan_that_matches_says_nothing() -> None:
    from testbench.scope.check import plan_warnings  # new: imported here, so the module loads on old code

    plan = parse_plan(
        MISMATCH.replace("02.00", "01.00").replace("DEG-01", "DEG-001").replace("infirmier", "fournisseur-lpp"),
        "p.toml",
    )
    assert plan_warnings(plan, [SEC, DEG]) == []


def test_run_warns_before_any_case_and_still_runs(tmp_path: Path, capsys) -> None:
    plan = tmp_path / "plan.toml"
    plan.write_text(MISMATCH, encoding="utf-8")
    session = tmp_path / "s.tbsession"
    argv = ["run", str(SEC), "--session", str(session), "--plan", str(plan), "-k", "PSAD-SEC-001"]
    code = main([*argv, "--cards", "inprocess", "--engine", "inprocess"])
    err = capsys.readouterr().err
    assert code == 0 and session.exists()
    warning = f"testbench run : {plan}:6:20: avertissement : cahier de tests « TB-PSAD-FSE-SEC-001 » : le plan attend"
    assert warning in err
    assert err.index(warning) < err.index("PSAD-SEC-001")  # said before the case ran
    assert f"testbench run : {plan}:9:11: avertissement : cahier de tests « TB-PSAD-FSE-DEG-01 »" in err
    assert "Traceback" not in err
