"""The plan pins a casebook's evolution (``evolution`` in ``[[casebooks]]``, checked like the document
version) and excludes cases by mode or domain (``[[excluded]] mode = …``), which coverage honours."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.scope.coverage import session_coverage
from testbench.scope.plan import PlanError, parse_plan
from testbench.scope.text import coverage_text

DEMO = CASEBOOKS_DIR / "demo.xml"  # evolution EV000; DEMO-FSE-031 is its one SESAM sans Vitale case
BASE = 'format = "testbench-plan/1"\nps-category = "demonstration"\n\n[[casebooks]]\nplan-id = "PDT-DEMO-001"\n'


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("evo") / "s.tbsession"
    main(["run", str(DEMO), "--session", str(path), "--cards", "inprocess", "--engine", "inprocess"])
    return path


def plan_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plan.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_evolution_is_read_and_checked_like_the_version(session: Path, tmp_path: Path) -> None:
    from testbench.scope.check import plan_warnings  # new: imported here, so the module loads on old code

    plan = parse_plan(BASE + 'evolution = "EV112"\n', "plan.toml")
    assert plan.casebooks[0].evolution == "EV112"
    [warning] = plan_warnings(plan, [DEMO])
    assert warning.text("plan.toml") == (
        f"plan.toml:6:13: avertissement : cahier de tests « PDT-DEMO-001 » : le plan attend l'évolution EV112,"
        f" {DEMO} est en EV000"
    )
    coverage = session_coverage(session, plan_file(tmp_path, BASE + 'evolution = "EV112"\n'))
    assert [g.kind for g in coverage.blocking_casebooks] == ["casebook-evolution"] and not coverage.ready
    text = coverage_text(coverage.as_dict())
    assert "  PDT-DEMO-001 : chargé en évolution EV000, le plan attend EV112\n" in text
    assert "cahier de tests PDT-DEMO-001 : évolution EV000 au lieu de EV112" in text
    assert not session_coverage(session, plan_file(tmp_path, BASE + 'evolution = "EV000"\n')).blocking_casebooks


def test_an_exclusion_by_mode_puts_every_such_case_out_of_scope(session: Path, tmp_path: Path) -> None:
    text = BASE + '\n[[excluded]]\nmode = "sesam-sans-vitale"\nreason = "produit sans SESAM sans Vitale"\n'
    coverage = session_coverage(session, plan_file(tmp_path, text))
    out = {c.case_id: (why, reason) for c, why, reason in coverage.out_of_scope}
    assert out == {"DEMO-FSE-031": ("excluded", "produit sans SESAM sans Vitale")}
    assert "DEMO-FSE-031" not in {c.case_id for c in coverage.cases}
    assert not [g for g in coverage.gaps if g.kind == "exclusion-unknown"]
    by_domain = BASE + '\n[[excluded]]\ndomain = "cards"\nreason = "pas de lecture de carte"\n'
    cards = session_coverage(session, plan_file(tmp_path, by_domain))
    assert {c.domain for c, _, _ in cards.out_of_scope} == {"cards"} and len(cards.out_of_scope) == 2


def test_an_exclusion_by_mode_is_checked() -> None:
    text = BASE + '\n[[excluded]]\nmode = "sans-vitale"\n\n[[excluded]]\ncase = "X"\nmode = "degrade"\nreason = "r"\n'
    with pytest.raises(PlanError) as info:
        parse_plan(text, "plan.toml")
    assert info.value.lines() == [
        "plan.toml:7:1: exclusion de « mode = sans-vitale » sans motif (reason est obligatoire)",
        "plan.toml:8:8: mode inconnu « sans-vitale » (connus : securise, degrade, sesam-sans-vitale)",
        "plan.toml:11:1: exclusion de « X » : un cas (case), ou un mode et un domaine, pas les deux",
    ]
