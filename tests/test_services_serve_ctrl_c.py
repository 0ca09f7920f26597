"""Ctrl-C on ``testbench services serve`` (the server a person starts by hand for operator mode) stops it
silently with code 0. Before, the thread watching stdin held the stdin buffer's lock at the interpreter's
end: « Fatal Python error: _enter_buffered_busy », SIGABRT, exit 134."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGINT and a pseudo-terminal are POSIX")


def _started(proc: subprocess.Popen[bytes]) -> None:
    """Wait for the server's first line (its port): it listens, and stdin is being watched."""
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert b'"port"' in line, line


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "HOME": str(tmp_path)}


def test_sigint_with_stdin_still_open_exits_0_silently(tmp_path: Path) -> None:
    argv = [sys.executable, "-m", "testbench", "services", "serve", "--port", "0"]
    proc = subprocess.Popen(
        argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(tmp_path)
    )
    try:
        _started(proc)
        time.sleep(0.2)
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert err == b"", err


def _take_terminal() -> None:
    """In the child: its stdin, the pseudo-terminal, becomes its controlling terminal."""
    import fcntl
    import termios

    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def test_ctrl_c_typed_at_a_terminal_exits_0_silently(tmp_path: Path) -> None:
    import pty

    master, slave = pty.openpty()
    argv = [sys.executable, "-m", "testbench", "services", "serve", "--port", "0"]
    proc = subprocess.Popen(
        argv,
        stdin=slave,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(tmp_path),
        start_new_session=True,  # its own session, so the terminal below is its controlling one
        preexec_fn=_take_terminal,
    )
    os.close(slave)
    try:
        _started(proc)
        time.sleep(0.2)
        os.write(master, b"\x03")  # the terminal turns it into SIGINT for its foreground process group
        _out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    assert proc.returncode == 0, err
    assert b"Fatal Python error" not in err and err == b"", err
