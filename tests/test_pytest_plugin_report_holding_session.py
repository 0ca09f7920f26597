"""``--casebook-report`` naming the folder that holds the session (``--casebook-report .``, the session in the current
folder) is refused before any case runs, as ``run --report`` and ``report -o`` refuse it (verification s23-verify1):
the book's manifest would leave the session out and ``verify`` would call the book altered."""

from __future__ import annotations

from pathlib import Path

from test_pytest_plugin import pytest_casebook


def test_a_report_folder_holding_the_session_is_refused(tmp_path: Path) -> None:
    done = pytest_casebook(tmp_path, "--casebook-report", ".", "--casebook-lang", "en")
    assert done.returncode == 4, done.stdout + done.stderr
    assert "the report's folder cannot hold the session" in done.stderr
    assert not (tmp_path / "casebook.tbsession").exists() and not (tmp_path / "index.html").exists()
