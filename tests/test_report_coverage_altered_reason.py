"""The book's coverage page of an altered session (audit s23-verify1 R3): « Prêt pour le pré-examen : non » with
every count fine and no gap, and no reason — the page read the coverage section, which keeps report.json's
published shape (no ``integrity``). The page now says « session altérée », from the book's own integrity check,
and report.json's ``coverage`` section keeps its shape."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR

DEMO = CASEBOOKS_DIR / "demo.xml"
PLAN = CASEBOOKS_DIR / "plans" / "demo-plan.toml"
ATTESTATIONS = CASEBOOKS_DIR / "demo-attestations.json"
BENCH = ["--cards", "inprocess", "--engine", "inprocess", "--plan", str(PLAN), "--attestations", str(ATTESTATIONS)]


def _ready_line(folder: Path) -> str:
    page = (folder / "index.html").read_text(encoding="utf-8")
    found = re.search(r'<p id="coverage-ready"[^>]*>(.*?)</p>', page, re.S)
    assert found is not None
    return re.sub(r"<[^>]+>", "", found.group(1))


def test_the_coverage_page_says_the_session_is_altered(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = tmp_path / "s.tbsession"
    assert main(["run", str(DEMO), "--session", str(session), *BENCH]) in (0, 1)
    with sqlite3.connect(session) as conn:  # a whole chain edited after the fact: a case's reason changed
        conn.execute("UPDATE attempts SET reason = 'forged' WHERE rowid = (SELECT min(rowid) FROM attempts)")
    conn.close()
    for lang, said in (("fr", "Prêt pour le pré-examen : non — session altérée"), ("en", "altered session")):
        out = tmp_path / f"rep-{lang}"
        assert main(["report", str(session), "-o", str(out), "--lang", lang]) == 2
        line = _ready_line(out)
        assert said in line, line
        coverage = json.loads((out / "report.json").read_text(encoding="utf-8"))["coverage"]
        assert not coverage["ready"] and "integrity" not in coverage  # the published schema's shape
    capsys.readouterr()
