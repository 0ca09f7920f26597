"""A command whose standard output or error is closed (``>&-``, ``2>&-``: a service manager, a script) does its work
and exits with its own code: Python has no stream then, and the check for output lost to a full disk met None and
printed a traceback (exit 120)."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

from testbench.paths import CASEBOOKS_DIR

TESTBENCH = Path(sys.executable).with_name("testbench")


def _closed(tmp_path: Path, *args: str, stream: str = ">&-") -> subprocess.CompletedProcess[str]:
    command = " ".join(shlex.quote(a) for a in (str(TESTBENCH), *args)) + f" {stream}"
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


def test_run_with_stderr_closed_writes_its_session(tmp_path: Path) -> None:
    """``2>&-``: the progress asked the missing stream whether it is a terminal, and the run did nothing (exit 2)."""
    session = tmp_path / "s.tbsession"
    args = ["run", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(session), "--cards", "inprocess"]
    done = _closed(tmp_path, *args, "-k", "id:DEMO-FSE-001", stream="2>&-")
    assert done.returncode == 0 and session.is_file(), done.stdout
