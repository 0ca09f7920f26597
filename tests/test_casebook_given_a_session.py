"""A session file given where a casebook goes (``testbench ui session.tbsession``, as the workstation's advice to
reopen the session may be read) is said to be one, with where it goes: it was « le fichier n'est pas encodé en
UTF-8 »."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from testbench.cli.main import main


@pytest.mark.parametrize(("lang", "said"), [
    ("fr", "fichier de session (base SQLite), pas un cahier de tests : donnez-le à --session"),
    ("en", "a session file (SQLite database), not a casebook: give it to --session"),
])
def test_validate_says_a_session_is_no_casebook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, said: str
) -> None:
    session = tmp_path / "s.tbsession"
    sqlite3.connect(session).execute("CREATE TABLE t (x)").connection.close()
    assert main(["validate", str(session), "--lang", lang]) == 3
    assert f"{session}:1:1: {said}" in capsys.readouterr().err
