"""A bare ``testbench`` without a terminal (a script, ssh without -t, a scheduled job): one line on stderr saying
why nothing opens and what to run, exit 3 — not the whole help with no word of the reason."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def bare(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "testbench", *args], stdin=subprocess.DEVNULL, capture_output=True, text=True,
        env={"HOME": str(home), "PATH": "/usr/bin:/bin"}, check=False, timeout=120,
    )  # fmt: skip


def test_a_bare_testbench_without_terminal_says_why(tmp_path: Path) -> None:
    done = bare(home=tmp_path)
    assert done.returncode == 3
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("testbench : pas de terminal")
    assert "testbench demo --headless" in lines[0]


def test_in_english(tmp_path: Path) -> None:
    done = bare("--lang", "en", home=tmp_path)
    assert done.returncode == 3
    assert done.stderr.startswith("testbench: no terminal") and "testbench demo --headless" in done.stderr
