"""On a narrow terminal (a CI's web terminal, a split tmux pane), the run's bar stays on one row: a bar longer
than the row wrapped, and each redraw (« \\r » goes back to the start of the last row only) left the previous
bar's first row behind — a stack of stale bars instead of one that moves. The bar is clipped to the terminal's
width (« … »); a terminal that gives no width keeps it whole. POSIX only: a pseudo-terminal (``pty``)."""

from __future__ import annotations

import os
import re
import select
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest

from testbench.paths import CASEBOOKS_DIR

pty = pytest.importorskip("pty")
fcntl = pytest.importorskip("fcntl")
termios = pytest.importorskip("termios")

DEMO = CASEBOOKS_DIR / "demo.xml"
COLUMNS = 60


def _read_all(master: int, until: float) -> str:
    chunks: list[bytes] = []
    while time.monotonic() < until:
        ready, _, _ = select.select([master], [], [], 0.2)
        if not ready:
            continue
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the other side is closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks).decode("utf-8", "replace")


def test_the_bar_fits_a_narrow_terminal(tmp_path: Path) -> None:
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, COLUMNS, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("TESTBENCH_LANG", "COLUMNS")}
    # no attestations: DEMO-FSE-030 stays pending, DEMO-FSE-099 fails — « réussi 20 · échec 1 · en attente 1 »
    command = [sys.executable, "-m", "testbench", "run", str(DEMO), "--session", str(tmp_path / "s.tbsession")]
    command += ["--cards", "inprocess", "--engine", "inprocess"]
    try:
        process = subprocess.Popen(
            command, cwd=tmp_path, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave
        )
        os.close(slave)
        text = _read_all(master, time.monotonic() + 180)
        process.wait(timeout=30)
    finally:
        os.close(master)
    assert process.returncode == 2, text
    drawn = [part for part in re.split(r"[\r\n]", text.replace("\x1b[K", "")) if part.startswith(("█", "░"))]
    assert any("22/22" in bar for bar in drawn), drawn
    too_wide = [bar for bar in drawn if len(bar) >= COLUMNS]
    assert too_wide == [], too_wide
    assert any(bar.endswith("…") and "22/22 réussi 20" in bar for bar in drawn), drawn  # clipped, said so
