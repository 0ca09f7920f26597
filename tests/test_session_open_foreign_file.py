"""A writer given a file that is no session (``testbench ui cb.xml --session notes.txt``) refuses it before
making its lock file: no ``notes.txt.lock`` is left beside the person's notes."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.store.connection import SessionError, lock_path, writer_refusal
from testbench.store.session import SessionStore


def test_a_file_that_is_no_session_is_refused_without_a_lock(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("à faire : relire le cas 3\n", encoding="utf-8")
    with pytest.raises(SessionError, match="n'est pas un fichier de session lisible"):
        SessionStore.open(notes)
    assert not lock_path(notes).exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
    assert notes.read_text(encoding="utf-8") == "à faire : relire le cas 3\n"


def test_a_session_still_opens_and_is_checked_by_writers(tmp_path: Path) -> None:
    session = tmp_path / "s.tbsession"
    SessionStore.open(session).close()
    SessionStore.open(session, create=False).close()
    assert writer_refusal(session) is None
    assert writer_refusal(tmp_path / "absent.tbsession") is None
    (tmp_path / "empty").write_bytes(b"")
    assert writer_refusal(tmp_path / "empty") is None
    assert writer_refusal(tmp_path) == f"{tmp_path} : est un dossier, pas un fichier de session"  # before its lock
