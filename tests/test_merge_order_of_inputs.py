"""The merged campaign does not depend on the order of ``merge``'s inputs (audit s26 C2): shards run with their
casebooks in other orders are one campaign, merged in the plan ids' order whichever input comes first."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.store.read import read_session

DEMO, BILLING = CASEBOOKS_DIR / "demo.xml", CASEBOOKS_DIR / "billing.xml"
ATTESTATIONS = CASEBOOKS_DIR / "demo-attestations.json"
BENCH = ["--cards", "inprocess", "--engine", "inprocess", "--attestations", str(ATTESTATIONS)]


def merged(session: Path) -> tuple[list[str], list[str]]:
    with read_session(session) as view:
        return [cb.plan_id for cb in view.casebooks], [c.case_id for c in view.cases]


def test_the_merged_order_is_the_campaigns_not_the_inputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    one, two = tmp_path / "shard-1.tbsession", tmp_path / "shard-2.tbsession"
    assert main(["run", str(DEMO), str(BILLING), "--session", str(one), "--shard", "1/2", *BENCH]) in (0, 1)
    assert main(["run", str(BILLING), str(DEMO), "--session", str(two), "--shard", "2/2", *BENCH]) in (0, 1)
    a, b = tmp_path / "a.tbsession", tmp_path / "b.tbsession"
    assert main(["merge", str(one), str(two), "-o", str(a)]) == 0
    assert main(["merge", str(two), str(one), "-o", str(b)]) == 0
    capsys.readouterr()
    assert merged(a) == merged(b)
    plans, cases = merged(a)
    assert plans == sorted(plans) and cases[0].startswith("DEMO-")
