"""The exam-day rehearsal on the demo application (``testbench demo --exam``), run once per test process as shipped
and once with its planted flaw, for the tests that read what it left: its session, exam book, JUnit and coverage
(``test_assisted_e2e.py``, ``test_demo_exam_coverage.py``, ``test_privacy_exam.py``,
``test_readme_promises_demo_exam.py``). Each run is the whole command as the README gives it, a ``testbench``
process started from an empty folder with a home of its own (the book goes to the user's data folder): the demo
application as a separate process, driven by its scripted operator; in-process cards (the exam casebook reads no
Vitale card; its CPS is a virtual one). The tests that use them share the xdist group ``demo-exam``, so that one
worker runs both rehearsals once (scripts/test.sh distributes with ``loadgroup``). A rehearsal mostly waits (the
application's outputs, the log's settling: 3 s of CPU in 30 s), so the two run side by side when the session holds
tests of both.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

GROUP = pytest.mark.xdist_group("demo-exam")
#: the suite's settings a user's machine does not have (the user's data folder is then under the home)
DROPPED = {"XDG_DATA_HOME", "XDG_CONFIG_HOME", "TESTBENCH_CONFIG_DIR", "TESTBENCH_LANG"}
#: one rehearsal's process: at most this long (a loaded machine takes about twice its 30 s)
TIMEOUT = 600.0


@dataclass(frozen=True)
class Rehearsal:
    """What one ``testbench demo --exam --headless`` left: its exit code, its report folder, its session and the
    demo application's folder beside the report, what it wrote on stderr, the folder it ran in. Read them; never
    write to them (other tests share them)."""

    code: int
    report: Path
    stderr: str
    cwd: Path

    @property
    def session(self) -> Path:
        return self.report.with_name(f"{self.report.name}.tbsession")

    @property
    def app(self) -> Path:
        return self.report.with_name(f"{self.report.name}-app")


@dataclass(frozen=True)
class _Started:
    process: subprocess.Popen[bytes]
    root: Path

    def wait(self) -> Rehearsal:
        try:
            code = self.process.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            said = (self.root / "stderr").read_text(encoding="utf-8", errors="replace")
            pytest.fail(f"testbench demo --exam still running after {TIMEOUT:.0f} s:\n{said[-4000:]}")
        report = self.root / "home" / ".local" / "share" / "testbench" / "demo-exam"
        return Rehearsal(code, report, (self.root / "stderr").read_text(encoding="utf-8"), self.root / "anywhere")


def _start(root: Path, *flaw: str) -> _Started:
    """``testbench demo --exam [--flaw …] --headless --cards inprocess`` from an empty folder, its own home."""
    home, cwd = root / "home", root / "anywhere"
    home.mkdir()
    cwd.mkdir()
    env = {**{k: v for k, v in os.environ.items() if k not in DROPPED}, "HOME": str(home)}
    command = [sys.executable, "-m", "testbench", "demo", "--exam", *flaw, "--headless", "--cards", "inprocess"]
    with (root / "stdout").open("wb") as out, (root / "stderr").open("wb") as err:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
    return _Started(process, root)


@pytest.fixture(scope="session")
def demo_exam_runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, _Started]]:
    """The rehearsals started so far, by name (« shipped », « flawed »); one still running at the session's end
    is killed."""
    started: dict[str, _Started] = {}
    yield started
    for run in started.values():
        if run.process.poll() is None:
            run.process.kill()
            run.process.wait()


def _rehearsal(request: pytest.FixtureRequest, name: str) -> Rehearsal:
    """Rehearsal ``name``, started with the other one when a test of the session reads it too."""
    runs: dict[str, _Started] = request.getfixturevalue("demo_exam_runs")
    fixtures = {"shipped": "demo_exam", "flawed": "demo_exam_flawed"}
    for other, fixture in fixtures.items():
        wanted = other == name or any(fixture in getattr(i, "fixturenames", ()) for i in request.session.items)
        if wanted and other not in runs:
            flaw = ("--flaw", "ald-rate") if other == "flawed" else ()
            runs[other] = _start(request.getfixturevalue("tmp_path_factory").mktemp(f"demo-exam-{other}"), *flaw)
    return runs[name].wait()


@pytest.fixture(scope="session")
def demo_exam(request: pytest.FixtureRequest) -> Rehearsal:
    """The rehearsal as shipped: every case passes, the plan's coverage is ready."""
    return _rehearsal(request, "shipped")


@pytest.fixture(scope="session")
def demo_exam_flawed(request: pytest.FixtureRequest) -> Rehearsal:
    """The rehearsal with the planted flaw ``ald-rate``: the cases with an ALD line fail."""
    return _rehearsal(request, "flawed")
