"""``testbench demo`` records the demo casebook's exam plan: its report has the coverage page, in the
language of the command, and ``testbench coverage`` reads the plan from the session without the file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import html

from testbench.cli.main import main

HEADING = {"fr": "Couverture du plan d'examen", "en": "Exam plan coverage"}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_demo_report_has_the_coverage_page_of_the_demo_plan(tmp_path: Path, lang: str, capsys) -> None:
    out = tmp_path / "report"
    assert main(["demo", "--headless", "--lang", lang, "--cards", "inprocess", "--output", str(out)]) == 0
    coverage = json.loads((out / "report.json").read_text(encoding="utf-8"))["coverage"]
    assert coverage["plan"]["name"] == "demo-plan.toml"
    # the case built to fail is out of the demo plan's scope: the 21 others passed, the scope is ready
    assert [(c["case_id"], c["why"]) for c in coverage["out_of_scope"]] == [("DEMO-FSE-099", "excluded")]
    assert (coverage["ready"], coverage["counts"]["passed"], coverage["gaps"]) == (True, 21, [])
    page = html.fromstring((out / "index.html").read_text(encoding="utf-8"))
    assert page.xpath("//section[@id='coverage']/h2/text()") == [HEADING[lang]]
    shown = " ".join(page.xpath("//section[@id='coverage']//text()"))  # the plan's whole hash, to match its file
    assert f"SHA-256 {coverage['plan']['sha256']}" in shown and len(coverage["plan"]["sha256"]) == 64
    capsys.readouterr()
    assert main(["coverage", str(tmp_path / "report.tbsession"), "--format", "json"]) == 0  # ready: exit 0
    assert json.loads(capsys.readouterr().out)["plan"]["name"] == "demo-plan.toml"
