"""``verify`` and ``review`` given a named pipe or a device as the session say it is no file, as ``run`` and the
other commands do, never « introuvable » for something that is there (and never wait on the pipe)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from testbench.cli.main import main

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="no named pipes in the file system on Windows")
NOT_A_FILE = "n'est pas un fichier (périphérique, tube nommé…), pas un fichier de session"


@pytest.mark.parametrize("command", [["verify"], ["review", "--comment", "--reason", "r", "--key", "KEY"]])
def test_a_named_pipe_is_said_no_file(command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fifo = tmp_path / "s.tbsession"
    os.mkfifo(fifo)
    key = tmp_path / "k.pem"
    assert main(["keys", "init", "--key", str(key)]) == 0
    args = [str(fifo), *(["CASE-1"] if command[0] == "review" else [])]
    capsys.readouterr()
    assert main([command[0], *args, *[str(key) if a == "KEY" else a for a in command[1:]]]) == 3
    err = capsys.readouterr().err
    assert f"{fifo} : {NOT_A_FILE}" in err and "introuvable" not in err, err
