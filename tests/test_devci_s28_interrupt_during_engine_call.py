"""A CI's cancel (SIGTERM) or a ^C while an engine call is under way stops ``testbench run`` at once, whatever
``--engine-timeout`` says: the engine runs in a process group of its own, so the signal never reaches it, and
the bench used to wait on it — each worker of ``--workers N`` until its call timed out (a minute here), a serial
run asking the busy engine for a ``shutdown`` it could not answer (2 s) then waiting for it (2 s more). A CI
gives a cancelled job a few seconds before it kills it (GitHub Actions 7.5 s, ``docker stop`` 10 s): killed,
the job publishes no JUnit. The run must end « interrompu », exit 2, its JUnit written, no engine left."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BILLING = ROOT / "casebooks" / "billing.xml"
HOLDING = ROOT / "tests" / "data" / "engines" / "holding_reference.py"


def _engines_alive(marker: Path) -> list[int]:
    """The pids of the holding engines still running (their command line names ``marker``)."""
    proc = Path("/proc")
    if not proc.is_dir():
        return []
    alive = []
    for entry in proc.iterdir():
        if entry.name.isdigit():
            try:
                if str(marker).encode() in (entry / "cmdline").read_bytes():
                    alive.append(int(entry.name))
            except OSError:
                continue
    return alive


@pytest.mark.parametrize(("workers", "within"), [("1", 3.0), ("2", 8.0)])
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_cancel_during_an_engine_call_stops_the_run_at_once(
    tmp_path: Path, workers: str, within: float, sig: signal.Signals
) -> None:
    session, junit, marker = tmp_path / "s.tbsession", tmp_path / "junit.xml", tmp_path / "held"
    engine = f"{sys.executable} {HOLDING} --hold create_invoice --marker {marker}"
    command = [sys.executable, "-m", "testbench", "run", str(BILLING), "--session", str(session)]
    command += ["--cards", "inprocess", "--workers", workers, "--engine-timeout", "60", "--junit", str(junit)]
    run = subprocess.Popen(
        [*command, "--engine", engine],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # a ^C as a terminal gives it: the default handler, even under a shell that started it in the background
        preexec_fn=(lambda: signal.signal(signal.SIGINT, signal.SIG_DFL)) if os.name == "posix" else None,
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():  # an engine holds its create_invoice: a call is under way
            assert run.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        time.sleep(0.5)  # every worker in its case
        run.send_signal(sig)
        sent = time.monotonic()
        out, err = run.communicate(timeout=90)
        took = time.monotonic() - sent
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
    assert run.returncode == 2, err
    assert "interrompu" in err and "Traceback" not in err + out
    assert took < within, f"stopped {took:.1f} s after the signal"
    assert "<testsuite" in junit.read_text(encoding="utf-8")
    assert _engines_alive(marker) == []


SLOW_START = """import sys, time
time.sleep(30)  # a vendor engine that loads its tables before it reads anything
sys.path.insert(0, {root!r})
from testbench.cli.main import main
sys.exit(main(["engine", "serve"]))
"""


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_cancel_while_the_engines_start_stops_the_run_at_once(tmp_path: Path, workers: str) -> None:
    """The benches of ``--workers`` start their engines in threads of their own: a cancel then waited for each
    start to end (its timeout, or the engine's slow start), the process's exit joining those threads."""
    script = tmp_path / "slow_engine.py"
    script.write_text(SLOW_START.format(root=str(ROOT)), encoding="utf-8")
    session, junit = tmp_path / "s.tbsession", tmp_path / "junit.xml"
    command = [sys.executable, "-m", "testbench", "run", str(BILLING), "--session", str(session)]
    command += ["--cards", "inprocess", "--workers", workers, "--engine-timeout", "60", "--junit", str(junit)]
    run = subprocess.Popen(
        [*command, "--engine", f"{sys.executable} {script}"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        time.sleep(3)  # the engines are starting
        assert run.poll() is None
        run.send_signal(signal.SIGTERM)
        sent = time.monotonic()
        out, err = run.communicate(timeout=90)
        took = time.monotonic() - sent
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
    assert run.returncode == 2, err
    assert "interrompu" in err and "Traceback" not in err + out
    assert took < 8.0, f"stopped {took:.1f} s after the signal"
    assert _engines_alive(script) == []
