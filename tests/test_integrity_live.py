"""`testbench verify SESSION` while a run writes the session: a healthy journal is never called altered."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from testbench.integrity.verify import verify_session

WRITER = """
import sys
from pathlib import Path
from testbench.store.session import SessionStore
from testbench.traces.model import TraceLine

path, stop = Path(sys.argv[1]), Path(sys.argv[2])
with SessionStore.open(path) as store:
    store.add_casebook("sha", "c.xml", "PLAN", {}, [("C1", "cas", "fse", "auto", {})])
    store.set_selection([("sha", "C1")])
    run = store.begin_run(["writer"], {}, {})
    n = 0
    while not stop.exists():
        attempt = store.start_attempt(run, "sha", "C1")
        store.add_event("step-start", {"n": n}, attempt_id=attempt, step_id="s1")
        lines = [TraceLine("app", n * 10 + i, 1.7e9 + n, f"ligne {i}", attempt_id=attempt) for i in range(3)]
        store.add_trace_lines(lines)
        store.end_step(attempt, "s1", {"invoice.total": str(n)}, "engine")
        store.finish_attempt(attempt, "pass", "", [("e1", "value", "pass", {"n": n})])
        n += 1
        if n == 1:
            print("ready", flush=True)
    store.end_run(run)
"""


def test_verify_during_a_run_sees_a_healthy_session(tmp_path: Path) -> None:
    session, stop = tmp_path / "live.tbsession", tmp_path / "stop"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(session), str(stop)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
        first = attempts(session)
        checks, deadline = 0, time.monotonic() + 3.0
        while time.monotonic() < deadline or checks < 30:
            result = verify_session(session)
            assert result.ok, (checks, result.problems)
            checks += 1
    finally:
        stop.touch()
        writer.wait(timeout=60)
    assert writer.returncode == 0
    assert verify_session(session).ok
    assert attempts(session) > first + 1  # the writer kept writing while verify read


def attempts(session: Path) -> int:
    conn = sqlite3.connect(f"{session.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM attempts").fetchone()[0])
    finally:
        conn.close()
