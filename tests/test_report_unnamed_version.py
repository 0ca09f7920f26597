"""A run that does not name the software (a ``--rerun`` without ``--sut``) is « not said », not another version:
« versions mélangées » only between two versions actually named, on the cover, in the JUnit and in ``merge``'s
refusal of CI shards; a product nothing names reads « non renseigné » once (audit s24, 3)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.report.cover import mixed_versions
from testbench.store.model import ProductVersion

DEMO = CASEBOOKS_DIR / "demo.xml"
REF = ("testbench-reference", "0.1.0")


def test_a_blank_part_is_not_another_version() -> None:
    named = ProductVersion(*REF, "GestPSAD", "4.2")
    assert not mixed_versions([named, ProductVersion(*REF)])
    assert not mixed_versions([named, ProductVersion(*REF, "GestPSAD")])
    assert mixed_versions([named, ProductVersion(*REF), ProductVersion(*REF, "GestPSAD", "4.3")])
    assert mixed_versions([named, ProductVersion(REF[0], "0.2.0", "GestPSAD", "4.2")])


def test_a_rerun_without_sut_is_not_mixed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session, book = tmp_path / "s.tbsession", tmp_path / "rep"
    bench = ["run", str(DEMO), "--session", str(session), "--cards", "inprocess"]
    assert main([*bench, "-k", "DEMO-FSE-001 or DEMO-FSE-002", "--sut", "GestPSAD", "--sut-version", "4.2"]) == 0
    assert main([*bench, "--rerun", "-k", "DEMO-FSE-002"]) == 0
    assert main(["report", str(session), "-o", str(book)]) == 0
    capsys.readouterr()
    assert json.loads((book / "report.json").read_text(encoding="utf-8"))["cover"]["mixed_versions"] is False
    html = (book / "index.html").read_text(encoding="utf-8")
    assert "versions mélangées" not in html
    suite = etree.parse(str(book / "junit.xml")).getroot()
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert properties["testbench.versions.mixed"] == "false"
    (run,) = etree.HTML(html).xpath('//tr[@id="run-2"]')
    assert run.xpath("./td[5]")[0].text == "non renseigné"
