"""``testbench demo --headless`` stopped by a CI's cancel or timeout (SIGTERM to the process alone) stops as
``run`` does: « interrompu », exit 2 (not 143), no process of the bench or of the demo application left
running, the case under way left without a verdict, and ``run --resume`` on the session runs it again."""

from __future__ import annotations

import re
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from test_parallel_interrupt import attempts, descendants, still_running

from testbench.paths import CASEBOOKS_DIR

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="a SIGTERM a process can handle is POSIX")
HOLDING = Path(__file__).parent / "data" / "engines" / "holding_reference.py"


def terminate_when(
    args: list[str], ready: Callable[[], bool]
) -> tuple[subprocess.CompletedProcess[str], dict[int, str]]:
    """Start ``testbench ARGS``, send it SIGTERM once ``ready()``; the ended process and the processes it had
    started then."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "testbench", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline and not ready():
        time.sleep(0.01)  # polling what another process writes: no event to wait on
    assert proc.poll() is None, "the demo ended before it could be stopped"
    started = descendants(proc.pid) if sys.platform == "linux" else {}
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err), started


def assert_stopped_as_run(stopped: subprocess.CompletedProcess[str], started: dict[int, str]) -> None:
    assert stopped.returncode == 2 and "interrompu" in stopped.stderr.splitlines(), stopped.stderr
    # then its book, of the cases already run (tests/test_run_interrupted_outputs.py)
    *_, book, advice = stopped.stderr.splitlines()
    assert book.startswith("les cas déjà exécutés sont dans"), stopped.stderr
    # then the demo's own advice: ``testbench demo`` has no --resume (tests/test_demo_full_disk.py)
    assert advice.startswith("démo : relancer testbench demo recommence sa session"), stopped.stderr
    assert "Traceback" not in stopped.stderr, stopped.stderr
    if sys.platform == "linux":
        assert started  # the engine, or the demo application
        assert still_running(started) == []


def test_sigterm_stops_the_headless_demo_as_run_does_and_its_session_resumes(tmp_path: Path) -> None:
    """The engine holds the first invoice until it is stopped: the first case is under way at the SIGTERM."""
    held = tmp_path / "held"
    engine = shlex.join([sys.executable, str(HOLDING), "--hold", "create_invoice", "--marker", str(held)])
    out = tmp_path / "demo"
    args = ["demo", "--headless", "--output", str(out), "--cards", "inprocess", "--engine", engine]
    stopped, started = terminate_when(args, held.exists)
    assert_stopped_as_run(stopped, started)
    session = out.with_name("demo.tbsession")
    assert attempts(session) == [("DEMO-FSE-001", "none", "", False)]

    casebook = CASEBOOKS_DIR / "demo.xml"
    resume = ["run", str(casebook), "--session", str(session), "--resume", "--cards", "inprocess"]
    resume += ["--attestations", str(casebook.with_name("demo-attestations.json"))]
    resumed = subprocess.run([sys.executable, "-m", "testbench", *resume], capture_output=True, text=True, timeout=120)
    assert resumed.returncode == 1, resumed.stderr  # the demo's case built to fail (DEMO-FSE-099)
    after = attempts(session)
    assert after[0] == ("DEMO-FSE-001", "none", "tentative interrompue (processus arrêté avant le verdict)", True)
    assert after[1][:2] == ("DEMO-FSE-001", "pass")  # run again
    assert all(finished for *_, finished in after) and len({case for case, *_ in after}) == len(after) - 1


def test_sigterm_stops_the_headless_exam_and_its_demo_application(tmp_path: Path) -> None:
    out = tmp_path / "exam"
    session = out.with_name("exam.tbsession")
    args = ["demo", "--exam", "--headless", "--output", str(out), "--cards", "inprocess"]
    stopped, started = terminate_when(args, lambda: session.exists() and sum(f for *_, f in attempts(session)) >= 2)
    assert_stopped_as_run(stopped, started)
    app = re.search(r"application de démonstration dans .* \(processus (\d+)\)", stopped.stderr)
    assert app is not None, stopped.stderr
    if sys.platform == "linux":
        assert int(app[1]) in started  # and, said above, no longer running
