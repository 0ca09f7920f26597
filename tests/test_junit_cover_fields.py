"""The JUnit says the software as the cover does (a version completed with `testbench cover` included), and a case
not run because the bench could not start is an error of a type that says so."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from testbench.cli.main import main

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "casebooks" / "demo.xml"


def test_a_version_completed_afterwards_is_the_junit_s_too(tmp_path: Path) -> None:
    session, book = tmp_path / "s.tbsession", tmp_path / "rep"
    bench = ["--cards", "inprocess", "--engine", "inprocess", "--sut", "MonLogiciel"]
    assert main(["run", str(DEMO), "-k", "DEMO-FSE-001", "--session", str(session), *bench]) == 0
    assert main(["cover", str(session), "--sut-version", "4.2"]) == 0
    main(["report", str(session), "-o", str(book)])
    suite = etree.parse(str(book / "junit.xml")).getroot()
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert properties["testbench.sut.name"] == "MonLogiciel"
    assert properties["testbench.sut.version"] == "4.2"
    assert properties["testbench.sut"] == "MonLogiciel 4.2"


def test_a_case_the_bench_could_not_run_is_an_unavailable_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session, junit = tmp_path / "s.tbsession", tmp_path / "junit.xml"
    engine = ["--cards", "inprocess", "--engine", str(tmp_path / "no-such-engine")]
    argv = ["run", str(DEMO), "-k", "DEMO-FSE-001", "--session", str(session), "--junit", str(junit)]
    assert main([*argv, *engine]) == 2
    capsys.readouterr()
    (error,) = etree.parse(str(junit)).getroot().iter("error")
    assert error.get("type") == "unavailable"
    assert error.get("message").startswith("banc indisponible : impossible de lancer le moteur")
