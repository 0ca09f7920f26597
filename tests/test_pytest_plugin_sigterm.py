"""``pytest --casebook`` stopped by a CI's cancel or timeout (SIGTERM) ends as on ^C (CI audit F3): pytest's
« interrupted », exit 2, its ``--junitxml`` and the session written, the bench's engine stopped. Before: the
process died with 143, no JUnit, and the engine (in a process group of its own) ran on."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from testbench.store.read import read_session

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "casebooks" / "demo.xml"
ATTESTATIONS = ROOT / "casebooks" / "demo-attestations.json"

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="a real SIGTERM, processes seen in /proc")

#: a plugin of the test's (``-p sigterm_after``): as the 4th case starts, it notes the processes pytest has
#: started (the reference engine), then sends pytest a real SIGTERM
SIGTERM_AFTER = """import json, os, pathlib, signal

import pytest

ran = 0


def descendants():
    parents = {}
    for stat in pathlib.Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = (int(fields[1]), fields[19])
    found, frontier = {}, [os.getpid()]
    while frontier:
        parent = frontier.pop()
        for pid, (ppid, start) in parents.items():
            if ppid == parent:
                found[pid] = start
                frontier.append(pid)
    return found


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item, nextitem):
    global ran
    if ran == 3:
        pathlib.Path("started.json").write_text(json.dumps(descendants()))
        os.kill(os.getpid(), signal.SIGTERM)
    ran += 1
"""


def running(pid: int, start: str) -> bool:
    """Whether the process ``pid`` started at ``start`` still runs (a zombie has ended)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return False
    return fields[0] != "Z" and fields[19] == start


def test_sigterm_stops_the_cases_as_ctrl_c_writes_the_junit_and_stops_the_engine(tmp_path: Path) -> None:
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    (tmp_path / "sigterm_after.py").write_text(SIGTERM_AFTER, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("TESTBENCH_LANG", "PYTEST_ADDOPTS")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(tmp_path), env.get("PYTHONPATH"))))
    junit, session = tmp_path / "junit.xml", tmp_path / "casebook.tbsession"
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-c", str(tmp_path / "pytest.ini")]
    command += ["--rootdir", str(tmp_path), "-p", "sigterm_after", "--junitxml", str(junit)]
    command += ["--casebook", str(DEMO), "--casebook-attestations", str(ATTESTATIONS), "--casebook-cards", "inprocess"]
    started: dict[str, str] = {}
    try:
        done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
        started = json.loads((tmp_path / "started.json").read_text(encoding="utf-8"))
        assert done.returncode == pytest.ExitCode.INTERRUPTED, done.stdout + done.stderr
        assert started, "the reference engine runs in a process of its own"
        assert [pid for pid, start in started.items() if running(int(pid), start)] == []
        cases = list(ET.parse(junit).getroot().iter("testcase"))
        assert len(cases) == 3, done.stdout  # the three cases run before the SIGTERM
        with read_session(session) as s:
            assert [c.verdict for c in s.cases if c.verdict != "none"] == ["pass"] * 3
    finally:
        for pid, start in started.items():
            if running(int(pid), start):
                os.kill(int(pid), signal.SIGKILL)
