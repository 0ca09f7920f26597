"""Audit: a session whose INDEX page was damaged on disk was read as whole. SQLite's ``quick_check`` (the only check
made) does not compare an index with its table, and the journal chain covers rows, not indexes: ``verify`` said
« INTÈGRE », and ``report`` exited 0 with a case's trace lines missing (read through the damaged index), where
README § Exit codes promises 3 for a damaged session from every command that meets it.

Now the store checks the file's pages and indexes (``PRAGMA integrity_check``) once per connection with the chain,
and before a writer resumes it: the damaged session is refused, exit 3, « base SQLite endommagée ».
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.runner.exits import EXIT_USAGE

CASEBOOK = str(CASEBOOKS_DIR / "demo.xml")
BENCH = ["--cards", "inprocess", "--engine", "inprocess"]
DAMAGED = "base SQLite endommagée"
#: an index record's header (its size, 4), then « integer 1 » (serial type 9), then a 6- or 8-byte integer (mono_ns)
RECORD_OF_ATTEMPT_1 = re.compile(rb"(\x04)\x09(?=[\x05\x06])")


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed one-case session: its trace lines all belong to attempt 1."""
    session = tmp_path_factory.mktemp("recorded") / "s.tbsession"
    assert main(["run", CASEBOOK, *BENCH, "--session", str(session), "-k", "DEMO-FSE-001"]) == 0
    return session


def _damage_trace_index(recorded: Path, folder: Path) -> Path:
    """A copy of ``recorded`` whose trace-line index says attempt 0 where its table says 1, as a few bits flipped
    on disk would: each index record's header reads « integer 0 » (serial type 8) instead of « integer 1 » (9).
    Same lengths, keys still in order: the pages stay well formed."""
    session = folder / "d.tbsession"
    shutil.copyfile(recorded, session)
    conn = sqlite3.connect(session)
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    pages = [p for (p,) in conn.execute("SELECT pageno FROM dbstat WHERE name = 'trace_lines_attempt'")]
    conn.close()
    data = bytearray(session.read_bytes())
    flipped = 0
    for page in pages:
        start, end = (page - 1) * size, page * size
        damaged, count = RECORD_OF_ATTEMPT_1.subn(b"\\1\x08", bytes(data[start:end]))
        data[start:end] = damaged
        flipped += count
    assert flipped > 0
    session.write_bytes(bytes(data))
    return session


def test_the_damage_passes_quick_check_and_hides_rows(recorded: Path, tmp_path: Path) -> None:
    """The damage this file guards against: SQLite's quick check finds it whole, a query through the index misses
    the attempt's lines."""
    session = _damage_trace_index(recorded, tmp_path)
    conn = sqlite3.connect(session)
    assert conn.execute("PRAGMA quick_check").fetchall() == [("ok",)]
    assert conn.execute("SELECT count(*) FROM trace_lines WHERE attempt_id = 1").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM trace_lines NOT INDEXED WHERE attempt_id = 1").fetchone()[0] > 0
    conn.close()


@pytest.mark.parametrize(
    "command",
    [
        ["verify", "d.tbsession"],
        ["report", "d.tbsession", "-o", "rep"],
        ["run", CASEBOOK, *BENCH, "--session", "d.tbsession", "-k", "DEMO-FSE-001", "--resume"],
    ],
    ids=["verify", "report", "resume"],
)
def test_a_damaged_index_is_refused(
    recorded: Path, tmp_path: Path, command: list[str], capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    _damage_trace_index(recorded, tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(command) == EXIT_USAGE
    err = capsys.readouterr().err
    assert DAMAGED in err
    assert "Traceback" not in err
    assert not (tmp_path / "rep" / "index.html").exists()


def test_an_intact_session_still_reads(recorded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The check refuses damage only: the session it was copied from verifies and reports."""
    session = tmp_path / "s.tbsession"
    shutil.copyfile(recorded, session)
    assert main(["verify", str(session)]) == 0
    assert main(["report", str(session), "-o", str(tmp_path / "rep")]) == 0
    assert DAMAGED not in capsys.readouterr().err
