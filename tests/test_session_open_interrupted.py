"""A session file cut before it was ready leaves nothing behind: a ^C as a CI shard starts left an empty
SQLite database that the merge command the run printed then refused (« base SQLite vide »)."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.store import session as session_module
from testbench.store.read import read_session
from testbench.store.session import SessionStore


def _interrupt(*_args: object) -> None:
    raise KeyboardInterrupt


def test_a_new_session_cut_before_its_schema_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "gw0.tbsession"
    monkeypatch.setattr(session_module, "migrate", _interrupt)
    with pytest.raises(KeyboardInterrupt):
        SessionStore.open(path)
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")) == []


def test_an_existing_session_cut_while_reopened_is_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "s.tbsession"
    with SessionStore.open(path) as store:
        session_id = store.meta("session_id")
    monkeypatch.setattr(session_module, "migrate", _interrupt)
    with pytest.raises(KeyboardInterrupt):
        SessionStore.open(path)
    monkeypatch.undo()
    with read_session(path) as s:
        assert session_id and s.meta["session_id"] == session_id
