"""« plan-id mal saisi ? » proposes each file given at most once, for the planned plan-id closest to its own."""

from __future__ import annotations

from testbench.scope.check import GivenCasebook, compare
from testbench.scope.plan import parse_plan


def test_one_file_is_proposed_for_one_planned_casebook() -> None:
    plan = parse_plan(
        'format = "testbench-plan/1"\n[[casebooks]]\nplan-id = "PDT-DEMO-01"\n'
        '[[casebooks]]\nplan-id = "PDT-EXAM-001"\n',
        "plan.toml",
    )
    given = [GivenCasebook("demo.xml", "PDT-DEMO-001", "01.00", "", "", "0" * 64, frozenset())]
    lines = [w.text("plan.toml") for w in compare(plan, given)]
    hinted = [line for line in lines if "mal saisi" in line]
    assert hinted == [
        "plan.toml:3:11: avertissement : cahier de tests « PDT-DEMO-01 » du plan absent de cette exécution ;"
        " plan-id mal saisi ? demo.xml a pour plan-id « PDT-DEMO-001 »"
    ]
