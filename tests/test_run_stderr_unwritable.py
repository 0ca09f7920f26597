"""A stderr that refuses writes (a full disk: ``2>/dev/full``) loses the words, never the run: the progress is
dropped after its first failed write, the campaign goes on and writes its JUnit, the exit code is the session's;
and the last-resort handler never lets the failure escape as Python's exit 1 (« a case failed »)."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from fakes import make_case

from testbench.cli import run_cmd
from testbench.cli.main import main
from testbench.cli.progress import Progress
from testbench.domain.verdict import Outcome, Verdict
from testbench.runner.events import CaseFinished

DEMO = Path(__file__).resolve().parents[1] / "casebooks" / "demo.xml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess"]


class Full(io.TextIOBase):
    """A stream on a full disk: every write fails."""

    writes = 0

    def write(self, text: str) -> int:
        Full.writes += 1
        raise OSError(28, "No space left on device")

    def isatty(self) -> bool:
        return False


def test_progress_goes_quiet_after_a_failed_write() -> None:
    Full.writes = 0
    progress = Progress(Full())
    for index in range(3):
        progress(CaseFinished(make_case(f"TB-{index}", ()), index, 3, Outcome(Verdict.PASS, ""), 1))
    assert progress.counts[Verdict.PASS] == 3  # still counted for the closing line
    assert Full.writes == 1


def test_the_run_goes_on_and_writes_its_junit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stderr", Full())
    session, junit = tmp_path / "s.tbsession", tmp_path / "j.xml"
    assert main(["run", str(DEMO), "--session", str(session), *BENCH, "--junit", str(junit)]) == 2  # the session's
    assert 'tests="22"' in junit.read_text(encoding="utf-8")


def test_the_last_resort_handler_survives_a_broken_stderr(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object, **_kwargs: object) -> int:
        raise RuntimeError("a defect of the bench")

    monkeypatch.setattr(run_cmd, "execute", broken)
    monkeypatch.setattr(sys, "stderr", Full())
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    assert main(["run", str(DEMO), "--session", str(tmp_path / "s.tbsession"), *BENCH]) == 2
