"""Audit 13: ``--session`` naming another program's SQLite base never writes a session's tables into it.

``run --session app.db`` on an application's database added testbench's tables to it (and switched it to
WAL, which rewrites its header); the file is now left byte for byte and the person told, in their language.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.runner.exits import EXIT_USAGE
from testbench.store.connection import SessionError
from testbench.store.session import SessionStore


@pytest.fixture
def app_db(tmp_path: Path) -> Path:
    path = tmp_path / "app.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE patients (nom TEXT)")
        conn.execute("CREATE TABLE factures (id INTEGER)")
    conn.close()
    return path


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "app.db : base SQLite d'un autre programme (tables : factures, patients), pas une session testbench : "
         "rien n'y est écrit ; choisissez un autre nom de session"),
        ("en", "app.db: another program's SQLite database (tables: factures, patients), not a testbench session: "
         "nothing is written to it; choose another session name"),
    ],
)  # fmt: skip
def test_run_refuses_another_programs_database_and_leaves_it_as_it_was(
    app_db: Path, capsys: pytest.CaptureFixture[str], lang: str, said: str
) -> None:
    before = app_db.read_bytes()
    argv = ["--lang", lang, "run", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(app_db)]
    assert main([*argv, "--cards", "inprocess", "--engine", "inprocess", "-k", "DEMO-FSE-001"]) == EXIT_USAGE
    assert said in capsys.readouterr().err
    assert app_db.read_bytes() == before
    assert not Path(f"{app_db}-wal").exists()


def test_the_store_never_opens_it_for_writing(app_db: Path) -> None:
    before = app_db.read_bytes()
    with pytest.raises(SessionError, match="pas une session testbench"):
        SessionStore.open(app_db)
    assert app_db.read_bytes() == before


def test_an_empty_sqlite_file_becomes_a_session(tmp_path: Path) -> None:
    """A base without tables (made by ``sqlite3 s.tbsession ''``, or empty) is no one's: it is used."""
    path = tmp_path / "s.tbsession"
    sqlite3.connect(path).close()
    SessionStore.open(path).close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] > 0
