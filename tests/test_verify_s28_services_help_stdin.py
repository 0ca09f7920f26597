"""``services serve --help`` says what stops the server as it now behaves: a stdin that is a pipe closing (the
bench's), Ctrl-C or SIGTERM — a terminal, a file or /dev/null is not read (docs/teleservices.md)."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "s'arrête quand son stdin, un tube, se ferme (un terminal, un fichier ou /dev/null ne sont pas lus)"),
        ("en", "stops when its stdin, a pipe, closes (a terminal, a file or /dev/null is not read)"),
    ],
)
def test_the_help_says_a_pipe_stops_it(lang: str, said: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "testbench", "services", "serve", "--help", "--lang", lang],
        capture_output=True,
        text=True,
        timeout=60,
        env={"COLUMNS": "400", "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 0, proc.stderr
    assert said in proc.stdout
    assert "stdin se ferme." not in proc.stdout and "when stdin closes" not in proc.stdout
