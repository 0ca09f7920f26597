"""Audit s22-robust: ``run --resume`` (``--rerun``, ``--failed``) on a session file damaged on disk said « réussi »,
exited 0 and wrote into it (a resume reads only some pages); a fresh run refused on a session with results, and a
``--session`` that is no session (a casebook), still marked the file as theirs (the writer's meta row, its chain
entry) or left a ``.lock`` beside it. Now each is refused with exit 3 before a byte is written, in the words the
readers use."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.runner.exits import EXIT_USAGE

DEMO = str(CASEBOOKS_DIR / "demo.xml")
RUN = ["run", DEMO, "--cards", "inprocess", "--engine", "inprocess", "-k", "DEMO-FSE-001"]


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    session = tmp_path_factory.mktemp("recorded") / "s.tbsession"
    assert main([*RUN, "--session", str(session)]) == 0
    return session


def _damaged(recorded: Path, folder: Path) -> Path:
    """A copy of ``recorded`` whose trace lines' table root page is garbage: a page a resume does not read."""
    conn = sqlite3.connect(recorded)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'trace_lines'").fetchone()[0]
    conn.close()
    session = folder / "d.tbsession"
    shutil.copyfile(recorded, session)
    with session.open("r+b") as file:
        file.seek((root - 1) * page_size + 8)
        file.write(b"\xa5" * 200)
    check = sqlite3.connect(session)
    try:
        assert check.execute("PRAGMA quick_check").fetchone()[0] != "ok"
    except sqlite3.DatabaseError:
        pass
    finally:
        check.close()
    return session


@pytest.mark.parametrize("option", [["--resume"], ["--rerun"], ["--failed"]])
def test_a_damaged_session_is_refused_before_anything_is_written(
    recorded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], option: list[str]
) -> None:
    session = _damaged(recorded, tmp_path)
    before = session.read_bytes()
    assert main([*RUN, "--session", str(session), *option]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert f"{session} : fichier de session endommagé ou illisible (base SQLite endommagée)" in err
    assert "réussi" not in err
    assert session.read_bytes() == before


def test_a_damaged_session_is_said_in_english(
    recorded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session = _damaged(recorded, tmp_path)
    assert main([*RUN, "--session", str(session), "--resume", "--lang", "en"]) == EXIT_USAGE
    assert f"{session}: session file damaged or unreadable (damaged SQLite database)" in capsys.readouterr().err


def test_a_fresh_run_refused_leaves_the_session_as_it_was(
    recorded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session = tmp_path / "s.tbsession"
    shutil.copyfile(recorded, session)
    before = session.read_bytes()
    assert main([*RUN, "--session", str(session)]) == EXIT_USAGE
    assert "la session contient déjà des résultats" in capsys.readouterr().err
    assert session.read_bytes() == before


def test_a_file_that_is_no_session_gets_no_lock_beside_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "mycb.xml"
    shutil.copyfile(DEMO, other)
    assert main([*RUN, "--session", str(other)]) == EXIT_USAGE
    assert "n'est pas un fichier de session lisible (pas une base SQLite)" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mycb.xml"]
    assert other.read_bytes() == Path(DEMO).read_bytes()
