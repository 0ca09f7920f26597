"""A command whose standard output is closed (``>&-``: a service manager, a script) does its work and exits with
its own code: Python has no stdout then, and the check for output lost to a full disk met None and printed a
traceback (exit 120)."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

from testbench.paths import CASEBOOKS_DIR

TESTBENCH = Path(sys.executable).with_name("testbench")


def _closed(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = " ".join(shlex.quote(a) for a in (str(TESTBENCH), *args)) + " >&-"
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    return subprocess.run(["bash", "-c", command], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)


def test_validate_and_run_with_stdout_closed(tmp_path: Path) -> None:
    done = _closed(tmp_path, "validate", str(CASEBOOKS_DIR / "demo.xml"))
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    session = tmp_path / "s.tbsession"
    args = ["run", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(session), "--cards", "inprocess"]
    done = _closed(tmp_path, *args, "-k", "id:DEMO-FSE-001")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert session.is_file()
