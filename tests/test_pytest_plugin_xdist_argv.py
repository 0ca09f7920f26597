"""Under pytest-xdist the session records the command that was run, not the worker's own ``-c`` (audit s22 §3).

xdist starts each worker with ``sys.argv`` ``["-c"]``; the runs table and the book then named « -c », and ``diff``
against a serial run found a changed value (its path normaliser takes the paths from the command line)."""

from __future__ import annotations

import json
from pathlib import Path

from test_pytest_plugin import pytest_casebook

from testbench.store.read import read_session


def test_an_xdist_run_records_the_controllers_command_line(tmp_path: Path) -> None:
    merged = tmp_path / "xdist.tbsession"
    done = pytest_casebook(tmp_path, "-n", "2", "-k", "DEMO-FSE-001 or DEMO-FSE-002", "--casebook-session", str(merged))
    assert done.returncode == 0, done.stdout + done.stderr
    with read_session(merged) as s:
        argvs = [run["argv"] for run in s.runs]
    assert argvs, "no run recorded"
    for argv in argvs:
        argv = json.loads(argv) if isinstance(argv, str) else argv
        assert argv != ["-c"] and "--casebook" in argv and "2" in argv, argv  # pytest's own command line
