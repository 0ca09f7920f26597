"""The report reads on one clock, UTC, whatever the time zone of the machine that builds it.

Trace lines used to be in the builder's local time without an offset, beside attempts in UTC: on a French
bench a case's trace read one hour off from its attempt, and a report rebuilt elsewhere had other bytes.
"""

from __future__ import annotations

import filecmp
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PARIS = "CET-1CEST,M3.5.0,M10.5.0/3"  # Europe/Paris as a POSIX rule: no tzdata needed


def _testbench(*args: str, cwd: Path, tz: str) -> None:
    env = {**os.environ, "TESTBENCH_LANG": "fr", "TZ": tz}
    done = subprocess.run([sys.executable, "-m", "testbench", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)  # fmt: skip
    assert done.returncode in (0, 1), done.stderr


def test_a_report_built_in_paris_is_the_one_built_in_utc(tmp_path: Path) -> None:
    _testbench("run", str(REPO / "casebooks" / "demo.xml"), "-k", "DEMO-FSE-001 or DEMO-FSE-099", "--session",
               "s.tbsession", "--cards", "inprocess", cwd=tmp_path, tz="UTC")  # fmt: skip
    _testbench("report", "s.tbsession", "-o", "paris", cwd=tmp_path, tz=PARIS)
    _testbench("report", "s.tbsession", "-o", "utc", cwd=tmp_path, tz="UTC")
    page = (tmp_path / "paris" / "index.html").read_text(encoding="utf-8")
    assert "heures UTC)</span></h3>" in page  # the failing case's trace, inline, says its clock
    differ = [
        str(p.relative_to(tmp_path / "paris"))
        for p in (tmp_path / "paris").rglob("*")
        if p.is_file() and not filecmp.cmp(p, tmp_path / "utc" / p.relative_to(tmp_path / "paris"), shallow=False)
    ]
    assert differ == []
