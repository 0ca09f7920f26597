"""A control character typed in ``--sut`` or ``--sut-version`` (an escape sequence pasted from a terminal) is shown
as ``⟨U+001B⟩`` in the JUnit, the cover and report.json: before, lxml refused the JUnit (« erreur interne », no
JUnit, no report) and every later ``report`` of the session crashed the same way (audit s26-ci, finding 1)."""

from __future__ import annotations

import json
from pathlib import Path

from lxml import etree

from testbench.cli.main import main

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "casebooks" / "demo.xml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess"]


def test_a_typed_escape_sequence_is_shown_not_a_crash(tmp_path: Path) -> None:
    session, junit, book = tmp_path / "s.tbsession", tmp_path / "c.xml", tmp_path / "rep"
    typed = ["--sut", "Acme\x07", "--sut-version", "7.1\x1b[0m"]
    run = ["run", str(DEMO), "-k", "DEMO-FSE-001", "--session", str(session), *BENCH, *typed]
    assert main([*run, "--junit", str(junit), "--report", str(book)]) == 0
    properties = {p.get("name"): p.get("value") for p in etree.parse(str(junit)).iter("property")}
    assert properties["testbench.sut.version"] == "7.1⟨U+001B⟩[0m"
    assert properties["testbench.sut"] == "Acme⟨U+0007⟩ 7.1⟨U+001B⟩[0m"
    cover = json.loads((book / "report.json").read_text(encoding="utf-8"))["cover"]
    assert cover["sut"] == {"name": "Acme⟨U+0007⟩", "version": "7.1⟨U+001B⟩[0m"}
    assert cover["runs"][0]["sut"] == cover["sut"]
    assert "7.1⟨U+001B⟩[0m" in (book / "index.html").read_text(encoding="utf-8")

    again = tmp_path / "again"  # the session stays reportable
    assert main(["report", str(session), "-o", str(again), "--junit", str(tmp_path / "c2.xml")]) == 0
