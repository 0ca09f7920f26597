"""Audit s20: ``testbench ui`` on a session it cannot open (random bytes, another program's SQLite database, a newer
format, a page damaged mid-file, a full disk) printed a Rich traceback with its locals, then exited 0. Now the
session is opened before the window, and what stops it is said as ``run`` and ``report`` say it: one sentence,
exit 3 (2 for a full disk); a bare ``testbench`` takes the same path."""

from __future__ import annotations

import argparse
import shutil
import sqlite3
from pathlib import Path

import pytest

from testbench.cli import ui_cmd
from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.runner.exits import EXIT_ENVIRONMENT, EXIT_USAGE
from testbench.store.connection import SessionWriteError
from testbench.store.session import SessionStore
from testbench.tui.app import WorkstationApp
from testbench.tui.workstation import Workstation

DEMO = CASEBOOKS_DIR / "demo.xml"


@pytest.fixture(autouse=True)
def no_window(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The window never opens here: opening it is recorded (a session that cannot be opened must not reach it)."""
    opened: list[str] = []
    monkeypatch.setenv("TESTBENCH_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setattr(WorkstationApp, "run", lambda self, *a, **k: opened.append("run") or 0)
    return opened


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("recorded")
    argv = ["run", str(DEMO), "--cards", "inprocess", "--engine", "inprocess", "-k", "DEMO-FSE-001"]
    assert main([*argv, "--session", str(folder / "s.tbsession")]) == 0
    return folder / "s.tbsession"


def _random(path: Path, recorded: Path) -> None:
    path.write_bytes(bytes(range(256)) * 200)


def _foreign(path: Path, recorded: Path) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("CREATE TABLE foo (x)")
    conn.close()


def _newer(path: Path, recorded: Path) -> None:
    shutil.copyfile(recorded, path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()


def _damaged_midfile(path: Path, recorded: Path) -> None:
    """A page damaged on disk: SQLite opens the file and fails only when a query reaches it."""
    shutil.copyfile(recorded, path)
    conn = sqlite3.connect(path)
    with conn:
        first = "(SELECT min(rowid) FROM cases)"
        conn.execute(f"UPDATE cases SET definition = CAST(x'7b22ff' AS TEXT) WHERE rowid = {first}")
    conn.close()


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (_random, "n'est pas un fichier de session lisible (pas une base SQLite)"),
        (_foreign, "base SQLite d'un autre programme (tables : foo), pas une session testbench"),
        (_newer, "fichier de session au schéma 99"),
        (_damaged_midfile, "session endommagé ou illisible (texte de la base endommagé, illisible en UTF-8)"),
    ],
    ids=["random", "foreign", "newer", "damaged-midfile"],
)
def test_a_session_it_cannot_open_is_said_in_one_sentence_and_exits_3(
    tmp_path: Path, recorded: Path, no_window: list[str], capsys: pytest.CaptureFixture[str], make, said: str
) -> None:
    session = tmp_path / "s.tbsession"
    make(session, recorded)
    assert main(["ui", str(DEMO), "--session", str(session), "--cards", "inprocess"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("testbench ui : ") and said in err
    assert "Traceback" not in err and "Error" not in err
    assert no_window == []


def test_english_says_it_in_english(tmp_path: Path, recorded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = tmp_path / "s.tbsession"
    _damaged_midfile(session, recorded)
    assert main(["--lang", "en", "ui", str(DEMO), "--session", str(session)]) == EXIT_USAGE
    assert "session file damaged or unreadable" in capsys.readouterr().err


def test_a_full_disk_is_said_and_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_window: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    def full(path: Path, **_: object) -> SessionStore:
        raise SessionWriteError(f"{path}: écriture impossible (disque plein)")

    monkeypatch.setattr(SessionStore, "open", full)
    session = tmp_path / "s.tbsession"
    assert main(["ui", str(DEMO), "--session", str(session)]) == EXIT_ENVIRONMENT
    assert f"testbench ui : {session}: écriture impossible (disque plein)" in capsys.readouterr().err
    assert no_window == []


def test_a_bare_testbench_on_a_damaged_demo_session_says_it_too(
    tmp_path: Path, no_window: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    from testbench.cli.demo_cmd import demo_paths

    session = demo_paths()[1]
    session.parent.mkdir(parents=True, exist_ok=True)
    _random(session, session)
    assert ui_cmd.default_ui(argparse.Namespace()) == EXIT_USAGE
    assert "n'est pas un fichier de session lisible (pas une base SQLite)" in capsys.readouterr().err
    assert no_window == []


def test_the_window_finds_the_session_opened_with_what_opening_it_said(tmp_path: Path) -> None:
    """Opened before the window, the session is not opened again by it: what the first opening said (an attempt
    left unfinished, closed as interrupted) is what the window's own call gives, not lost."""
    from testbench.casebook.loader import load_casebooks

    (casebook,) = load_casebooks([DEMO])
    session = tmp_path / "s.tbsession"
    with SessionStore.open(session) as store:  # a process killed during a case
        store.start_attempt(store.begin_run([], {}, {}), casebook.sha256, casebook.cases[0].id)
    ws = Workstation([casebook], session)
    first = ws.prepare()  # testbench ui, before the window
    assert any(casebook.cases[0].id in note for note in first)
    assert ws.prepare() == first  # the window's on_mount
    assert ws.entries
