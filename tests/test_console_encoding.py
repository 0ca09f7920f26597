"""A command whose output goes to a file on Windows writes it in the ANSI code page (cp1252): the bench's
symbols outside it are spelled in ASCII instead of stopping the command with a traceback (cli/console.py).

Real processes with ``PYTHONIOENCODING=cp1252``, the encoding Windows gives a redirected output.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from testbench.paths import CASEBOOKS_DIR

DEMO = CASEBOOKS_DIR / "demo.xml"


def cp1252_command(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONIOENCODING": "cp1252"}
    return subprocess.run(
        [sys.executable, "-m", "testbench", *args], cwd=cwd, env=env, capture_output=True, timeout=120
    )


def test_a_comparison_written_to_a_cp1252_file_spells_its_arrows_in_ascii(tmp_path: Path) -> None:
    bench = ["--cards", "inprocess", "--engine", "inprocess"]
    for name, cases in (("a", "DEMO-FSE-001 or DEMO-FSE-099"), ("b", "DEMO-FSE-001 or DEMO-FSE-005")):
        done = cp1252_command("run", str(DEMO), "--session", f"{name}.tbsession", *bench, "-k", cases, cwd=tmp_path)
        assert b"Traceback" not in done.stderr
    compared = cp1252_command("diff", "a.tbsession", "b.tbsession", cwd=tmp_path)
    assert compared.returncode == 0, compared.stderr.decode("cp1252")
    out = compared.stdout.decode("cp1252")  # the file reads back in its own code page
    assert "[nouveau cas] PDT-DEMO-001 DEMO-FSE-005 — Soulève-malade" in out  # French and « — » as they are
    assert "— -> réussi (tentatives 0 -> 1)" in out  # « → » in ASCII


def test_a_refusal_on_a_cp1252_error_stream_spells_its_sign_in_ascii(tmp_path: Path) -> None:
    refused = cp1252_command("run", str(DEMO), "--session", "s.tbsession", "--shard", "3/2", cwd=tmp_path)
    assert refused.returncode == 3
    assert "--shard attend K/N avec 1 <= K <= N <= 10000" in refused.stderr.decode("cp1252")
