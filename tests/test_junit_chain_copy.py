"""The JUnit a CI keeps (``report --junit FILE``, ``run --junit FILE``, the files docs/ci.md's recipes publish) says
the journal chain as the report's own ``junit.xml`` does: a session forged with one SQL statement gets its
« intégrité de la session » error testcase and ``chain_ok`` false in the copy too, not a green suite."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from testbench.cli.main import main

CASEBOOKS = Path(__file__).resolve().parents[1] / "casebooks"
DEMO = CASEBOOKS / "demo.xml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess", "--attestations", str(CASEBOOKS / "demo-attestations.json")]
FORGE = "update attempts set verdict='pass', reason='' where case_id='DEMO-FSE-099'"


def _timeless(path: Path) -> str:
    return re.sub(r' time="[^"]*"', "", path.read_text(encoding="utf-8"))


def test_the_junit_copy_of_a_forged_session_is_not_green(tmp_path: Path) -> None:
    session = tmp_path / "s.tbsession"
    main(["run", str(DEMO), "--session", str(session), *BENCH])
    with sqlite3.connect(session) as conn:
        conn.execute(FORGE)
    conn.close()
    copy = tmp_path / "junit.xml"
    assert main(["report", str(session), "-o", str(tmp_path / "rep"), "--junit", str(copy)]) == 2
    text = copy.read_text(encoding="utf-8")
    assert 'tests="23" failures="0" errors="1"' in text
    assert 'type="altered"' in text and '<property name="testbench.session.chain_ok" value="false"/>' in text
    assert _timeless(copy) == _timeless(tmp_path / "rep" / "junit.xml")


def test_the_junit_of_a_run_says_the_chain_as_its_report(tmp_path: Path) -> None:
    session, junit, report = tmp_path / "s.tbsession", tmp_path / "junit.xml", tmp_path / "rep"
    main(["run", str(DEMO), "--session", str(session), *BENCH, "--junit", str(junit), "--report", str(report)])
    assert '<property name="testbench.session.chain_ok" value="true"/>' in junit.read_text(encoding="utf-8")
    assert _timeless(junit) == _timeless(report / "junit.xml")
