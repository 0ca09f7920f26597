"""The closing line of ``testbench run`` names the session, so it counts the session's verdicts (those its
JUnit and its exit code give), not only this run's: after ``--resume`` this run's are said apart, and the
line never reads « réussi » above an exit code that says a case failed (audit 9, E4)."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from testbench.paths import CASEBOOKS_DIR

DEMO = CASEBOOKS_DIR / "demo.xml"
BILLING = CASEBOOKS_DIR / "billing.xml"


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "testbench", *args], capture_output=True, text=True, timeout=120)


def closing(stderr: str) -> str:
    return next(line for line in reversed(stderr.splitlines()) if line.startswith("session"))


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr", "session : {s} — échec 1 (cette exécution : aucun cas exécuté)"),
        ("en", "session: {s} — failed 1 (this run: no case run)"),
    ],
)
def test_a_resume_with_nothing_left_gives_the_sessions_failure(tmp_path: Path, lang: str, expected: str) -> None:
    session = tmp_path / "d.tbsession"
    args = ["run", str(DEMO), "--session", str(session), "--cards", "inprocess"]
    args += ["--attestations", str(DEMO.with_name("demo-attestations.json"))]
    first = run_cli(*args, "-k", "DEMO-FSE-099")  # the demo's case built to fail
    assert first.returncode == 1, first.stderr
    resumed = run_cli("--lang", lang, *args, "--resume")
    assert resumed.returncode == 1, resumed.stderr
    assert closing(resumed.stderr) == expected.format(s=session)


@pytest.mark.skipif(sys.platform == "win32", reason="a SIGTERM a process can handle is POSIX")
def test_a_resumed_campaign_counts_every_case_of_the_session(tmp_path: Path) -> None:
    session = tmp_path / "b.tbsession"
    args = ["run", str(BILLING), "--session", str(session), "--cards", "inprocess"]
    proc = subprocess.Popen([sys.executable, "-m", "testbench", *args], stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    for line in proc.stderr:  # the run's own progress: stopped once three cases have their verdict
        if line.startswith("[3/"):
            break
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=60)
    assert proc.returncode == 2

    resumed = run_cli(*args, "--resume")
    conn = sqlite3.connect(session)
    final = dict(conn.execute("SELECT case_id, verdict FROM attempts WHERE verdict != 'none' ORDER BY id"))
    conn.close()
    this_run = Counter(line.split(" : ")[-1] for line in resumed.stderr.splitlines() if line.startswith("["))
    assert set(final.values()) == {"pass"} and resumed.returncode == 0, resumed.stderr
    assert 3 <= len(final) - this_run["réussi"] < len(final)  # the cases run before the SIGTERM are not run again
    expected = f"session : {session} — réussi {len(final)} (cette exécution : réussi {this_run['réussi']})"
    assert closing(resumed.stderr) == expected
