"""Plan checks: ``casebooks = []`` is no casebook; an exclusion naming a plan-id the plan does not have is an
error with the close plan-id proposed; an exclusion written twice is said; a plan not in UTF-8 is placed on
its first bad byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.scope.plan import PlanError, load_plan, parse_plan

HEAD = 'format = "testbench-plan/1"\n'
CASEBOOK = '[[casebooks]]\nplan-id = "PDT-DEMO-001"\n'


def problems(text: str, lang: str | None = None) -> list[str]:
    with pytest.raises(PlanError) as info:
        parse_plan(text, "plan.toml")
    return info.value.lines(lang)


def test_an_empty_casebooks_list_is_no_casebook() -> None:
    assert problems(HEAD + "casebooks = []\n") == [
        "plan.toml:2:1: le plan ne nomme aucun cahier de tests ([[casebooks]])"
    ]


def test_an_exclusion_of_an_unknown_casebook_is_placed_with_a_guess() -> None:
    text = HEAD + CASEBOOK + '[[excluded]]\ncase = "DEMO-FSE-099"\ncasebook = "PDT-DEM0-001"\nreason = "r"\n'
    assert problems(text) == [
        "plan.toml:6:12: exclusion : cahier de tests « PDT-DEM0-001 » absent du plan ([[casebooks]] plan-id)"
        " — vouliez-vous dire « PDT-DEMO-001 » ?"
    ]
    [english] = problems(text, "en")
    assert "did you mean “PDT-DEMO-001”" in english


def test_an_exclusion_given_twice_is_said() -> None:
    one = '[[excluded]]\ncase = "DEMO-FSE-099"\nreason = "r"\n'
    assert problems(HEAD + CASEBOOK + one + one) == ["plan.toml:8:8: exclusion de « DEMO-FSE-099 » donnée deux fois"]


@pytest.mark.parametrize(("encoding", "place"), [("latin-1", "plan.toml:1:4"), ("utf-16", "plan.toml:1:1")])
def test_a_plan_not_in_utf8_is_placed(tmp_path: Path, encoding: str, place: str) -> None:
    path = tmp_path / "plan.toml"
    path.write_bytes(("# Déjà\n" + HEAD + CASEBOOK).encode(encoding))
    with pytest.raises(PlanError) as info:
        load_plan(path)
    assert info.value.lines() == [
        f"{tmp_path / place}: pas du texte UTF-8 (octet illisible) : enregistrez-le en UTF-8"
    ]
