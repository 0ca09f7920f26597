"""A case's writes are committed at its steps' ends, what a person gives at once, the chain hashed from
memory; a run killed with -9 at random moments and resumed loses no recorded step and ends with the
verdicts of an uninterrupted run."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sql_trace import levels, trace_sessions

from testbench.domain.events import EventKind
from testbench.paths import CASEBOOKS_DIR
from testbench.store import chain
from testbench.store.session import SessionStore
from testbench.traces.model import TraceLine

CASEBOOK = CASEBOOKS_DIR / "billing.xml"


def reader(session: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{session.resolve().as_uri()}?mode=ro", uri=True)


def kinds(session: Path) -> list[str]:
    conn = reader(session)
    try:
        return [r[0] for r in conn.execute("SELECT kind FROM events ORDER BY id")]
    finally:
        conn.close()


def test_inside_a_batch_writes_wait_for_the_commit_and_a_durable_write_does_not(tmp_path: Path) -> None:
    session = tmp_path / "s.tbsession"
    with SessionStore.open(session) as store:
        with store.batch():
            store.add_event("step-start", {"n": 1})
            assert kinds(session) == []  # not committed yet: a kill here loses the unfinished step only
            store.commit()  # the step's end
            assert kinds(session) == ["step-start"]
            store.add_event("step-end", {"n": 1})
            with store.transaction(durable=True):  # what a person gives
                store._insert_event("manual-attested", {"confirmed": True}, None, None, None)
            assert kinds(session) == ["step-start", "step-end", "manual-attested"]
            store.add_event("step-start", {"n": 2})
        assert kinds(session)[-1] == "step-start"  # the batch's end commits the rest
        assert chain.verify(store.conn).ok


def test_lines_written_from_a_capture_thread_are_committed_as_they_come(tmp_path: Path) -> None:
    """The workstation shows the application's lines live, even while a step waits for a person."""
    session = tmp_path / "s.tbsession"
    with SessionStore.open(session) as store:
        with store.batch():
            store.add_event("step-start", {"n": 1})
            line = TraceLine("app", 1, 1.0, "ligne de l'application", "app.log", None, None, None, None)
            capture = threading.Thread(target=store.add_trace_lines, args=([line],))
            capture.start()
            capture.join()
            conn = reader(session)
            try:
                assert conn.execute("SELECT text FROM trace_lines").fetchall() == [("ligne de l'application",)]
            finally:
                conn.close()
        assert chain.verify(store.conn).ok


def test_a_failed_write_inside_a_batch_leaves_the_rest_of_the_batch(tmp_path: Path) -> None:
    session = tmp_path / "s.tbsession"
    with SessionStore.open(session) as store:
        with store.batch():
            store.add_event("step-start", {"n": 1})
            with pytest.raises(TypeError), store.transaction():
                store._insert_event("step-end", {"n": 1}, None, None, None)
                raise TypeError("half a write")
            store.add_event("step-end", {"n": 2})
        assert kinds(session) == ["step-start", "step-end"]
        assert chain.verify(store.conn).ok


def test_a_write_wrapping_store_calls_is_one_write_in_a_case_or_not(tmp_path: Path) -> None:
    """``transaction(durable=True)`` around add_event / add_observations (an attestation and its values)
    is one atomic, synced write, wrapping another durable write or not, inside a case's batch or outside."""
    session = tmp_path / "s.tbsession"
    with SessionStore.open(session) as store:
        with store.transaction(durable=True):  # outside a case
            store.add_event(EventKind.MANUAL_ATTESTED, {"confirmed": True})
            store.add_observations(1, "s1", {"montant": "1.00"}, "operator")
        with store.batch():
            store.add_event("step-start", {"n": 2})
            with store.transaction(durable=True):
                store.add_event(EventKind.MANUAL_ATTESTED, {"confirmed": True})  # durable itself: joins
                with pytest.raises(TypeError), store.transaction():
                    store.add_event("half", {})
                    raise TypeError("half a write")  # taken back alone
                store.add_observations(1, "s2", {"montant": "2.00"}, "operator")
            assert kinds(session) == ["manual-attested", "step-start", "manual-attested"]  # committed at once
        conn = reader(session)
        try:
            assert conn.execute("SELECT step_id FROM observation_sets ORDER BY id").fetchall() == [("s1",), ("s2",)]
        finally:
            conn.close()
        assert chain.verify(store.conn).ok


