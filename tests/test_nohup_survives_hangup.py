"""A campaign started under ``nohup`` (SIGHUP ignored) survives the SSH session that started it: the commands' own
handling of a closed terminal (as ^C, for the workstation as Ctrl+Q) replaced the ignore nohup had set, and a run
of 124 cases stopped at the 33rd when the session closed (verification round)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

from testbench.interrupts import stopping

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="no SIGHUP on this system")


def test_an_ignored_hangup_stays_ignored_while_a_command_runs() -> None:
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        with stopping():
            assert signal.getsignal(signal.SIGHUP) == signal.SIG_IGN
    finally:
        signal.signal(signal.SIGHUP, previous)


def test_a_hangup_not_ignored_still_interrupts() -> None:
    previous = signal.signal(signal.SIGHUP, signal.SIG_DFL)
    try:
        with stopping():
            assert callable(signal.getsignal(signal.SIGHUP))
    finally:
        signal.signal(signal.SIGHUP, previous)


CHILD = """
import signal, sys, time
from testbench.interrupts import stopping
with stopping():
    print("ready", flush=True)
    time.sleep(1.5)
print("finished", flush=True)
"""


def test_a_process_under_nohup_finishes_after_a_hangup() -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD],
        stdout=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN),  # what nohup does
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    time.sleep(0.1)
    child.send_signal(signal.SIGHUP)
    out, _ = child.communicate(timeout=10)
    assert child.returncode == 0 and "finished" in out
