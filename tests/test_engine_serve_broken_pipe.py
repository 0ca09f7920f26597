"""``testbench engine serve`` whose reader went away (stdout a broken pipe: ``… | true``) stops quietly, exit 0:
no « erreur interne de testbench », no traceback file (audit 20)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from testbench.engines.protocol.server import Server

_DESCRIBE = b'{"jsonrpc":"2.0","id":1,"method":"describe","params":{}}\n'


class _Gone(io.BytesIO):
    """A stdout nobody reads any more."""

    def write(self, data: bytes) -> int:  # type: ignore[override]
        raise BrokenPipeError(32, "Broken pipe")


def test_the_server_stops_quietly_when_its_answers_are_no_longer_read() -> None:
    assert Server(io.BytesIO(_DESCRIBE * 2), _Gone()).serve() == 0


@pytest.mark.skipif(os.name != "posix", reason="a pipe closed at its reading end")
def test_engine_serve_into_a_closed_pipe_exits_0_and_says_nothing(tmp_path: Path) -> None:
    read, write = os.pipe()
    os.close(read)  # the reader went away before the answer
    try:
        done = subprocess.run(
            [sys.executable, "-P", "-m", "testbench", "engine", "serve"],
            input=_DESCRIBE,
            stdout=write,
            stderr=subprocess.PIPE,
            env={**os.environ, "HOME": str(tmp_path), "TMPDIR": str(tmp_path)},
            timeout=60,
        )
    finally:
        os.close(write)
    assert (done.returncode, done.stderr) == (0, b"")
    assert not list(tmp_path.glob("testbench-erreur-*"))
