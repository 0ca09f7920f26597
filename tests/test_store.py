"""The session file: durability settings, migrations, the single-writer lock across processes."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from testbench.store.connection import SessionError, SessionLocked, open_readonly
from testbench.store.read import read_session
from testbench.store.schema import SCHEMA_VERSION
from testbench.store.session import SessionStore
from testbench.traces.model import TraceLine


def test_durability_settings_and_schema_version(tmp_path: Path) -> None:
    with SessionStore.open(tmp_path / "s.tbsession") as store:
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        session_id = store.meta("session_id")
    with SessionStore.open(tmp_path / "s.tbsession") as store:
        assert store.meta("session_id") == session_id  # reopening keeps the identity


def test_each_event_is_committed_when_it_happens(tmp_path: Path) -> None:
    path = tmp_path / "s.tbsession"
    store = SessionStore.open(path)
    run_id = store.begin_run(["x"], {}, {})
    attempt = store.start_attempt(run_id, "sha", "C1")
    store.add_event("step-start", {"n": 1}, attempt_id=attempt, step_id="s1")
    # another connection sees it at once, before anything is closed
    other = open_readonly(path)
    assert other.execute("SELECT COUNT(*) FROM events WHERE attempt_id = ?", (attempt,)).fetchone()[0] == 1
    other.close()
    store.close()


def test_second_writer_process_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "s.tbsession"
    with SessionStore.open(path):
        code = (
            "import sys\n"
            "from testbench.store.connection import SessionLocked\n"
            "from testbench.store.session import SessionStore\n"
            f"try:\n    SessionStore.open({str(path)!r})\n"
            "except SessionLocked as e:\n    print(e); sys.exit(7)\n"
        )
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
        assert proc.returncode == 7, proc.stderr
        assert "déjà ouverte en écriture" in proc.stdout
        assert "pid" in proc.stdout
    # once the writer is gone, another may write
    with SessionStore.open(path):
        pass


def test_lock_is_released_when_the_writer_is_killed(tmp_path: Path) -> None:
    path = tmp_path / "s.tbsession"
    code = (
        "import sys, time\nfrom testbench.store.session import SessionStore\n"
        f"s = SessionStore.open({str(path)!r})\nprint('ready', flush=True)\ntime.sleep(60)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        with pytest.raises(SessionLocked):
            SessionStore.open(path)
        proc.kill()
        proc.wait(timeout=30)
        with SessionStore.open(path):
            pass
    finally:
        proc.kill()


def test_newer_schema_is_refused_not_damaged(tmp_path: Path) -> None:
    path = tmp_path / "s.tbsession"
    SessionStore.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(SessionError, match="mettez testbench à jour"):
        SessionStore.open(path)


def test_a_v3_session_file_gets_the_provenance_column_and_keeps_verifying(tmp_path: Path) -> None:
    """An old-format file (schema v3: observations one row per path, no provenance column) is migrated in
    place when a run opens it; what it wrote stays where it is and keeps verifying."""
    from testbench.store import chain

    path = tmp_path / "old.tbsession"
    with SessionStore.open(path) as store:
        run_id = store.begin_run(["run"], {}, {})
        attempt = store.start_attempt(run_id, "sha", "C1")
        with store.transaction():  # the row as v3 wrote it, chained as v3 chained it
            store.conn.execute(
                "INSERT INTO observations (id, attempt_id, step_id, path, value, source) VALUES (1, ?, 's1', 'montant',"
                " '\"1.00\"', 'engine')",
                (attempt,),
            )
            chain.record(store.conn, "observations", 1)
    conn = sqlite3.connect(path)
    conn.execute("ALTER TABLE observations DROP COLUMN provenance")
    conn.execute("DROP TABLE observation_sets")
    conn.execute("PRAGMA user_version = 3")
    conn.close()
    with SessionStore.open(path) as store:
        columns = [r[1] for r in store.conn.execute("PRAGMA table_info(observations)")]
        assert columns[-1] == "provenance" and store.conn.execute("PRAGMA user_version").fetchone()[0] == 5
        store.end_step(attempt, "s2", {"lu": "x", "calcul": 2}, "engine", origins={"lu": ("operator", {"line": 3})})
        assert store.conn.execute("SELECT path, provenance FROM observations").fetchall() == [("montant", None)]
        assert store.conn.execute("SELECT data, provenance FROM observation_sets ORDER BY id").fetchall() == [
            ('{"lu":"x"}', '{"lu":{"line":3}}'),
            ('{"calcul":2}', None),
        ]
        assert chain.verify(store.conn).ok  # the rows written before the column still verify


def test_not_a_session_file(tmp_path: Path) -> None:
    path = tmp_path / "junk.tbsession"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(SessionError, match="pas un fichier de session"):
        SessionStore.open(path)
    with pytest.raises(SessionError):
        read_session(path)


def test_artifacts_are_content_addressed(tmp_path: Path) -> None:
    with SessionStore.open(tmp_path / "s.tbsession") as store:
        a = store.add_artifact(b"<fse/>", "application/xml", "fse-1.xml")
        b = store.add_artifact(b"<fse/>", "application/xml", "fse-2.xml")
        assert a == b
        assert store.conn.execute("SELECT COUNT(*) FROM artifacts").fetchone()[0] == 1
        assert store.conn.execute("SELECT COUNT(*) FROM artifact_links").fetchone()[0] == 2


def test_trace_lines_roundtrip_in_time_order(tmp_path: Path) -> None:
    path = tmp_path / "s.tbsession"
    with SessionStore.open(path) as store:
        run_id = store.begin_run([], {}, {})
        attempt = store.start_attempt(run_id, "sha", "C1")
        store.add_trace_lines(
            [
                TraceLine("app", 20, 2.0, "second", attempt_id=attempt),
                TraceLine("apdu", 10, 1.0, "first", attempt_id=attempt, step_id="s1"),
            ]
        )
    with read_session(path) as view:
        assert [t.text for t in view.trace_lines(attempt)] == ["first", "second"]
        assert [t.text for t in view.trace_lines(attempt, "app")] == ["second"]


def test_trace_lines_and_evidence_links_are_chained(tmp_path: Path) -> None:
    from testbench.integrity.verify import verify_session

    path = tmp_path / "s.tbsession"
    with SessionStore.open(path) as store:
        run_id = store.begin_run([], {}, {})
        attempt = store.start_attempt(run_id, "sha", "C1")
        store.add_trace_lines([TraceLine("app", 1, 1.0, "ligne une", attempt_id=attempt)])
        store.add_artifact(b"<fse/>", "application/xml", "fse-1.xml", attempt_id=attempt)
    assert verify_session(path).ok
    for sql in ("UPDATE trace_lines SET text = 'ligne modifiée'", "UPDATE artifact_links SET name = 'autre.xml'"):
        copy = tmp_path / f"copy-{len(sql)}.tbsession"
        copy.write_bytes(path.read_bytes())
        conn = sqlite3.connect(copy)
        conn.execute(sql)
        conn.commit()
        conn.close()
        assert not verify_session(copy).ok, sql
