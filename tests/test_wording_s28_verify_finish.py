"""``testbench verify`` on a session whose attempt end was edited after the fact: the chain's finish entry covers
the verdict, the reason, the end time and the duration together, so an edited end time or duration is said as
one of the four — never « verdict ou motif modifié », which sends the reviewer to the wrong column (audit s28)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from testbench.cli.main import main

DEMO = Path(__file__).resolve().parents[1] / "casebooks" / "demo.xml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess"]


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    session = tmp_path_factory.mktemp("finish") / "s.tbsession"
    assert main(["run", str(DEMO), "--session", str(session), *BENCH, "-k", "DEMO-FSE-001"]) == 0
    return session


@pytest.mark.parametrize(
    "edit",
    ["UPDATE attempts SET ended_wall = ended_wall + 3600", "UPDATE attempts SET duration_ms = duration_ms * 2"],
    ids=["end time", "duration"],
)
def test_an_edited_end_time_or_duration_is_named_among_what_the_entry_covers(
    recorded: Path, tmp_path: Path, edit: str, capsys: pytest.CaptureFixture[str]
) -> None:
    session = tmp_path / "edited.tbsession"
    session.write_bytes(recorded.read_bytes())
    with sqlite3.connect(session) as conn:
        conn.execute(edit)
    conn.close()
    capsys.readouterr()
    assert main(["verify", str(session)]) == 1
    out = capsys.readouterr().out
    assert (
        "cas DEMO-FSE-001, tentative 1 — verdict, motif, heure de fin ou durée modifiés après coup (ligne 1 des"
        " tentatives, entrée"
    ) in out, out
    assert "verdict ou motif modifié" not in out
    assert main(["verify", str(session), "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert (
        "case DEMO-FSE-001, attempt 1 — verdict, reason, end time or duration changed afterwards (attempts line 1,"
        " entry"
    ) in out, out
