"""The exam-day rehearsal on the demo application (``testbench demo --exam``), run once per test process as shipped
and once with its planted flaw, for the tests that read what it left: its session, exam book, JUnit and coverage
(``test_assisted_e2e.py``, ``test_demo_exam_coverage.py``, ``test_privacy_exam.py``). Each run is the whole
command: the demo application as a separate process, driven by its scripted operator; in-process cards (the exam
casebook reads no Vitale card; its CPS is a virtual one). The tests that use them share the xdist group
``demo-exam``, so that one worker runs both rehearsals once (scripts/test.sh distributes with ``loadgroup``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from testbench.cli.main import main

GROUP = pytest.mark.xdist_group("demo-exam")


@dataclass(frozen=True)
class Rehearsal:
    """What one ``testbench demo --exam --headless`` left: its exit code, its report folder, its session and the
    demo application's folder beside the report. Read them; never write to them (other tests share them)."""

    code: int
    report: Path

    @property
    def session(self) -> Path:
        return self.report.with_name(f"{self.report.name}.tbsession")

    @property
    def app(self) -> Path:
        return self.report.with_name(f"{self.report.name}-app")


def _rehearse(root: Path, *flaw: str) -> Rehearsal:
    report = root / "report"
    code = main(["demo", "--exam", *flaw, "--headless", "--cards", "inprocess", "--output", str(report)])
    return Rehearsal(code, report)


@pytest.fixture(scope="session")
def demo_exam(tmp_path_factory: pytest.TempPathFactory) -> Rehearsal:
    """The rehearsal as shipped: every case passes, the plan's coverage is ready."""
    return _rehearse(tmp_path_factory.mktemp("demo-exam"))


@pytest.fixture(scope="session")
def demo_exam_flawed(tmp_path_factory: pytest.TempPathFactory) -> Rehearsal:
    """The rehearsal with the planted flaw ``ald-rate``: the cases with an ALD line fail."""
    return _rehearse(tmp_path_factory.mktemp("demo-exam-flawed"), "--flaw", "ald-rate")
