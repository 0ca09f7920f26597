"""SIGTERM while ``testbench ui`` loads its casebooks, before its screen takes the signals: an interruption
(« interrompu », exit 2), never the 143 of a killed process (robustness verification s25: 0.4–1.4 s after the start
with all the casebooks, the workstation died 143, its terminal left in the application's modes)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from testbench.paths import CASEBOOKS_DIR

LOADING = """
import os, signal, sys
import testbench.casebook.problems as problems
real = problems.read_casebooks
def loading(paths):
    os.kill(os.getpid(), signal.SIGTERM)  # a logout, a CI's cancel: while the casebooks load
    return real(paths)
problems.read_casebooks = loading
sys.argv[0] = "testbench"
from testbench.cli.main import main
raise SystemExit(main())
"""


def test_sigterm_while_the_workstation_loads_is_an_interruption(tmp_path: Path) -> None:
    session = tmp_path / "s.tbsession"
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data"), "TESTBENCH_LANG": "fr"}
    done = subprocess.run(
        [sys.executable, "-c", LOADING, "ui", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(session)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=tmp_path,
    )
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert done.stderr.strip() == "interrompu", done.stderr
