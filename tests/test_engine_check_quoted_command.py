"""``engine check -- "python3 eng.py"``: one quoted argument is split as ``run --engine`` splits it (audit 21: it
was taken for a program named « python3 eng.py », « introuvable »)."""

from __future__ import annotations

import shlex
import sys

import pytest

from testbench.cli.main import main


def test_a_single_quoted_command_is_split_like_run_engine(capsys: pytest.CaptureFixture[str]) -> None:
    command = shlex.join([sys.executable, "-m", "testbench", "engine", "serve"])
    assert main(["engine", "check", "--json", "--", command]) == 0
    assert main(["engine", "check", "--", f"{sys.executable} 'unclosed"]) == 3
    assert "commande du moteur illisible" in capsys.readouterr().err
