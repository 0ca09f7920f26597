"""``testbench services serve`` whose log nobody reads any more (``… | head -1`` once the port is read) goes on
serving, the log dropped — as every testbench command goes on once its output is unread — where each call was
answered with a closed connection, silently; a log the disk refuses (``> /dev/full``) is dropped too, said once on
stderr in one sentence, the services still answering."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from testbench.i18n import english

ARGV = [sys.executable, "-m", "testbench", "services", "serve"]


def _answers(port: int) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("POST", "/eprescription", json.dumps({"number": "RX-1"}).encode())
        return conn.getresponse().status
    finally:
        conn.close()


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "HOME": str(tmp_path), "TESTBENCH_LANG": "fr"}


def test_a_log_nobody_reads_any_more_leaves_the_services_answering(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [*ARGV, "--port", "0"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(tmp_path),
    )
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    port = int(json.loads(proc.stdout.readline())["port"])
    proc.stdout.close()  # « | head -1 »: the reader is gone
    try:
        assert [_answers(port) for _ in range(3)] == [200, 200, 200]
    finally:
        proc.stdin.close()  # the bench's way of stopping it
        code = proc.wait(30)
    assert (code, proc.stderr.read()) == (0, b"")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_log_the_disk_refuses_is_said_once_and_the_services_answer(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with open("/dev/full", "wb") as full:
        proc = subprocess.Popen(
            [*ARGV, "--port", str(port)],
            stdin=subprocess.PIPE,
            stdout=full,
            stderr=subprocess.PIPE,
            env=_env(tmp_path),
        )
    assert proc.stdin is not None and proc.stderr is not None
    try:
        deadline = time.monotonic() + 30  # its port line is lost: wait until it listens
        while proc.poll() is None and time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            time.sleep(0.1)
        assert [_answers(port) for _ in range(2)] == [200, 200]
    finally:
        proc.stdin.close()
        code = proc.wait(30)
    said = proc.stderr.read().decode()
    assert code == 0, said
    assert said.count("\n") == 1 and said.startswith("testbench services : journal des échanges perdu : "), said
    assert "Traceback" not in said and "Errno" not in said, said
    assert english(said.removeprefix("testbench services : ").strip()) == "exchange log lost: disk full"
