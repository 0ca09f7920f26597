"""A fresh run given an existing empty file as its session says that a new session starts there (a copy that
failed leaves such a file: the engineer learns that nothing of the old session was in it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR

ONE = ["--cards", "inprocess", "--engine", "inprocess", "-k", "id:DEMO-FSE-001"]


@pytest.mark.parametrize(("lang", "said"), [("fr", "fichier vide ; une nouvelle session y commence"),
                                            ("en", "empty file; a new session starts in it")])  # fmt: skip
def test_a_run_into_an_empty_file_says_a_new_session_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], lang: str, said: str
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    session = tmp_path / "s.tbsession"
    session.write_bytes(b"")
    assert main(["--lang", lang, "run", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(session), *ONE]) == 0
    assert f"{session}{' ' if lang == 'fr' else ''}: {said}" in capsys.readouterr().err
    assert session.stat().st_size > 0
    assert main(["run", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(session), *ONE, "--rerun"]) == 0
    assert said not in capsys.readouterr().err  # a session now: nothing to say
