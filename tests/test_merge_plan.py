"""``merge`` carries the exam plan its inputs recorded over to the merged session; two different plans
among the inputs: the first (in the order given) is kept and the other said (docs/exam-plan.md)."""

from __future__ import annotations

from pathlib import Path

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.scope.coverage import session_coverage
from testbench.store.read import read_session

DEMO = CASEBOOKS_DIR / "demo.xml"
PLAN = CASEBOOKS_DIR / "plans" / "demo-plan.toml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess"]


def run(session: Path, case: str, *extra: str) -> None:
    main(["run", str(DEMO), "--session", str(session), *BENCH, "-k", case, *extra])
    assert session.exists()


def test_the_recorded_plan_survives_the_merge(tmp_path: Path, capsys) -> None:
    first, rerun, merged = tmp_path / "a.tbsession", tmp_path / "b.tbsession", tmp_path / "m.tbsession"
    run(first, "DEMO-FSE-001", "--plan", str(PLAN))
    run(rerun, "DEMO-FSE-002")  # a rerun without --plan
    assert main(["merge", str(first), str(rerun), "-o", str(merged)]) == 0
    assert "plan d'examen" not in capsys.readouterr().err
    with read_session(first) as a, read_session(merged) as m:
        assert m.meta["exam_plan"] == a.meta["exam_plan"]
    assert session_coverage(merged).plan.name == "demo-plan.toml"  # `coverage SESSION` needs no --plan


def test_two_different_plans_keep_the_first_and_say_so(tmp_path: Path, capsys) -> None:
    other = tmp_path / "other-plan.toml"
    other.write_text(PLAN.read_text(encoding="utf-8").replace('services = ["adri"]', "services = []"), "utf-8")
    first, second, merged = tmp_path / "a.tbsession", tmp_path / "b.tbsession", tmp_path / "m.tbsession"
    run(first, "DEMO-FSE-001", "--plan", str(PLAN))
    run(second, "DEMO-FSE-002", "--plan", str(other))
    capsys.readouterr()
    assert main(["merge", str(second), str(first), "-o", str(merged)]) == 0
    err = capsys.readouterr().err
    assert (
        f"{first} : plan d'examen « demo-plan.toml » différent de celui de {second} (« other-plan.toml ») ;"
        f" la session fusionnée garde celui de {second}"
    ) in err
    assert session_coverage(merged).plan.name == "other-plan.toml"
    merged.unlink()
    assert main(["merge", str(second), str(first), "-o", str(merged), "--lang", "en"]) == 0
    err = capsys.readouterr().err
    assert f"{first}: exam plan “demo-plan.toml” differs from that of {second} (“other-plan.toml”)" in err
