"""A full disk while a session is being set up (schema migration, recording the casebooks) is the same
clear environment error (rc 2) as a full disk later in the run, and ``--resume`` then completes the
campaign. SQLite's own size cap (``max_page_count``) stands in for the full disk."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from testbench.paths import CASEBOOKS_DIR
from testbench.runner.campaign import CampaignError, RunRequest, run_campaign
from testbench.runner.options import BenchOptions, CampaignOptions
from testbench.store import session as session_module
from testbench.store.read import read_session
from testbench.store.schema import SCHEMA_VERSION

CASEBOOK = CASEBOOKS_DIR / "billing.xml"


def cap_after(monkeypatch: pytest.MonkeyPatch, stage: str) -> None:
    """Make the disk full right after ``stage`` of the opening of a session for writing: "connect" (the
    migration fails), "migrate" (the session's meta fails), "open" (recording the casebooks fails)."""
    real_connect, real_migrate = session_module.connect_writer, session_module.migrate
    real_open = session_module.SessionStore.open

    def cap(conn: sqlite3.Connection) -> None:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {max(pages, 1)}")

    def connect(path: Path) -> sqlite3.Connection:
        conn = real_connect(path)
        if stage == "connect":
            cap(conn)
        return conn

    def migrate(conn: sqlite3.Connection) -> int:
        before = real_migrate(conn)
        if stage == "migrate":
            cap(conn)
        return before

    def open_(path: Path, *, create: bool = True) -> session_module.SessionStore:
        store = real_open(path, create=create)
        if stage == "open":
            cap(store.conn)
        return store

    monkeypatch.setattr(session_module, "connect_writer", connect)
    monkeypatch.setattr(session_module, "migrate", migrate)
    monkeypatch.setattr(session_module.SessionStore, "open", open_)


@pytest.mark.parametrize("stage", ["connect", "migrate", "open"])
def test_full_disk_during_set_up_is_rc2_and_resume_completes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stage: str
) -> None:
    session = tmp_path / "full.tbsession"
    options = CampaignOptions(BenchOptions(cards="inprocess", engine="inprocess"))
    request = RunRequest(casebooks=[CASEBOOK], session=session, options=options)
    with monkeypatch.context() as patch:
        cap_after(patch, stage)
        with pytest.raises(CampaignError) as caught:
            run_campaign(request)
    assert caught.value.exit_code == 2
    message = str(caught.value)
    assert "écriture impossible" in message
    if session.exists():  # the session was made: resumed
        assert "--resume" in message and "intacte" in message
    else:  # none was made (audit f7, 6): nothing to resume, the command is run again
        assert "relancez la commande (sans --resume)" in message
    request.resume = True
    result = run_campaign(request)
    assert len(result.final_verdicts) == 57 and "none" not in result.final_verdicts
    with read_session(session) as view:
        assert view.schema_version == SCHEMA_VERSION
        assert len([c for c in view.cases if c.attempts]) == 57


def test_full_disk_during_set_up_from_the_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from testbench.cli.main import main

    session = tmp_path / "full.tbsession"
    args = ["run", str(CASEBOOK), "--session", str(session), "--cards", "inprocess", "--engine", "inprocess"]
    with monkeypatch.context() as patch:
        cap_after(patch, "migrate")
        assert main(args) == 2
    err = capsys.readouterr().err
    assert "écriture impossible" in err and "Traceback" not in err
    assert main([*args, "--resume"]) in (0, 1)  # billing.xml holds cases meant to fail
