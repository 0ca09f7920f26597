"""``testbench verify BOOK --session SESSION`` on a session whose rows were edited after the book was built (its
chain entries untouched): no « ok » says that the session holds « à l'identique » the chain the book was built
from; the anchor is said to match with rows changed, among the problems, before any reassurance.

A real demo session (in-process cards and engine), its book built through the CLI, then a verdict rewritten in
the SQLite file as a forger would.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from testbench.cli.main import main


@pytest.fixture
def edited(demo_session: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path]:
    """(the book, its session with DEMO-FSE-099's failure rewritten as passed since)."""
    session = tmp_path / "s.tbsession"
    shutil.copy(demo_session, session)
    book = tmp_path / "book"
    assert main(["report", str(session), "-o", str(book)]) == 0
    with sqlite3.connect(session) as conn:
        conn.execute("UPDATE attempts SET verdict = 'pass', reason = '' WHERE case_id = 'DEMO-FSE-099'")
    conn.close()
    capsys.readouterr()
    return book, session


def test_no_ok_says_the_edited_session_holds_the_chain_unchanged(
    edited: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    book, session = edited
    assert main(["verify", str(book), "--session", str(session)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == "ALTÉRÉ"
    assert not any("à l'identique" in line for line in lines), lines
    first_ok = next(i for i, line in enumerate(lines) if line.startswith("ok : "))
    said = [i for i, line in enumerate(lines) if line.startswith("session : la chaîne du journal est celle sur")]
    assert len(said) == 1 and said[0] < first_ok, lines
    assert lines[said[0]].endswith(", mais des lignes qu'elle couvre ont été modifiées (ci-dessus)")
    assert main(["verify", str(book), "--session", str(session), "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert "session: the journal chain is the one the report was built from (" in out
    assert "unchanged" not in out and out.endswith("ALTERED\n")


def test_the_untouched_session_still_reads_its_anchor_unchanged(
    demo_session: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session = tmp_path / "s.tbsession"
    shutil.copy(demo_session, session)
    book = tmp_path / "book"
    assert main(["report", str(session), "-o", str(book)]) == 0
    capsys.readouterr()
    assert main(["verify", str(book), "--session", str(session)]) == 0
    out = capsys.readouterr().out
    assert "ok : ancrage de la chaîne conforme : la session contient, à l'identique, la chaîne" in out
    assert "modifiées (ci-dessus)" not in out
