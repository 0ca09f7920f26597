"""``run --resume --app-log`` after a ``kill -9`` keeps the lines the application wrote while the bench
was down (audit 9, E2): a real run, its engine stopped by SIGSTOP so the run is caught mid-campaign,
the run killed by SIGKILL, the log written and rotated while nothing follows it, then the resume."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from testbench.paths import CASEBOOKS_DIR
from testbench.store.read import read_session
from testbench.traces.capture import POSITIONS_META

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="children found through /proc")


def wait_until(condition: Callable[[], object], timeout: float = 30.0) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.005)
    raise AssertionError("condition not met in time")


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def query(session: Path, sql: str) -> list[tuple]:
    try:
        with sqlite3.connect(f"file:{session}?mode=ro", uri=True, timeout=0.5) as conn:
            return conn.execute(sql).fetchall()
    except sqlite3.Error:  # not created yet, or being set up
        return []


def run_args(session: Path, log: Path, *more: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "testbench",
        "run",
        str(CASEBOOKS_DIR / "billing.xml"),
        "--session",
        str(session),
        "--cards",
        "inprocess",
        "--engine-timeout",
        "60",
        "--app-log",
        str(log),
        *more,
    ]


def test_resume_after_kill_9_keeps_the_lines_written_while_down(tmp_path: Path) -> None:
    log, session = tmp_path / "app.log", tmp_path / "s.tbsession"
    log.write_text("before the run: not this session's\n")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    run = subprocess.Popen(run_args(session, log), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    engines: list[int] = []
    try:
        wait_until(lambda: query(session, "SELECT id FROM runs"))  # the capture follows the log from here
        engines = children(run.pid)
        for pid in engines:  # the run waits for its engine: caught mid-campaign, its capture going on
            os.kill(pid, signal.SIGSTOP)
        assert run.poll() is None, "the campaign ended before its engine was stopped"
        with log.open("a") as handle:
            handle.writelines(f"before crash {i}\n" for i in range(100))
        size = log.stat().st_size

        def kept() -> bool:
            rows = query(session, f"SELECT value FROM meta WHERE key = '{POSITIONS_META}'")
            return bool(rows) and any(p["offset"] == size for p in json.loads(rows[0][0]))

        wait_until(kept)
        run.send_signal(signal.SIGKILL)
        run.wait(timeout=10)
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
        for pid in engines:
            os.kill(pid, signal.SIGKILL)
    # while the bench is down the application goes on, and rotates its log
    with log.open("a") as handle:
        handle.writelines(f"while down {i}\n" for i in range(50))
    os.replace(log, tmp_path / "app.log.1")
    log.write_text("".join(f"new file {i}\n" for i in range(50)))

    resumed = subprocess.run(
        run_args(session, log, "--resume", "--engine", "inprocess"),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert resumed.returncode in (0, 1), resumed.stderr
    with read_session(session) as view:
        stored = [line.text for line in view.iter_trace_lines() if line.channel == "app"]
        sources = {line.source for line in view.iter_trace_lines() if line.channel == "app"}
    assert stored == (
        [f"before crash {i}" for i in range(100)]
        + [f"while down {i}" for i in range(50)]
        + [f"new file {i}" for i in range(50)]
    )
    assert sources == {str(log)}
