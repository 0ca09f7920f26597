"""``run --workers N`` interrupted (^C: SIGINT to the process group, as a terminal sends it) behaves as a
serial run: « interrompu », exit 2, no traceback, the cases under way left without a verdict (their engine
and card emulators got the same ^C: what they then say is no verdict), and ``--resume`` runs them again.
A CI's cancel or timeout (SIGTERM to the process alone) does the same, serial and ``--workers``, and leaves
no process of the bench behind."""

from __future__ import annotations

import contextlib
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


def descendants(pid: int) -> dict[int, str]:
    """The processes ``pid`` started, and theirs (Linux's /proc): pid -> start time, which tells a reused pid."""
    parents: dict[int, int] = {}
    starts: dict[int, str] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rpartition(")")[2].split()
            parents[int(stat.parent.name)], starts[int(stat.parent.name)] = int(fields[1]), fields[19]
    found, frontier = {}, [pid]
    while frontier:
        parent = frontier.pop()
        for child in (c for c, p in parents.items() if p == parent):
            found[child] = starts[child]
            frontier.append(child)
    return found


def still_running(processes: dict[int, str]) -> list[int]:
    """Those of ``processes`` that still run (a zombie has ended)."""
    running = []
    for pid, start in processes.items():
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            if fields[0] != "Z" and fields[19] == start:
                running.append(pid)
    return running


def interrupt_after(
    args: list[str], session: Path, done: int, sig: signal.Signals = signal.SIGINT
) -> tuple[subprocess.CompletedProcess[str], dict[int, str]]:
    """Start ``testbench ARGS`` in its own process group and, once ``done`` cases have a verdict, send ``sig``:
    SIGINT to the group (a terminal's ^C), another signal to the process alone (a CI's cancel). Returns the
    ended process and the processes it had started then."""
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
    started = descendants(proc.pid) if sys.platform == "linux" else {}
    if sig == signal.SIGINT:
        os.killpg(proc.pid, sig)
    else:
        proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err), started


#: through pcscd the test takes the vpcd readers (``vpcd_lock``, asked for below): the vpcd tests' xdist group
PCSC = pytest.param("pcsc", marks=[pytest.mark.integration, pytest.mark.xdist_group("vpcd")])


@pytest.fixture(params=["inprocess", PCSC])
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
    stopped, _ = interrupt_after(args, session, 10)
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


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_the_workers_know_of_a_ctrl_c_from_the_signal_itself(sig: signal.Signals) -> None:
    """The main thread's Python handler may run after a worker saw its engine or card stop: the workers read
    the signal's wakeup byte instead, written at once by its C handler (here the Python handler does nothing,
    so only the wakeup byte can tell). A SIGTERM (which ``run`` takes as ^C) too."""
    from testbench.runner.workers import Interruption

    interruption = Interruption()
    previous = signal.signal(sig, lambda *_: None)
    wakeup = signal.set_wakeup_fd(-1)
    signal.set_wakeup_fd(wakeup)
    try:
        with interruption.watching():
            assert not interruption.is_set()
            os.kill(os.getpid(), sig)
            seen: list[bool] = []
            worker = threading.Thread(target=lambda: seen.append(interruption.is_set()))
            worker.start()
            worker.join()
            assert seen == [True]
        assert interruption.is_set()  # it stays set
        assert signal.set_wakeup_fd(wakeup) == wakeup  # the previous wakeup is back
    finally:
        signal.signal(sig, previous)


@pytest.mark.parametrize("workers", [1, 2], ids=["serial", "workers-2"])
def test_sigterm_stops_a_run_as_ctrl_c_does_and_leaves_no_process(tmp_path: Path, workers: int) -> None:
    """What a CI's cancel or timeout sends, to the run alone (its engines and services, in process groups of
    their own, get nothing): « interrompu », exit 2 (not 143), the cases under way without a verdict,
    ``--resume`` runs them, and no engine nor services process is left running."""
    count = 150
    casebook = many_cases(tmp_path, count)
    session = tmp_path / "t.tbsession"
    args = ["run", str(casebook), "--session", str(session), "--cards", "inprocess", "--workers", str(workers)]
    stopped, started = interrupt_after(args, session, 10, signal.SIGTERM)
    assert (stopped.returncode, stopped.stderr.splitlines()[-1:]) == (2, ["interrompu"]), stopped.stderr
    assert "Traceback" not in stopped.stderr and "Exception in thread" not in stopped.stderr, stopped.stderr
    if sys.platform == "linux":
        assert len(started) >= workers  # at least each bench's engine
        assert still_running(started) == []
    before = attempts(session)
    assert {(verdict, finished) for _, verdict, _, finished in before} <= {("pass", True), ("none", False)}, before
    unfinished = [case for case, _, _, finished in before if not finished]
    assert len(unfinished) <= workers  # at most the case of each bench

    resumed = subprocess.run(
        [sys.executable, "-m", "testbench", *args, "--resume"], capture_output=True, text=True, timeout=120
    )
    assert resumed.returncode == 0, resumed.stderr
    final = [case for case, verdict, _, _ in attempts(session) if verdict == "pass"]
    assert len(final) == len(set(final)) == count  # every case once, the interrupted ones run again
