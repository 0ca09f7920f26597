"""A run killed (kill -9) as it created its session, before the file turned WAL, leaves a rollback journal
(``-journal``) beside it: a transaction cut short, which SQLite rolls back when it opens the file read-write. The
read-only check made first refused it (« attempt to write a readonly database »), said « accès refusé » on a file
the user owns. Now the journal is rolled back first: the file holds nothing, and ``--resume`` says so (exit 3); a
new run starts there; ``report`` says an empty file."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.i18n import colon
from testbench.paths import CASEBOOKS_DIR

DEMO = CASEBOOKS_DIR / "demo.xml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess", "-k", "DEMO-FSE-001"]

#: a first transaction cut by the process's death: its pages spilled into the file, the journal left hot
_CUT = """
import os, sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA cache_size = 1")
conn.execute("BEGIN")
conn.execute("CREATE TABLE meta (x)")
conn.executemany("INSERT INTO meta VALUES (?)", [("x" * 500,)] * 200)
os._exit(0)
"""


@pytest.fixture
def killed(tmp_path: Path) -> Path:
    session = tmp_path / "s.tbsession"
    subprocess.run([sys.executable, "-c", _CUT, str(session)], check=True)
    assert Path(f"{session}-journal").stat().st_size > 0
    with pytest.raises(sqlite3.OperationalError, match="readonly"):  # a hot journal, as the audit found it
        sqlite3.connect(f"file:{session}?mode=ro", uri=True).execute("PRAGMA user_version").fetchone()
    return session


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "fichier vide, sans session ; rien à reprendre"),
        ("en", "empty file, no session in it; nothing to resume"),
    ],
)
def test_resume_says_nothing_to_resume(killed: Path, capsys: pytest.CaptureFixture[str], lang: str, said: str) -> None:
    code = main(["run", str(DEMO), "--session", str(killed), *BENCH, "--resume", "--lang", lang])
    err = capsys.readouterr().err
    assert code == 3
    assert f"testbench run{colon(lang)}{killed}" in err and said in err
    assert "accès refusé" not in err and "access denied" not in err and "readonly" not in err


def test_a_new_run_starts_there(killed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(DEMO), "--session", str(killed), *BENCH]) == 0
    assert "accès refusé" not in capsys.readouterr().err
    assert not Path(f"{killed}-journal").exists()


def test_report_says_an_empty_file(killed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(killed), "-o", str(tmp_path / "rapport")]) == 3
    err = capsys.readouterr().err
    assert f"{killed} : fichier vide, pas une session" in err and "accès refusé" not in err