def test_a_case_s_writes_open_no_savepoint_and_ask_no_last_id(tmp_path: Path) -> None:
    """Inside a case every write but the verdict and a stored file is inserts only: no SAVEPOINT/RELEASE
    pair around each, no ``MAX(id)`` asked again (the writer remembers its own last ids), batches of
    rows in a few multi-row statements, and the chain still verifies."""
    session = tmp_path / "s.tbsession"
    with SessionStore.open(session) as store:
        run_id = store.begin_run(["run"], {}, {})
        statements: list[str] = []
        store.conn.set_trace_callback(statements.append)
        for case in range(3):
            with store.batch():
                attempt = store.start_attempt(run_id, "sha", f"C{case}")
                store.add_event("step-start", {"n": 1}, attempt_id=attempt, step_id="s1")
                line = TraceLine("bench", 1, 1.0, "ligne", "testbench", None, None, attempt, "s1")
                store.add_trace_lines([line] * 40)
                store.end_step(attempt, "s1", {f"v{i}": i for i in range(54)}, "engine", {"status": "done"})
                store.commit()
                store.finish_attempt(attempt, "pass", "", [("e1", "value", "pass", {})])
        store.conn.set_trace_callback(None)
        assert not [s for s in statements if s.startswith(("SAVEPOINT", "RELEASE"))][6:]  # the 3 verdicts only
        assert not [s for s in statements if "MAX(id)" in s][6:]  # each table's last id asked once
        inserts = [s for s in statements if s.startswith("INSERT INTO observation_sets")]
        assert len(inserts) == 3  # a step's 54 values: one row (schema v5), not one statement or row per value
        lines = [s for s in statements if s.startswith("INSERT INTO trace_lines")]
        assert len(lines) == 3 * 2  # 40 rows: 32 + 8, not one statement per row
        assert chain.verify(store.conn).ok


def test_a_failed_insert_only_write_is_taken_back_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a savepoint, a write that fails after some of its rows went in deletes them (and its chain
    entries): the rest of the batch stays, the next writes take the next ids, the chain verifies."""
    session = tmp_path / "s.tbsession"
    with SessionStore.open(session) as store:
        run_id = store.begin_run(["run"], {}, {})
        with store.batch():
            attempt = store.start_attempt(run_id, "sha", "C1")
            store.add_event("step-start", {"n": 1}, attempt_id=attempt, step_id="s1")
            with pytest.raises(TypeError):  # the observations went in, the step's event cannot be encoded
                store.end_step(attempt, "s1", {"a": 1, "b": 2}, "engine", object())
            real = chain.record

            def interrupted(conn: sqlite3.Connection, kind: str, *args: Any, **kwargs: Any) -> Any:
                if kind == "trace_lines":
                    raise KeyboardInterrupt  # between the rows' insert and their chain entry
                return real(conn, kind, *args, **kwargs)

            monkeypatch.setattr(chain, "record", interrupted)
            with pytest.raises(KeyboardInterrupt):
                store.add_trace_lines([TraceLine("bench", 1, 1.0, "ligne", "testbench", None, None, attempt, "s1")])
            monkeypatch.setattr(chain, "record", real)
            store.end_step(attempt, "s1", {"a": 1}, "engine", {"status": "done"})
            assert chain.verify(store.conn).ok  # mid-transaction too
        conn = reader(session)
        try:
            assert conn.execute("SELECT id, data FROM observation_sets").fetchall() == [(1, '{"a":1}')]
            assert conn.execute("SELECT COUNT(*) FROM trace_lines").fetchone()[0] == 0
            assert [r[0] for r in conn.execute("SELECT kind FROM events ORDER BY id")] == ["step-start", "step-end"]
        finally:
            conn.close()
        assert chain.verify(store.conn).ok


def test_an_insert_only_write_wrapping_another_takes_both_back(tmp_path: Path) -> None:
    session = tmp_path / "s.tbsession"
    with SessionStore.open(session) as store:
        with store.batch():
            store.add_event("kept")
            with pytest.raises(TypeError), store._inserting():
                store.add_event("inner")  # an insert-only write of its own, inside this one
                store._insert_event("outer", object(), None, None, None)  # cannot be encoded
            store.add_event("after")
        assert kinds(session) == ["kept", "after"]
        assert chain.verify(store.conn).ok


def test_rows_written_by_others_through_the_store_connection_do_not_reuse_ids(tmp_path: Path) -> None:
    """A merge or a review writes through the store's connection: the ids the writer remembers are
    asked again after any change it did not make itself."""
    session = tmp_path / "s.tbsession"
    with SessionStore.open(session) as store:
        store.add_event("first")
        with store.transaction():  # as merge.py does: its own inserts, chained
            first = chain.last_id(store.conn, "events") + 1
            store.conn.execute(
                "INSERT INTO events (run_id, attempt_id, step_id, kind, mono_ns, wall, data) VALUES (?,?,?,?,?,?,?)",
                (None, None, None, "merged", 1, 1.0, "null"),
            )
            chain.record(store.conn, "events", first)
        assert store.add_event("after") == first + 1
        assert kinds(session) == ["first", "merged", "after"]
        assert chain.verify(store.conn).ok


def synced(statements: list[str]) -> list[str]:
    """The ``PRAGMA synchronous`` each COMMIT ran under, from the connection's statements in order."""
    return levels(statements, "COMMIT")


