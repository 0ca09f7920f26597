"""``run --workers N`` interrupted (^C: SIGINT to the process group, as a terminal sends it) behaves as a
serial run: « interrompu », exit 2, no traceback, the cases under way left without a verdict (their engine
and card emulators got the same ^C: what they then say is no verdict), and ``--resume`` runs them again."""

from __future__ import annotations

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from testbench.paths import CASEBOOKS_DIR

pytestmark = pytest.mark.skipif(not hasattr(os, "killpg"), reason="a process group's SIGINT is POSIX")


def many_cases(folder: Path, count: int) -> Path:
    """The bundled billing casebook's cases repeated with new ids up to ``count`` (about 10 ms each on two
    in-process benches: long enough to interrupt it mid-run)."""
    text = (CASEBOOKS_DIR / "billing.xml").read_text(encoding="utf-8")
    head, rest = text.split("<cases>", 1)
    body, tail = rest.rsplit("</cases>", 1)
    blocks = re.findall(r"<case [\s\S]*?</case>", body)
    cases = [
        re.sub(r'<case id="([^"]+)"', lambda m, i=i: f'<case id="{m[1]}-R{i:03d}"', blocks[i % len(blocks)], count=1)
        for i in range(count)
    ]
    shutil.copytree(CASEBOOKS_DIR / "cards", folder / "cards")  # profiles are relative to the casebook
    target = folder / "many.xml"
    target.write_text(head + "<cases>\n" + "\n".join(cases) + "\n</cases>" + tail, encoding="utf-8")
    return target


def attempts(session: Path) -> list[tuple[str, str, str | None, bool]]:
    """(case, verdict, reason, finished) of every attempt, in order (nothing while the schema is not there)."""
    conn = sqlite3.connect(f"{session.resolve().as_uri()}?mode=ro", uri=True)
    try:
        rows = conn.execute("SELECT case_id, verdict, reason, ended_wall IS NOT NULL FROM attempts ORDER BY id")
        return [(r[0], r[1], r[2], bool(r[3])) for r in rows]
    except sqlite3.OperationalError:
        return []
    finally:
        conn.close()


def interrupt_after(args: list[str], session: Path, done: int) -> subprocess.CompletedProcess[str]:
    """Start ``testbench ARGS`` in its own process group, SIGINT the group once ``done`` cases have a verdict."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "testbench", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        if session.exists() and sum(finished for *_, finished in attempts(session)) >= done:
            break
        time.sleep(0.01)  # polling the file another process writes: no event to wait on
    assert proc.poll() is None, "the run ended before it could be interrupted"
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


@pytest.fixture(params=["inprocess", pytest.param("pcsc", marks=pytest.mark.integration)])
def cards(request: pytest.FixtureRequest) -> str:
    """The card bay: in memory, and through pcscd (each bench's card emulators are child processes that get
    the ^C too)."""
    if request.param == "pcsc":
        request.getfixturevalue("vpcd_lock")
    return str(request.param)


def test_ctrl_c_during_a_parallel_run_leaves_the_running_cases_unfinished_and_resume_runs_them(
    tmp_path: Path, cards: str
) -> None:
    count = 150 if cards == "inprocess" else 60
    casebook = many_cases(tmp_path, count)
    session = tmp_path / "i.tbsession"
    args = ["run", str(casebook), "--session", str(session), "--cards", cards, "--workers", "2"]
    stopped = interrupt_after(args, session, 10)
    assert stopped.returncode == 2, stopped.stderr
    assert "interrompu" in stopped.stderr
    assert "Traceback" not in stopped.stderr and "Exception in thread" not in stopped.stderr, stopped.stderr
    before = attempts(session)
    # every case of this casebook passes: an interrupted case has no verdict, never an engine or card fault
    assert {(verdict, finished) for _, verdict, _, finished in before} <= {("pass", True), ("none", False)}, before
    unfinished = [case for case, _, _, finished in before if not finished]
    assert len(unfinished) <= 2  # at most the case of each bench

    resumed = subprocess.run(
        [sys.executable, "-m", "testbench", *args, "--resume"], capture_output=True, text=True, timeout=120
    )
    assert resumed.returncode == 0, resumed.stderr
    after = attempts(session)
    assert after[: len(before)] == [
        (case, verdict, reason if finished else "tentative interrompue (processus arrêté avant le verdict)", True)
        for case, verdict, reason, finished in before
    ]
    final = [case for case, verdict, _, _ in after if verdict == "pass"]
    assert len(final) == len(set(final)) == count  # every case once, the interrupted ones run again
    assert set(unfinished) <= set(final[len(before) - len(unfinished) :])


def test_the_workers_know_of_a_ctrl_c_from_the_signal_itself() -> None:
    """The main thread's Python handler may run after a worker saw its engine or card stop: the workers read
    the signal's wakeup byte instead, written at once by its C handler (here the Python handler does nothing,
    so only the wakeup byte can tell)."""
    from testbench.runner.workers import Interruption

    interruption = Interruption()
    previous = signal.signal(signal.SIGINT, lambda *_: None)
    wakeup = signal.set_wakeup_fd(-1)
    signal.set_wakeup_fd(wakeup)
    try:
        with interruption.watching():
            assert not interruption.is_set()
            os.kill(os.getpid(), signal.SIGINT)
            seen: list[bool] = []
            worker = threading.Thread(target=lambda: seen.append(interruption.is_set()))
            worker.start()
            worker.join()
            assert seen == [True]
        assert interruption.is_set()  # it stays set
        assert signal.set_wakeup_fd(wakeup) == wakeup  # the previous wakeup is back
    finally:
        signal.signal(signal.SIGINT, previous)
