"""Every example of docs/engine-protocol.md works as written (audit s30): the invoice request conforms to the
``create_invoice`` params schema, and the ``engine check`` command of the first ``sh`` block, run as written
against the reference engine, prints its verdict per check and exits 0."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from testbench.engines.protocol.validation import check

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "engine-protocol.md"


def _blocks(language: str) -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    return re.findall(rf"^```{language}\n(.*?)^```$", text, flags=re.M | re.S)


def test_the_doc_has_its_examples() -> None:
    assert len(_blocks("json")) == 1 and len(_blocks("sh")) == 1


def test_the_invoice_request_example_conforms_to_its_schema() -> None:
    (block,) = _blocks("json")
    request = json.loads(block)
    assert check(request, "create_invoice.params") == []


def test_the_check_command_runs_as_written(tmp_path: Path) -> None:
    (block,) = _blocks("sh")
    line = block.splitlines()[0].split("#", 1)[0]
    argv = shlex.split(line)
    assert argv[:3] == ["testbench", "engine", "check"], argv
    # `testbench` is the installed entry point; `.venv/bin/python` is the repository's venv, as the doc says
    argv = [sys.executable, "-m", "testbench", *argv[1:]]
    assert argv[argv.index("--") + 1] == ".venv/bin/python"
    argv[argv.index("--") + 1] = sys.executable  # the same interpreter, wherever this test's venv is
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": "", "TESTBENCH_LANG": ""}
    done = subprocess.run(argv, cwd=REPO, env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "RÉUSSI" in done.stdout and "Traceback" not in done.stdout + done.stderr
    en = subprocess.run(
        [*argv[:4], "--lang", "en", *argv[4:]], cwd=REPO, env=env, capture_output=True, text=True, timeout=180
    )
    assert en.returncode == 0 and "PASS" in en.stdout and "RÉUSSI" not in en.stdout, en.stdout + en.stderr


def test_the_vendor_shim_example_parses_as_written(tmp_path: Path) -> None:
    """Its options are the command's: run where no shim exists, it says the engine cannot be launched (exit 2),
    not a usage error (exit 3)."""
    (block,) = _blocks("sh")
    argv = shlex.split(block.splitlines()[1].split("#", 1)[0])
    assert argv[:3] == ["testbench", "engine", "check"] and "./my-vendor-shim" in argv, argv
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": "", "TESTBENCH_LANG": ""}
    command = [sys.executable, "-m", "testbench", *argv[1:]]
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "impossible de lancer le moteur « ./my-vendor-shim --config shim.ini »" in done.stdout, done.stdout