def test_a_case_commits_under_normal_and_a_person_and_the_run_under_full(tmp_path: Path) -> None:
    """The machine's batched commits survive a killed process (NORMAL, WAL); what a person gives and every
    write outside a case is synced to the disk (FULL), and its sync covers the batch committed before it."""
    session = tmp_path / "s.tbsession"
    with SessionStore.open(session) as store:
        assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL when opened
        statements: list[str] = []
        store.conn.set_trace_callback(statements.append)
        run_id = store.begin_run(["run"], {}, {})  # outside a case
        with store.batch():
            store.add_event("step-start", {"n": 1})
            store.commit()  # a step's end
            store.add_event("step-end", {"n": 1})
            store.add_event(EventKind.MANUAL_ATTESTED, {"confirmed": True})  # a person's attestation
            with store.transaction(durable=True):  # what a caller marks as a person's: one synced commit
                store.add_event("operator-values", {"montant": "1.00"})
                store.add_observations(1, "s1", {"montant": "1.00"}, "operator")
            line = TraceLine("app", 1, 1.0, "ligne", "app.log", None, None, None, None)
            capture = threading.Thread(target=store.add_trace_lines, args=([line],))
            capture.start()
            capture.join()  # shown live: committed, a machine record
            store.add_event("step-start", {"n": 2})
        store.end_run(run_id)  # outside a case again
        store.conn.set_trace_callback(None)
        assert synced(statements) == [
            "FULL",  # begin_run
            "NORMAL",  # the step's end
            "NORMAL",  # the batch so far, just before the person's write
            "FULL",  # the attestation, alone in its commit
            "FULL",  # the values a person typed, with their event
            "NORMAL",  # the capture thread's line
            "NORMAL",  # the batch's end
            "FULL",  # end_run
        ]
        assert kinds(session) == ["step-start", "step-end", "manual-attested", "operator-values", "step-start"]
        assert chain.verify(store.conn).ok


def run_inprocess(session: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, list[str]]:
    from testbench.runner.campaign import RunRequest, run_campaign
    from testbench.runner.options import BenchOptions, CampaignOptions

    statements = trace_sessions(monkeypatch)
    options = CampaignOptions(BenchOptions(cards="inprocess", engine="inprocess"))
    return run_campaign(RunRequest(casebooks=[CASEBOOK], session=session, options=options)), statements


