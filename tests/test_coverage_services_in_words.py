"""``testbench coverage`` names the plan's chosen services as the book does (« ADRi »), not by their codes
(audit l-f5 6: « Services choisis : adri »), in French and in English."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.casebook.loader import load_casebooks
from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.runner.campaign import record_casebooks
from testbench.store.session import SessionStore

PLAN = CASEBOOKS_DIR / "plans" / "demo-plan.toml"


@pytest.mark.parametrize(("lang", "said"), [("fr", "Services choisis : ADRi\n"), ("en", "Services chosen: ADRi\n")])
def test_the_services_are_in_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, said: str
) -> None:
    session = tmp_path / "s.tbsession"
    with SessionStore.open(session) as store:
        record_casebooks(store, load_casebooks([CASEBOOKS_DIR / "demo.xml"]))
    assert 'services = ["adri"]' in PLAN.read_text(encoding="utf-8")
    main(["coverage", str(session), "--plan", str(PLAN), "--lang", lang])
    out = capsys.readouterr().out
    assert said in out and "adri" not in out.replace("ADRi", ""), out


def test_every_service_a_plan_may_choose_has_its_words() -> None:
    """Each service a plan accepts (scope.plan.SERVICES) has a label: « scor » came out as its code."""
    from testbench.fmt import DOMAIN_LABELS
    from testbench.scope.plan import SERVICES

    assert set(SERVICES) <= set(DOMAIN_LABELS)
