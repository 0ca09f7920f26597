"""A merge forced over a modified input (``merge --allow-tampered``) is on the report's cover, in either
language; a modified session's chain problems are read in the report's language."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from shard_content import run_demo

from testbench.cli.main import main
from testbench.report.build import BuildOptions, build_report

PAIR = ("-k", "DEMO-FSE-001 or DEMO-FSE-002")


def _tamper(session: Path) -> None:
    with sqlite3.connect(session) as conn:
        conn.execute("UPDATE attempts SET reason = 'retouché'")
    conn.close()


def _report(session: Path, out: Path, lang: str) -> tuple[str, dict]:
    build_report(session, out, BuildOptions(lang=lang))
    return (out / "index.html").read_text(encoding="utf-8"), json.loads((out / "report.json").read_text("utf-8"))


def test_a_forced_merge_is_on_the_cover_in_the_reports_language(tmp_path: Path) -> None:
    one, two = tmp_path / "1.tbsession", tmp_path / "2.tbsession"
    assert run_demo(one, "--shard", "1/2", *PAIR) == 0 and run_demo(two, "--shard", "2/2", *PAIR) == 0
    tampered = tmp_path / "tampered-shard.tbsession"
    shutil.copy(one, tampered)
    _tamper(tampered)
    forced, plain = tmp_path / "forced.tbsession", tmp_path / "plain.tbsession"
    assert main(["merge", str(tampered), str(two), "-o", str(forced), "--allow-tampered"]) == 0
    assert main(["merge", str(one), str(two), "-o", str(plain)]) == 0

    html, data = _report(forced, tmp_path / "fr", "fr")
    [entry] = data["cover"]["forced_merge"]
    assert entry["file"] == "tampered-shard.tbsession" and entry["problems"][0].startswith("cas DEMO-")
    assert "Fusion forcée" in html and "tampered-shard.tbsession : cas DEMO-" in html
    assert ", tentative 1 — verdict, motif, heure de fin ou durée modifiés après coup (ligne 1 des tentatives," in html
    assert data["integrity"]["chain_ok"]  # the merged session's own chain is whole: the cover says the rest

    html, _ = _report(forced, tmp_path / "en", "en")
    assert "Forced merge" in html
    assert "tampered-shard.tbsession: case DEMO-" in html
    assert ", attempt 1 — verdict, reason, end time or duration changed afterwards (attempts line 1," in html
    assert "Fusion forcée" not in html and "modifié" not in html

    html, data = _report(plain, tmp_path / "plain", "fr")
    assert data["cover"]["forced_merge"] == [] and "Fusion forcée" not in html


def test_a_modified_sessions_chain_problems_are_in_english(tmp_path: Path) -> None:
    session = tmp_path / "s.tbsession"
    assert run_demo(session, *PAIR) == 0
    _tamper(session)
    html, data = _report(session, tmp_path / "en", "en")
    assert not data["integrity"]["chain_ok"]
    assert "broken: case DEMO-" in html
    assert ", attempt 1 — verdict, reason, end time or duration changed afterwards" in html
    assert "verdict, motif" not in html
