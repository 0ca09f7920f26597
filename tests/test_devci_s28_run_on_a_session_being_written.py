"""A fresh ``testbench run`` on a session another run is writing (two CI jobs given one session name) says that
the session is being written by that process, exit 3 — never « la session contient déjà des résultats ;
--resume pour reprendre », whose advice (``--resume``) would only meet the same lock."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "casebooks" / "demo.xml"
HOLDING = ROOT / "tests" / "data" / "engines" / "holding_reference.py"


def _testbench(*args: str) -> list[str]:
    return [sys.executable, "-m", "testbench", *args]


@pytest.mark.parametrize(
    ("lang", "says", "not_said"),
    [
        ("fr", "session déjà ouverte en écriture par un autre processus (pid ", "--resume pour reprendre"),
        ("en", "session already open for writing by another process (pid ", "--resume to resume"),
    ],
)
def test_a_second_fresh_run_names_the_run_writing_the_session(
    tmp_path: Path, lang: str, says: str, not_said: str
) -> None:
    session, marker = tmp_path / "s.tbsession", tmp_path / "held"
    engine = f"{sys.executable} {HOLDING} --hold create_invoice --marker {marker}"
    first = subprocess.Popen(
        _testbench("run", str(DEMO), "--session", str(session), "--cards", "inprocess", "--engine", engine),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():  # the first run's first case is under way, its attempt recorded
            assert first.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        second = subprocess.run(
            _testbench("run", str(DEMO), "--session", str(session), "--cards", "inprocess", "--lang", lang),
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        first.terminate()
        first.wait(timeout=60)
    assert second.returncode == 3
    assert f"pid {first.pid} " in second.stderr and says in second.stderr, second.stderr
    assert not_said not in second.stderr and "Traceback" not in second.stderr
