"""A ``--rerun`` whose bench cannot start exits 2: the JUnit then holds an error and the book says, in its header,
on its cover and in its runs table, that the latest run ran nothing — never green under a red job (audit s24, 2)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from lxml import etree

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.report.jsonreport import schema

DEMO = CASEBOOKS_DIR / "demo.xml"


@pytest.fixture
def session(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """DEMO-FSE-001 passed, then a rerun of it on an engine that does not exist."""
    path = tmp_path / "s.tbsession"
    argv = ["run", str(DEMO), "--session", str(path), "--cards", "inprocess", "-k", "DEMO-FSE-001"]
    assert main(argv) == 0
    broken = ["--engine", str(tmp_path / "no-such-engine"), "--junit", str(tmp_path / "j.xml")]
    assert main([*argv, "--rerun", *broken]) == 2
    capsys.readouterr()
    return path


def test_the_junit_of_the_run_that_could_not_start_holds_an_error(session: Path) -> None:
    suite = etree.parse(str(session.parent / "j.xml")).getroot()
    assert (suite.get("tests"), suite.get("errors"), suite.get("failures")) == ("2", "1", "0")
    (error,) = suite.iter("error")
    assert error.get("type") == "unavailable"
    assert error.get("message").startswith("banc indisponible : impossible de lancer le moteur")
    assert error.getparent().get("name") == "exécution 2 non démarrée"


@pytest.mark.parametrize(
    ("lang", "header", "line"),
    [
        (
            "fr",
            "ATTENTION : la dernière exécution (n° 2) n'a exécuté aucun cas : banc indisponible",
            "Dernière exécution",
        ),
        ("en", "WARNING: the latest run (no. 2) ran no case: bench unavailable", "Latest run"),
    ],
)
def test_the_book_says_the_latest_run_ran_nothing(session: Path, lang: str, header: str, line: str) -> None:
    book = session.parent / f"rep-{lang}"
    assert main(["report", str(session), "-o", str(book), "--lang", lang]) == 0
    data = json.loads((book / "report.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema(), cls=jsonschema.Draft202012Validator)
    assert data["cover"]["unavailable"]["run"] == 2
    page = etree.HTML((book / "index.html").read_text(encoding="utf-8"))
    assert "".join(page.xpath('//p[@id="bench-unavailable"]')[0].itertext()).startswith(header)
    (row,) = page.xpath('//tr[@id="cover-unavailable"]')
    assert "".join(row.itertext()).startswith(line)
    (run,) = page.xpath('//tr[@id="run-2"]')
    assert "no-such-engine" in "".join(run.xpath("./td[last()]//strong//text()"))
    suite = etree.parse(str(book / "junit.xml")).getroot()
    assert suite.get("errors") == "1"


def test_a_run_that_started_says_nothing_of_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, book = tmp_path / "s.tbsession", tmp_path / "rep"
    assert main(["run", str(DEMO), "--session", str(path), "--cards", "inprocess", "-k", "DEMO-FSE-001"]) == 0
    assert main(["report", str(path), "-o", str(book)]) == 0
    capsys.readouterr()
    html = (book / "index.html").read_text(encoding="utf-8")
    assert "bench-unavailable" not in html and "cover-unavailable" not in html
    assert json.loads((book / "report.json").read_text(encoding="utf-8"))["cover"]["unavailable"] is None
    assert etree.parse(str(book / "junit.xml")).getroot().get("errors") == "0"
