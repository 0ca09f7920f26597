"""A reader leaves nothing beside a session it only read (README: « a reader never needs to write »): no
``.lock``, no ``-wal`` or ``-shm`` after it closes, a damaged session included — while the commits a killed
writer left in a ``-wal`` are still read and kept."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.store.connection import SessionError, open_readonly
from testbench.store.session import SessionStore

KILLED_WRITER = """
import os, sys
from testbench.store.session import SessionStore
store = SessionStore.open(sys.argv[1])
store.add_event("note", {"text": "écrit juste avant un kill -9"})
os._exit(0)  # like kill -9: nothing closed, the last commit only in the WAL
"""


def recorded(folder: Path) -> Path:
    session = folder / "made" / "s.tbsession"
    session.parent.mkdir(parents=True)
    with SessionStore.open(session) as store:
        store.add_event("note", {"text": "premier"})
    return session


def alone(session: Path, folder: Path, *companions: str) -> Path:
    """``session`` copied into ``folder`` with only the named companions, as a person copies it."""
    folder.mkdir()
    for suffix in ("", *companions):
        shutil.copyfile(f"{session}{suffix}", folder / f"{session.name}{suffix}")
    return folder / session.name


def notes(session: Path) -> int:
    conn = sqlite3.connect(f"{session.resolve().as_uri()}?mode=ro&immutable=1", uri=True)  # the file alone
    try:
        return conn.execute("SELECT COUNT(*) FROM events WHERE kind = 'note'").fetchone()[0]
    finally:
        conn.close()


def test_a_read_leaves_no_lock_no_wal_no_shm(tmp_path: Path) -> None:
    copy = alone(recorded(tmp_path), tmp_path / "copie")
    conn = open_readonly(copy)
    assert conn.execute("SELECT COUNT(*) FROM events WHERE kind = 'note'").fetchone()[0] == 1
    conn.close()
    assert sorted(p.name for p in copy.parent.iterdir()) == ["s.tbsession"]


def test_verify_leaves_nothing_beside_the_session(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = alone(recorded(tmp_path), tmp_path / "copie")
    main(["verify", str(copy)])
    assert "INTÈGRE" in capsys.readouterr().out
    assert sorted(p.name for p in copy.parent.iterdir()) == ["s.tbsession"]


def test_a_damaged_session_refused_leaves_nothing_beside_it(tmp_path: Path) -> None:
    folder = tmp_path / "abime"
    folder.mkdir()
    damaged = folder / "d.tbsession"
    damaged.write_bytes(recorded(tmp_path).read_bytes()[:100])  # the header alone: WAL mode, no page
    with pytest.raises(SessionError, match="endommagée"):
        open_readonly(damaged)
    assert sorted(p.name for p in folder.iterdir()) == ["d.tbsession"]
    assert main(["verify", str(damaged)]) != 0
    assert sorted(p.name for p in folder.iterdir()) == ["d.tbsession"]


def test_commits_a_killed_writer_left_in_the_wal_are_read_and_kept(tmp_path: Path) -> None:
    session = recorded(tmp_path)
    subprocess.run([sys.executable, "-c", KILLED_WRITER, str(session)], check=True, timeout=60)
    copy = alone(session, tmp_path / "copie", "-wal")  # its -wal, not its -shm nor the run's lock
    assert notes(copy) == 1  # the last commit only in the -wal
    conn = open_readonly(copy)
    assert conn.execute("SELECT COUNT(*) FROM events WHERE kind = 'note'").fetchone()[0] == 2
    conn.close()
    assert sorted(p.name for p in copy.parent.iterdir()) == ["s.tbsession"]
    assert notes(copy) == 2  # folded into the file: nothing lost
