"""The cover's free text — what a person typed for the software, its version, the agrément, the operator, at a run or
with `testbench cover` — goes through the report's scrubber like any text: a PIN never leaves (nor is stored), a NIR
or a birth date is masked unless `--no-redact`; the JUnit's properties likewise."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from lxml import etree

from testbench.cli.main import main

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "casebooks" / "demo.xml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess"]
NIR = "180019999900168"


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo case run naming no software version, agrément nor operator."""
    session = tmp_path_factory.mktemp("cover-redaction") / "s.tbsession"
    assert main(["run", str(DEMO), "-k", "DEMO-FSE-001", "--session", str(session), *BENCH]) == 0
    return session


def _typed(ran: Path, tmp_path: Path) -> Path:
    session = tmp_path / "s.tbsession"
    shutil.copy(ran, session)
    args = ["--operator", "Camille (code porteur : 4719)", "--sut-version", f"v {NIR}", "--agrement", "15/01/1980"]
    assert main(["cover", str(session), *args]) == 0
    return session


def _properties(junit: Path) -> dict[str, str]:
    return {p.get("name"): p.get("value") for p in etree.parse(str(junit)).getroot().iter("property")}


def test_what_cover_completed_is_redacted_in_every_export(ran: Path, tmp_path: Path) -> None:
    session = _typed(ran, tmp_path)
    book = tmp_path / "rep"
    main(["report", str(session), "-o", str(book)])
    for name in ("index.html", "report.json", "junit.xml"):
        text = (book / name).read_text(encoding="utf-8")
        assert "4719" not in text and NIR not in text and "15/01/1980" not in text, name
    cover = json.loads((book / "report.json").read_text(encoding="utf-8"))["cover"]
    assert cover["sut"]["version"] == "v ‹NIR›" and cover["agrement"] == "‹DATE_NAISSANCE›"
    assert "Camille (code porteur : ‹PIN›)" in cover["operators"]
    assert {e["value"] for e in cover["completed"]} == {"v ‹NIR›", "‹DATE_NAISSANCE›", "Camille (code porteur : ‹PIN›)"}
    assert _properties(book / "junit.xml")["testbench.sut.version"] == "v ‹NIR›"


def test_the_pin_typed_in_a_cover_field_is_never_stored_and_no_redact_keeps_the_rest(
    ran: Path, tmp_path: Path
) -> None:
    session = _typed(ran, tmp_path)
    conn = sqlite3.connect(session)
    stored = dict(conn.execute("SELECT key, value FROM meta"))
    conn.close()
    assert stored["operator"] == "Camille (code porteur : ‹PIN›)" and "4719" not in stored["cover_completed"]
    book = tmp_path / "plain"
    main(["report", str(session), "-o", str(book), "--no-redact"])
    cover = json.loads((book / "report.json").read_text(encoding="utf-8"))["cover"]
    assert cover["sut"]["version"] == f"v {NIR}" and cover["agrement"] == "15/01/1980"


def test_what_a_run_was_told_is_redacted_on_the_cover_and_in_the_junit(tmp_path: Path) -> None:
    session, book = tmp_path / "s.tbsession", tmp_path / "rep"
    named = ["--operator", f"ESSAI Paul {NIR}", "--sut", f"Soft {NIR}", "--sut-version", "PIN 4719"]
    assert main(["run", str(DEMO), "-k", "DEMO-FSE-001", "--session", str(session), *BENCH, *named]) == 0
    main(["report", str(session), "-o", str(book)])
    for name in ("index.html", "report.json", "junit.xml"):
        assert NIR not in (book / name).read_text(encoding="utf-8"), name
    properties = _properties(book / "junit.xml")
    assert properties["testbench.sut.name"] == "Soft ‹NIR›" and properties["testbench.sut"] == "Soft ‹NIR› PIN ‹PIN›"
    # the opt-out keeps the NIR, never the PIN
    assert main(["report", str(session), "-o", str(tmp_path / "plain"), "--no-redact"]) == 0
    assert _properties(tmp_path / "plain" / "junit.xml")["testbench.sut"] == f"Soft {NIR} PIN ‹PIN›"
