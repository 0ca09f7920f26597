"""``coverage`` on a session whose journal chain does not verify (audit s23 §1): a verdict edited in SQLite read
« Prêt pour le pré-examen : oui », exit 0, while ``verify`` said ALTÉRÉ and ``diff``/``report`` warned. The
coverage now says the session is altered, keeps « prêt » off, exits 2 as they do, and its JSON holds
``integrity``."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.scope.coverage import session_coverage
from testbench.scope.text import coverage_text

DEMO = CASEBOOKS_DIR / "demo.xml"
PLAN = CASEBOOKS_DIR / "plans" / "demo-plan.toml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess", "--plan", str(PLAN)]


def test_an_altered_session_is_never_ready(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = tmp_path / "s.tbsession"
    assert main(["run", str(DEMO), "--session", str(session), *BENCH]) in (0, 1, 2)  # DEMO-FSE-030 pending
    with sqlite3.connect(session) as conn:  # the pending case forged to pass
        conn.execute("UPDATE attempts SET verdict = 'pass', reason = '' WHERE verdict <> 'pass'")
    conn.close()
    coverage = session_coverage(session)
    assert not coverage.ready and coverage.chain_problems
    data = coverage.as_dict(detail=True)
    assert "integrity" not in coverage.as_dict()  # report.json's section keeps its published shape
    assert data["integrity"]["chain_ok"] is False and data["integrity"]["chain_problems"]
    assert coverage_text(data, "en").startswith("WARNING: altered session (journal chain broken)")
    capsys.readouterr()
    assert main(["coverage", str(session)]) == 2
    out, err = capsys.readouterr()
    assert "session altérée (chaîne du journal rompue)" in err and "Prêt pour le pré-examen : non" in out
    assert main(["coverage", str(session), "--format", "json", "--lang", "en"]) == 2
    out, err = capsys.readouterr()
    assert json.loads(out)["integrity"]["chain_ok"] is False and "altered" in err


def test_a_whole_session_says_its_chain_is_whole(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = tmp_path / "s.tbsession"
    attestations = CASEBOOKS_DIR / "demo-attestations.json"
    assert main(["run", str(DEMO), "--session", str(session), *BENCH, "--attestations", str(attestations)]) in (0, 1)
    capsys.readouterr()
    assert main(["coverage", str(session), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ready"] and data["integrity"] == {"chain_ok": True, "chain_problems": []}
