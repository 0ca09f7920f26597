"""A run stopped (SIGTERM, a CI's cancel) while a simulated téléservice holds its answer (fault ``timeout``)
ends promptly: the simulators stop without waiting for the held answer, and they stop before the engine, so
an engine waiting on that answer is freed at once rather than at its own timeout. Before, the run took 5 to
7 s to end (the simulator's graceful shutdown waited for the held handler, the bench killed it after 5 s)."""

from __future__ import annotations

import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_parallel_interrupt import descendants, still_running

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="a SIGTERM a process can handle is POSIX")
REPO = Path(__file__).resolve().parents[1]
WAITING = REPO / "tests" / "data" / "engines" / "teleservice_waiting_reference.py"
#: How long the run may take, from the signal to its end, on top of writing its JUnit: the promise is 1 s;
#: the rest is the margin of a loaded two-core machine (before the fix: 5 to 7 s)
PROMPT = 2.0


def test_sigterm_during_a_held_teleservice_answer_ends_the_run_promptly(tmp_path: Path) -> None:
    book = tmp_path / "teleservices.xml"
    xml = (REPO / "tests" / "data" / "services" / "teleservices.xml").read_text(encoding="utf-8")
    book.write_text(xml.replace('scenario="droits-ouverts" fault="down"', 'scenario="droits-ouverts" fault="timeout"'))
    shutil.copytree(REPO / "casebooks" / "cards", tmp_path / "cards")
    waiting = tmp_path / "waiting"
    engine = shlex.join([sys.executable, str(WAITING), "--marker", str(waiting)])
    junit = tmp_path / "junit.xml"
    args = ["run", str(book), "--session", str(tmp_path / "s.tbsession"), "-k", "ADRI-DOWN", "--cards", "inprocess"]
    args += ["--engine", engine, "--junit", str(junit)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "testbench", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline and not waiting.exists():
        time.sleep(0.01)  # polling what another process writes: no event to wait on
    assert proc.poll() is None and waiting.exists(), "the run ended before the téléservice held its answer"
    started = descendants(proc.pid) if sys.platform == "linux" else {}
    signalled = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    _out, err = proc.communicate(timeout=60)
    took = time.monotonic() - signalled
    assert proc.returncode == 2 and "interrompu" in err.splitlines(), err
    assert junit.exists() and "Traceback" not in err, err
    assert took < PROMPT, f"{took:.2f} s from SIGTERM to the end of the run"
    assert still_running(started) == []  # the simulators and the engine stopped with it
