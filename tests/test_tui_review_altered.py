"""The workstation's review window refuses an altered session as ``testbench review`` does: no reviewer's signature
over a record whose journal chain is broken, nothing written."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from test_report_build import campaign

from testbench.signing import init_key
from testbench.tui.review import ReviewError, add_review


def _sha(session: Path, case_id: str) -> str:
    with sqlite3.connect(session) as conn:
        return conn.execute("SELECT casebook_sha FROM cases WHERE case_id = ?", (case_id,)).fetchone()[0]


def _annotations(session: Path) -> int:
    with sqlite3.connect(session) as conn:
        return conn.execute("SELECT count(*) FROM annotations").fetchone()[0]


def test_the_review_window_refuses_an_altered_session(tmp_path: Path) -> None:
    session, key = campaign(tmp_path, hostile=False), tmp_path / "k.pem"
    init_key(key)
    review = {"casebook_sha": _sha(session, "OK-1"), "case_id": "OK-1", "reviewer": "R", "action": "accept",
              "original": "pass", "reason": "ok", "key_path": key}  # fmt: skip
    assert add_review(session, **review) > 0  # a whole session is reviewed
    with sqlite3.connect(session) as conn:
        conn.execute("UPDATE attempts SET verdict = 'pass', reason = '' WHERE case_id = 'KO-1'")
    before = _annotations(session)
    with pytest.raises(ReviewError, match="revue refusée : la session a été modifiée"):
        add_review(session, **review)
    assert _annotations(session) == before
