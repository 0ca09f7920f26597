"""``testbench services serve`` started by hand keeps serving when its stdin is no pipe: in a CI script's
``testbench services serve --port N &`` stdin is /dev/null, which ended the server at once (code 0, silent: every
call of the application then refused); in a terminal, a server started with ``&`` that read the terminal was
stopped by it (SIGTTIN), every call then hanging. Only a pipe's end (the bench's way) stops it; otherwise Ctrl-C
or SIGTERM do."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import IO, Any

import pytest

ARGV = [sys.executable, "-m", "testbench", "services", "serve", "--port", "0"]


def _start(tmp_path: Path, stdin: IO[Any] | int) -> tuple[subprocess.Popen[bytes], int]:
    env = {**os.environ, "HOME": str(tmp_path)}
    proc = subprocess.Popen(ARGV, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert proc.stdout is not None
    return proc, int(json.loads(proc.stdout.readline())["port"])


def _answers(port: int) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("POST", "/eprescription", json.dumps({"number": "RX-1"}).encode())
        return conn.getresponse().status
    finally:
        conn.close()


def _still_serving(proc: subprocess.Popen[bytes], port: int) -> None:
    try:
        time.sleep(1.0)  # the stdin watcher would have stopped it by now
        assert proc.poll() is None
        assert _answers(port) == 200
    finally:
        proc.terminate()
        proc.communicate(timeout=30)


def test_stdin_at_dev_null_keeps_the_server_up(tmp_path: Path) -> None:
    _still_serving(*_start(tmp_path, subprocess.DEVNULL))


def test_stdin_from_a_file_keeps_the_server_up(tmp_path: Path) -> None:
    given = tmp_path / "stdin.txt"
    given.write_bytes(b"")
    with given.open("rb") as stdin:
        _still_serving(*_start(tmp_path, stdin))


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal is POSIX")
def test_a_terminal_is_not_read(tmp_path: Path) -> None:
    """The terminal hung up (its master closed): a server reading it saw its end and stopped."""
    import pty

    master, slave = pty.openpty()
    try:
        proc, port = _start(tmp_path, slave)
    finally:
        os.close(slave)
    os.close(master)
    _still_serving(proc, port)


def test_a_pipe_closed_still_stops_it_with_code_0(tmp_path: Path) -> None:
    proc, port = _start(tmp_path, subprocess.PIPE)
    assert _answers(port) == 200
    assert proc.stdin is not None
    proc.stdin.close()
    assert proc.wait(timeout=30) == 0
    assert proc.stderr is not None and proc.stderr.read() == b""
