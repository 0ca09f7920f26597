"""The merged campaign's JUnit suite name does not depend on which shard job started first (audit s26 verify R2):
shards that list their casebooks in different orders are merged with the cases by plan id, and the suite's name
lists the casebooks in that order too — not by the time a shard first recorded them."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from test_merge_order_of_inputs import BENCH, BILLING, DEMO

from testbench.cli.main import main


def test_the_suite_name_follows_the_campaign_not_the_first_shard(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one, two = tmp_path / "shard-1.tbsession", tmp_path / "shard-2.tbsession"
    # the job with billing first starts first: its casebooks are recorded earliest
    assert main(["run", str(BILLING), str(DEMO), "--session", str(two), "--shard", "2/2", *BENCH]) in (0, 1)
    assert main(["run", str(DEMO), str(BILLING), "--session", str(one), "--shard", "1/2", *BENCH]) in (0, 1)
    merged = tmp_path / "m.tbsession"
    assert main(["merge", str(one), str(two), "-o", str(merged)]) == 0
    junit = tmp_path / "junit.xml"
    assert main(["report", str(merged), "-o", str(tmp_path / "rep"), "--junit", str(junit)]) in (0, 1)
    capsys.readouterr()
    suite = etree.parse(str(junit)).getroot()
    suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
    assert suite.get("name") == "PDT-DEMO-001, TB-FACT-LPP-001"
    assert next(suite.iter("testcase")).get("name").startswith("DEMO-")
