"""A command whose output nobody reads any more (``| head``, a ``| tee`` stopped by the same ^C) ends as it would
have: no traceback, no « erreur interne », its exit code, its files written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from testbench.paths import CASEBOOKS_DIR


def closed_stdout(*args: str, cwd: Path | None = None) -> tuple[int, str]:
    """Run ``testbench ARGS`` with its standard output already closed by the reader; (exit code, stderr)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "testbench", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader is gone before the first line
    err = process.stderr.read().decode("utf-8", "replace")
    return process.wait(timeout=120), err


def test_a_command_whose_reader_is_gone_ends_with_its_own_exit_code() -> None:
    code, err = closed_stdout("--version")
    assert code == 0 and "Traceback" not in err and "BrokenPipe" not in err and err == ""


def test_a_run_whose_reader_is_gone_still_writes_its_junit(tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    code, err = closed_stdout(
        "run", str(CASEBOOKS_DIR / "demo.xml"), "-k", "DEMO-FSE-001", "--cards", "inprocess", "--engine", "inprocess",
        "--session", str(tmp_path / "s.tbsession"), "--junit", str(junit),
    )  # fmt: skip
    assert code == 0, err
    assert "interne" not in err and "Traceback" not in err and junit.is_file()
