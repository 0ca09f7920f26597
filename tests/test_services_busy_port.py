"""``testbench services serve`` on a port already taken says so in one sentence on stderr (never a raw JSON
object) and exits 2, in English with ``--lang en``."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr", "testbench services : serveur de téléservices impossible à démarrer : port {port} déjà utilisé"),
        ("en", "testbench services: teleservice server cannot start: port {port} already in use"),
    ],
)
def test_a_busy_port_is_one_sentence_and_exit_2(tmp_path: Path, lang: str, expected: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-P", "-m", "testbench", "services", "serve", "--lang", lang, "--port", str(port)],
            input=b"",
            capture_output=True,
            timeout=60,
            env={**os.environ, "HOME": str(tmp_path)},
        )
    assert done.returncode == 2
    assert done.stderr.decode("utf-8").splitlines() == [expected.format(port=port)]