def test_a_run_commits_once_a_step_not_once_an_event(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    session = tmp_path / "s.tbsession"
    _, statements = run_inprocess(session, monkeypatch)
    commits = sum(1 for s in statements if s.strip().upper() == "COMMIT")
    conn = reader(session)
    steps = conn.execute("SELECT COUNT(*) FROM events WHERE kind = 'step-start'").fetchone()[0]
    attempts = conn.execute("SELECT COUNT(*) FROM attempts").fetchone()[0]
    events = conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    conn.close()
    assert attempts == 57 and events > 4 * attempts
    # one commit at each step's end and one when the case ends, plus the campaign's own few writes
    # (committed one by one, the run made about 20 commits a case)
    assert commits <= steps + attempts + 30, (commits, steps, attempts)


def test_the_run_hashes_the_chain_from_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    read_back: list[str] = []
    real = chain.rows_digest

    def counting(conn: sqlite3.Connection, kind: str, first_id: int, last_id: int) -> tuple[str, int]:
        read_back.append(kind)
        return real(conn, kind, first_id, last_id)

    monkeypatch.setattr(chain, "rows_digest", counting)
    session = tmp_path / "s.tbsession"
    run_inprocess(session, monkeypatch)
    assert read_back == []  # no committed row is read back to be hashed
    monkeypatch.setattr(chain, "rows_digest", real)
    conn = reader(session)
    try:
        assert chain.verify(conn).ok  # and what was hashed from memory is what was stored
    finally:
        conn.close()


def test_the_run_links_the_chain_from_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The writer remembers the chain's head from its own appends: not read back for each of its entries."""
    session = tmp_path / "s.tbsession"
    _, statements = run_inprocess(session, monkeypatch)
    appended = sum(1 for s in statements if s.startswith("INSERT INTO chain"))
    read_back = [s for s in statements if "FROM chain" in s or "name = 'chain'" in s]
    assert appended > 57 * 10  # about fifteen entries a case
    assert len(read_back) <= 2, read_back[:4]  # whether the file has a chain, and its head: once


# -- kill -9 at random moments, then --resume ------------------------------------------------------------


def run_args(session: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "testbench",
        "run",
        str(CASEBOOK),
        "--session",
        str(session),
        "--cards",
        "inprocess",
        "--engine",
        "inprocess",
    ]


def recorded(session: Path) -> tuple[set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    """Every recorded step's end (event row) and every recorded verdict (attempt row), as stored."""
    conn = reader(session)
    try:
        steps = set(
            conn.execute(
                "SELECT id, attempt_id, step_id, kind, data FROM events"
                " WHERE kind IN ('step-end', 'step-failed', 'step-refused')"
            ).fetchall()
        )
        verdicts = set(
            conn.execute(
                "SELECT id, case_id, number, verdict, reason FROM attempts WHERE verdict NOT IN ('none', 'pending')"
            ).fetchall()
        )
    except sqlite3.OperationalError:  # killed before the schema was written
        return set(), set()
    finally:
        conn.close()
    return steps, verdicts


def latest_verdicts(session: Path) -> dict[str, str]:
    conn = reader(session)
    try:
        rows = conn.execute("SELECT case_id, verdict FROM attempts ORDER BY number").fetchall()
    finally:
        conn.close()
    return dict(rows)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="kill -9 is a POSIX signal")
def test_kill_9_at_random_moments_then_resume_loses_no_recorded_step(tmp_path: Path) -> None:
    reference = tmp_path / "reference.tbsession"
    done = subprocess.run(run_args(reference), capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, 1, 2), done.stderr
    expected = latest_verdicts(reference)
    assert len(expected) == 57

    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    session = tmp_path / "killed.tbsession"
    kills = 0
    for round_ in range(4):
        args = run_args(session) + (["--resume"] if round_ else [])
        steps_before, verdicts_before = recorded(session) if session.exists() else (set(), set())
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # a random moment once this run has recorded something of its own: mid-step, between steps or cases
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline:
            if session.exists() and len(recorded(session)[1]) > len(verdicts_before):
                break
            time.sleep(0.01)
        time.sleep(rng.uniform(0.0, 0.05))  # short: a whole run of the 57 cases now takes well under a second
        if proc.poll() is not None:
            break  # the campaign ended before this kill
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        kills += 1
        steps_after, verdicts_after = recorded(session)
        assert steps_before <= steps_after, f"seed {seed}: a recorded step was lost"
        assert verdicts_before <= verdicts_after, f"seed {seed}: a recorded verdict was lost"
    assert kills >= 2, f"seed {seed}: the run ended before it could be killed twice"

    final = subprocess.run([*run_args(session), "--resume"], capture_output=True, text=True, timeout=300)
    assert final.returncode in (0, 1, 2), final.stderr
    assert "Traceback" not in final.stderr
    steps_final, verdicts_final = recorded(session)
    assert steps_after <= steps_final and verdicts_after <= verdicts_final, f"seed {seed}"
    assert latest_verdicts(session) == expected, f"seed {seed}: verdicts differ from an uninterrupted run"
    conn = reader(session)
    try:
        once = conn.execute(
            "SELECT case_id, COUNT(*) FROM attempts WHERE verdict NOT IN ('none', 'pending') GROUP BY case_id"
        ).fetchall()
        assert all(count == 1 for _, count in once), f"seed {seed}: a finished case was run again"
        assert chain.verify(conn).ok, f"seed {seed}"
    finally:
        conn.close()


def test_every_worker_of_a_parallel_run_batches_its_case(tmp_path: Path) -> None:
    """Under ``run --workers N`` each bench's thread runs its case in a batch: a write of the first worker
    waits for a step's end even after a second worker opened its own batch (it used to commit alone)."""
    session = tmp_path / "s.tbsession"
    with SessionStore.open(session) as store:
        first_in, second_in, first_wrote, done = (threading.Event() for _ in range(4))

        def first() -> None:
            with store.batch():
                first_in.set()
                second_in.wait(10)
                store.add_event("step-start", {"bench": 1})
                first_wrote.set()
                done.wait(10)

        def second() -> None:
            first_in.wait(10)
            with store.batch():
                second_in.set()
                done.wait(10)

        threads = [threading.Thread(target=first), threading.Thread(target=second)]
        for thread in threads:
            thread.start()
        assert first_wrote.wait(10)
        assert kinds(session) == []  # the first bench's write waits for its step's end
        done.set()
        for thread in threads:
            thread.join(10)
        assert kinds(session) == ["step-start"]  # committed when its case ended
