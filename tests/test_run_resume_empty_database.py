"""A session copied while a run wrote it is its main file alone: an empty SQLite database, its records left in
the uncopied ``-wal``. ``--resume``, ``--rerun`` and ``--failed`` refuse it as they refuse an empty file (exit 3,
nothing written), and they and ``verify`` point at the ``-wal`` left behind; a session killed before its first
checkpoint (main file empty, everything in its ``-wal`` beside it) is a session, resumed as ever."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.i18n import colon
from testbench.store.connection import SessionError
from testbench.store.session import SessionStore

DEMO = Path(__file__).resolve().parents[1] / "casebooks" / "demo.xml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess", "-k", "id:DEMO-FSE-001"]

NOTHING = {
    ("fr", "--resume"): "base SQLite vide, sans session ; rien à reprendre.",
    ("fr", "--rerun"): "base SQLite vide, sans session ; rien à rejouer",
    ("fr", "--failed"): "base SQLite vide, sans session ; rien à relancer",
    ("en", "--resume"): "empty SQLite database, no session in it; nothing to resume.",
    ("en", "--rerun"): "empty SQLite database, no session in it; nothing to rerun",
    ("en", "--failed"): "empty SQLite database, no session in it; nothing to rerun",
}
WAL = {
    "fr": "Copiée pendant qu'une exécution l'écrivait ? Ses enregistrements sont alors dans son fichier -wal",
    "en": "Copied while a run was writing it? Its records are then in its -wal file",
}


def _copied_while_running(tmp_path: Path, *, with_wal: bool) -> Path:
    """A session being written, copied as a person would (its main file, and its ``-wal`` if ``with_wal``)."""
    live = tmp_path / "live" / "s.tbsession"
    live.parent.mkdir()
    store = SessionStore.open(live)
    try:
        store.begin_run(["run"], {"keyword": "id:DEMO-FSE-001", "tags": []}, {})
        copy = tmp_path / "copy.tbsession"
        shutil.copyfile(live, copy)
        if with_wal:
            shutil.copyfile(f"{live}-wal", f"{copy}-wal")
    finally:
        store.close()
    return copy


@pytest.mark.parametrize("option", ["--resume", "--rerun", "--failed"])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_copy_without_its_wal_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, option: str
) -> None:
    copy = _copied_while_running(tmp_path, with_wal=False)
    before = copy.read_bytes()
    assert main(["run", str(DEMO), "--session", str(copy), *BENCH, option, "--lang", lang]) == 3
    err = capsys.readouterr().err
    assert f"testbench run{colon(lang)}{copy}" in err and NOTHING[lang, option] in err
    assert WAL[lang] in err
    assert "[1/1]" not in err  # nothing ran
    assert copy.read_bytes() == before  # left as it was, nothing beside it
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.tbsession", "live"]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_verify_points_at_the_wal(tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str) -> None:
    copy = _copied_while_running(tmp_path, with_wal=False)
    assert main(["verify", str(copy), "--lang", lang]) == 3
    err = capsys.readouterr().err
    said = "base SQLite vide, pas une session testbench ; copiée" if lang == "fr" else (
        "empty SQLite database, not a testbench session; copied"
    )
    assert said in err and WAL[lang].split("? ")[1] in err


def test_a_review_does_not_make_it_a_session(tmp_path: Path) -> None:
    copy = _copied_while_running(tmp_path, with_wal=False)
    with pytest.raises(SessionError, match="base SQLite vide"):
        SessionStore.open(copy, create=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.tbsession", "live"]


def test_a_copy_with_its_wal_is_resumed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = _copied_while_running(tmp_path, with_wal=True)  # as a run killed before its first checkpoint leaves it
    assert main(["run", str(DEMO), "--session", str(copy), *BENCH, "--resume"]) in (0, 1)
    assert "[1/1]" in capsys.readouterr().err


def test_the_workstation_refuses_a_copy_of_a_running_session_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``testbench ui`` on the same copy opened it as a fresh session, 35 cases not run, nothing said (robustness
    verification s25): it says what ``run --resume`` says, exit 3, and the copy is left as it was."""
    import sqlite3

    from testbench.cli.main import main
    from testbench.paths import CASEBOOKS_DIR

    copy = tmp_path / "copy.tbsession"
    sqlite3.connect(copy).execute("PRAGMA journal_mode=WAL").close()  # an empty database, as the copy is
    before = copy.read_bytes()
    assert main(["ui", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(copy), "--cards", "inprocess"]) == 3
    err = capsys.readouterr().err
    assert f"testbench ui : {copy} : base SQLite vide, pas une session testbench" in err and "-wal" in err, err
    assert copy.read_bytes() == before


def test_a_session_killed_before_anything_was_written_is_not_said_copied_without_its_wal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Its -wal is right there, empty: the hint « copiée … sans son fichier -wal » was given all the same (the checks
    before it read the file, and SQLite folded the -wal in)."""
    import sqlite3

    session = tmp_path / "s.tbsession"
    conn = sqlite3.connect(session)
    try:
        conn.execute("PRAGMA journal_mode=wal")
        conn.execute("BEGIN IMMEDIATE")  # a writer that made the file and its -wal, then was killed
        shutil.copyfile(session, tmp_path / "killed.tbsession")
        shutil.copyfile(f"{session}-wal", tmp_path / "killed.tbsession-wal")
        conn.rollback()
    finally:
        conn.close()
    killed = tmp_path / "killed.tbsession"
    assert main(["run", str(DEMO), "--session", str(killed), *BENCH, "--resume"]) == 3
    err = capsys.readouterr().err
    assert NOTHING["fr", "--resume"] in err and WAL["fr"] not in err, err
