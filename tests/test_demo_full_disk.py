"""Audit s20: ``testbench demo`` on a full disk said « libérez de l'espace disque puis reprenez avec --resume » (the
demo has no --resume), and once space was freed refused its own half-made session (« ce fichier n'est pas une
session de la démo ; il n'est ni remplacé ni modifié », exit 3). Now the demo's session is marked as the demo's
before any case is written, a half-made one that could not be marked is removed, and the demo's advice is to run
it again."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cli import demo_cmd
from testbench.cli.main import main
from testbench.runner.exits import EXIT_ENVIRONMENT, EXIT_OK
from testbench.store.connection import SessionWriteError
from testbench.store.session import SessionStore

REAL_OPEN = SessionStore.open


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TESTBENCH_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


def _disk_full(monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills while the session's schema is written: a file of one page is left, unmarked."""

    def full(path: Path, **_: object) -> SessionStore:
        Path(path).write_bytes(b"SQLite format 3\x00" + bytes(4080))
        raise SessionWriteError(f"{path}: écriture impossible (disque plein)")

    monkeypatch.setattr(SessionStore, "open", full)


def test_a_full_disk_at_the_start_leaves_nothing_the_next_demo_refuses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ran: list[Path] = []
    monkeypatch.setattr(demo_cmd, "_run", lambda args, casebook, session, out, exam=None: ran.append(session) or 0)
    out = tmp_path / "d"
    argv = ["demo", "--headless", "--output", str(out), "--cards", "inprocess"]
    _disk_full(monkeypatch)
    assert main(argv) == EXIT_ENVIRONMENT
    err = capsys.readouterr().err
    assert "libérez de l'espace disque puis relancez la démo" in err and "--resume" not in err
    assert ran == []  # nothing run on a session that could not be made
    assert not (tmp_path / "d.tbsession").exists()
    monkeypatch.setattr(SessionStore, "open", REAL_OPEN)  # space freed
    assert main(argv) == EXIT_OK
    assert ran == [tmp_path / "d.tbsession"]
    assert "n'est pas une session de la démo" not in capsys.readouterr().err


def test_a_run_stopped_by_a_full_disk_is_started_again_not_resumed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The disk fills during the run (after the mark): the demo says to run it again, and the next one replaces
    its session."""
    monkeypatch.setattr(demo_cmd, "_run", lambda *a, **k: EXIT_ENVIRONMENT)
    argv = ["demo", "--headless", "--output", str(tmp_path / "d"), "--cards", "inprocess"]
    assert main(argv) == EXIT_ENVIRONMENT
    said = capsys.readouterr().err
    assert "relancer testbench demo recommence sa session (la commande demo n'a pas de --resume" in said
    monkeypatch.setattr(demo_cmd, "_run", lambda *a, **k: EXIT_OK)
    assert main(argv) == EXIT_OK


def test_english(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(demo_cmd, "_run", lambda *a, **k: EXIT_ENVIRONMENT)
    argv = ["--lang", "en", "demo", "--headless", "--output", str(tmp_path / "d"), "--cards", "inprocess"]
    assert main(argv) == EXIT_ENVIRONMENT
    said = capsys.readouterr().err
    assert "running testbench demo again starts its session afresh (the demo command has no --resume" in said
    _disk_full(monkeypatch)
    assert main(argv) == EXIT_ENVIRONMENT
    assert "could not be created (disk full or folder not writable)" in capsys.readouterr().err
