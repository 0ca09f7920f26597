"""A workstation whose terminal closed (SIGHUP) ends: its quit's last writes go to the null device, and a quit that
still does not end (a terminal library's writer thread died on the closed terminal, its queue full) is cut after
the grace period. It used to stay alive, holding its session, so that the next workstation was refused."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time

import pytest

from testbench.interrupts import SIGHUP

STUCK = """
import asyncio, os, signal, sys, time
from testbench.interrupts import on_interrupt

def stuck():
    print("written after the hang-up", file=sys.stderr, flush=True)
    time.sleep(60)  # a quit that never ends

async def main():
    on_interrupt(lambda _signum: stuck(), grace=1.0)
    print("ready", flush=True)
    await asyncio.sleep(60)

asyncio.run(main())
"""


@pytest.mark.skipif(SIGHUP is None, reason="no SIGHUP on this system")
def test_a_quit_stuck_after_its_terminal_closed_ends_within_the_grace_period() -> None:
    """The terminal gone (its other end closed): the streams that were on it go to the null device, and the
    stuck quit is cut after the grace period."""
    import os
    import pty

    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-c", STUCK], stdin=follower, stdout=follower, stderr=follower)
    os.close(follower)
    seen = b""
    while b"ready\r\n" not in seen:  # the whole line: the terminal writes "ready" and its end of line apart, and
        seen += os.read(leader, 1024)  # closed between the two the child's print failed and it ended on its own
    os.close(leader)  # the terminal window closed
    started = time.monotonic()
    proc.send_signal(SIGHUP)
    assert proc.wait(timeout=30) == 2 and time.monotonic() - started < 20  # an interrupted command's code


@pytest.mark.skipif(SIGHUP is None, reason="no SIGHUP on this system")
def test_streams_that_are_not_a_terminal_are_left_alone() -> None:
    """A pipe a parent reads (a test runner's, pytest-xdist's own channel) is not pointed at the null device: it
    broke the workers of the suite that raise SIGHUP in their own process."""
    proc = subprocess.Popen([sys.executable, "-c", STUCK], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    proc.send_signal(SIGHUP)
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 2 and "written after the hang-up" in err


@pytest.mark.skipif(SIGHUP is None, reason="no SIGHUP on this system")
def test_a_quit_that_ends_in_time_cancels_the_watchdog() -> None:
    """The process goes on after the quit (a test's, an embedding program's): the watchdog ended it 15 s later,
    in the middle of another test."""
    import signal

    from testbench.interrupts import on_interrupt

    async def scenario() -> None:
        quit = asyncio.Event()
        restore = on_interrupt(lambda _signum: quit.set(), grace=0.3)
        signal.raise_signal(SIGHUP)
        await asyncio.wait_for(quit.wait(), 5)
        restore()
        await asyncio.sleep(0.8)  # past the grace: still alive

    asyncio.run(scenario())


QUITS = """
import asyncio, os, signal, sys
from testbench.interrupts import on_interrupt

async def main():
    quit = asyncio.Event()
    on_interrupt(lambda _signum: quit.set())
    print("ready", flush=True)
    await quit.wait()
    print("reset the terminal", flush=True)

asyncio.run(main())
"""


@pytest.mark.skipif(SIGHUP is None, reason="no SIGHUP on this system")
def test_a_hang_up_sent_while_the_terminal_stays_leaves_it_to_the_quit() -> None:
    """``kill -HUP`` from elsewhere, the terminal still there: the quit's last writes (Textual puts the terminal
    back: echo, main screen, no mouse) reach it; pointing the streams at the null device had left it broken."""
    import os
    import pty

    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-c", QUITS], stdin=follower, stdout=follower, stderr=follower)
    os.close(follower)
    seen = b""
    try:
        while b"ready" not in seen:
            seen += os.read(leader, 1024)
        proc.send_signal(SIGHUP)
        assert proc.wait(timeout=30) == 0
        while b"reset the terminal" not in seen:
            seen += os.read(leader, 1024)
    finally:
        os.close(leader)
    assert b"reset the terminal" in seen


#: the signal reaches the process through another thread (the main thread blocks it), as one arriving just before
#: the loop waits does: the loop must wake for its handler to run
WAKES = """
import asyncio, os, signal, sys, threading, time
from testbench.interrupts import on_interrupt

def send():
    time.sleep(0.5)
    os.kill(os.getpid(), signal.SIGTERM)

async def main():
    quit = asyncio.Event()
    restore = on_interrupt(lambda _signum: quit.set())
    threading.Thread(target=send).start()  # it does not block the signal: the kernel hands it the signal
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    started = time.monotonic()
    await asyncio.wait_for(quit.wait(), 30)  # the loop waits up to 30 s for its sockets
    restore()
    print(time.monotonic() - started)

asyncio.run(main())
"""


@pytest.mark.skipif(not hasattr(__import__("signal"), "pthread_sigmask"), reason="no signal masks on this system")
def test_a_signal_that_comes_while_the_loop_waits_is_handled_at_once() -> None:
    """A quiet loop (nothing due for 30 s): the signal handled when it came, not when the loop next woke — a
    SIGHUP that came just before the loop waited left a stuck quit running for a minute (flaky in CI)."""
    done = subprocess.run([sys.executable, "-c", WAKES], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr) == (0, "") and float(done.stdout) < 10, (done.stdout, done.stderr)
