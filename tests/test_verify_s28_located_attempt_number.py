"""A row whose attempt number was edited outside testbench (a word, a fraction; a review's made NULL) is named by
its case alone: verify never shows « tentative None », « tentative deux » or « tentative 1.5 »."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR

DEMO = str(CASEBOOKS_DIR / "demo.xml")


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two cases run, the second reviewed (signed with a key of the test's own configuration)."""
    home = tmp_path_factory.mktemp("home")
    path = tmp_path_factory.mktemp("s") / "s.tbsession"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HOME", str(home))
        mp.setenv("XDG_CONFIG_HOME", str(home / ".config"))
        mp.delenv("TESTBENCH_SIGNING_KEY", raising=False)
        args = ["run", DEMO, "--session", str(path), "--cards", "inprocess", "--engine", "inprocess"]
        assert main([*args, "-k", "DEMO-FSE-001 or DEMO-FSE-002"]) in (0, 1)
        assert main(["keys", "init"]) == 0
        assert main(["review", str(path), "DEMO-FSE-002", "--comment", "--reason", "vu", "--reviewer", "A"]) == 0
    return path


def _verify(session: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], sql: str, *values: object) -> str:
    edited = tmp_path / "e.tbsession"
    edited.write_bytes(session.read_bytes())
    conn = sqlite3.connect(edited)
    with conn:
        conn.execute(sql, values)
    conn.close()
    capsys.readouterr()
    return capsys.readouterr().out if main(["verify", str(edited)]) == 1 else "not altered"


@pytest.mark.parametrize("number", ["deux", 1.5])
def test_an_edited_attempt_number_is_not_shown(
    session: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], number: object
) -> None:
    sql = "UPDATE attempts SET number = ? WHERE case_id = 'DEMO-FSE-002'"
    out = _verify(session, tmp_path, capsys, sql, number)
    assert "cas DEMO-FSE-002 — tentatives, ligne 2 : contenu différent" in out
    assert f"tentative {number}" not in out


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_review_whose_attempt_was_removed_names_no_none(
    session: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    monkeypatch.setenv("TESTBENCH_LANG", lang)
    out = _verify(session, tmp_path, capsys, "UPDATE annotations SET attempt_number = NULL")
    assert ("cas DEMO-FSE-002 — " if lang == "fr" else "case DEMO-FSE-002 — ") in out
    assert "None" not in out
