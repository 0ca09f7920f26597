"""The exam plan's ``[[excluded]]`` (and a requirement's ``domain``) read a mode or a domain as ``-k mode:`` and
``domain:`` do: a code or its name in French or English, case and accents aside (one rule,
:func:`testbench.casebook.selection.codes_named`)."""

from __future__ import annotations

import pytest

from testbench.scope.plan import PlanError, parse_plan

HEAD = 'format = "testbench-plan/1"\n[[casebooks]]\nplan-id = "PDT-DEMO-001"\n'


def _excluded(key: str, value: str) -> str:
    return HEAD + f'[[excluded]]\n{key} = "{value}"\nreason = "hors périmètre"\n'


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("dégradé", "degrade"),
        ("Degrade", "degrade"),
        ("SÉCURISÉ", "securise"),
        ("SESAM sans Vitale", "sesam-sans-vitale"),
    ],
)
def test_excluded_mode_by_its_name(value: str, code: str) -> None:
    plan = parse_plan(_excluded("mode", value), "plan.toml")
    assert plan.excluded[0].mode == code
    assert plan.excluded_reason("PDT-DEMO-001", "X", mode=code, domain="fse") == "hors périmètre"


@pytest.mark.parametrize(("value", "code"), [("cartes", "cards"), ("Cards", "cards"), ("Lots et retours", "lot")])
def test_excluded_domain_by_its_name(value: str, code: str) -> None:
    plan = parse_plan(_excluded("domain", value), "plan.toml")
    assert plan.excluded[0].domain == code
    assert plan.excluded_reason("PDT-DEMO-001", "X", mode="none", domain=code) == "hors périmètre"


def test_requirement_domain_by_its_name() -> None:
    plan = parse_plan(HEAD + '[[requirements]]\nid = "REQ-1"\ndomain = "cartes"\n', "plan.toml")
    assert plan.requirements[0].domain == "cards"


def test_an_unknown_mode_is_still_refused() -> None:
    with pytest.raises(PlanError) as caught:
        parse_plan(_excluded("mode", "dégradée"), "plan.toml")
    assert "mode inconnu « dégradée »" in "\n".join(caught.value.lines())
