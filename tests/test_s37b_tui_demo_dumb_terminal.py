"""``testbench demo`` on a terminal that declares it moves no cursor (``TERM=dumb``: Emacs' shell, some CI runners'
pseudo-terminal) stopped on ``testbench ui``'s refusal (exit 3), although the demo runs without a terminal: it runs
headless, as ``demo --headless`` does, and says so in one line. A real pseudo-terminal, the real program (an engine
that ends at once keeps it short: the run is not what is checked)."""

from __future__ import annotations

import os
import select
import subprocess
import sys
from pathlib import Path

import pytest

from testbench.cmdline import join

SAID = {
    "fr": "démo : terminal sans écran plein (TERM=dumb), exécution sans interface (--headless)",
    "en": "demo: terminal without full screen (TERM=dumb), running without the interface (--headless)",
}


def _on_a_dumb_terminal(tmp_path: Path, argv: list[str]) -> tuple[int, str]:
    """``testbench ARGV`` with its standard streams on a pseudo-terminal and TERM=dumb: its exit code, what it wrote."""
    import pty

    leader, follower = pty.openpty()
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "cfg"), "TERM": "dumb"}
    env.pop("TESTBENCH_LANG", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "testbench", *argv], stdin=follower, stdout=follower, stderr=follower, env=env,
        cwd=tmp_path,
    )
    os.close(follower)
    written = b""
    try:
        while select.select([leader], [], [], 60)[0]:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the program ended: its side of the terminal closed
                break
            if not chunk:
                break
            written += chunk
    finally:
        os.close(leader)
        code = proc.wait(timeout=60)
    return code, written.decode("utf-8", "replace")


@pytest.mark.skipif(os.name != "posix", reason="a pseudo-terminal")
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_demo_runs_headless_on_a_dumb_terminal(tmp_path: Path, lang: str) -> None:
    engine = join([sys.executable, "-c", "pass"])  # an engine that ends before answering: a short run
    out = tmp_path / "out"
    argv = ["demo", "--output", str(out), "--cards", "inprocess", "--engine", engine, "--lang", lang]
    code, written = _on_a_dumb_terminal(tmp_path, argv)
    assert code == 1, written  # the run's own code: its cases failed on that engine, not the terminal refused
    assert written.count(SAID[lang]) == 1, written
    assert "TERM=dumb" not in written.replace(SAID[lang], "")  # nothing of ``ui``'s refusal
    assert "\x1b[" not in written  # no full screen drawn
    assert (out / "index.html").is_file() and (tmp_path / "out.tbsession").is_file()
