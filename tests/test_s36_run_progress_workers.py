"""The run's progress stays readable when cases end out of order (``--workers``) and when a line is said while the
bar is drawn (an interrupt, a bench's notice).

The bar and the « [n/N] » lines took a case's place in the campaign as their count: under ``--workers`` the bar went
back (« 2/22 réussi 1 » then « 1/22 réussi 2 »), the log said « [2/2] B » before « [1/2] A », and when the last
case of the campaign ended before another one the bar's row was ended early and the closing line glued to the next
bar. On a terminal, « interrompu » (^C, a CI's cancel) was glued after the bar: « ███░ 8/22 DEMO-FSE-009…interrompu ».
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fakes import make_case
from test_parallel_interrupt import attempts, many_cases
from test_progress_failures_on_a_terminal import read_all, screen_lines

from testbench.cli.progress import Progress
from testbench.domain.verdict import Outcome, Verdict
from testbench.i18n import use_language
from testbench.runner.events import CaseFinished, CaseStarted


class Terminal(io.StringIO):
    """A stream that says it is a terminal (its width unknown): the bar is drawn, with no pseudo-terminal."""

    def isatty(self) -> bool:
        return True


def out_of_order(progress: Progress) -> None:
    """Two benches: A (case 0) and B (case 1) start, B ends first, then A."""
    a, b = make_case("A-1", ()), make_case("B-2", ())
    progress(CaseStarted(a, 0, 2, 1))
    progress(CaseStarted(b, 1, 2, 2))
    progress(CaseFinished(b, 1, 2, Outcome(Verdict.PASS, ""), 2))
    progress(CaseFinished(a, 0, 2, Outcome(Verdict.FAIL, "XYZ-42"), 1))


def test_the_bar_counts_cases_as_they_end_and_ends_its_row_after_the_last() -> None:
    out = Terminal()
    with use_language("fr"):
        progress = Progress(out)
        out_of_order(progress)
        progress.release()  # what the command does before its closing line: nothing more to end
    shown = screen_lines(out.getvalue())
    assert shown[0] == "[2/2] A-1 : échec — XYZ-42", shown  # the count of cases ended, above the bar
    assert shown[1] == "████████████████████████ 2/2 réussi 1 · échec 1", shown
    assert shown[2:] == [""], shown  # the bar's row ended once, after the last case to end
    bars = [part for part in out.getvalue().split("\r") if "/2 " in part and ("█" in part or "░" in part)]
    counts = [int(part.split("/2 ")[0].split()[-1]) for part in bars]
    assert counts == sorted(counts), bars  # never back


def test_the_log_lines_count_cases_as_they_end() -> None:
    out = io.StringIO()
    with use_language("en"):
        out_of_order(Progress(out))
    assert out.getvalue().splitlines() == ["[1/2] B-2: passed", "[2/2] A-1: failed — XYZ-42"]


def test_a_line_said_while_the_bar_is_drawn_starts_its_own_row() -> None:
    out = Terminal()
    progress = Progress(out)
    progress(CaseStarted(make_case("A-1", ()), 0, 2, 1))
    progress.release()
    out.write("interrompu\n")
    progress.release()  # once only: no empty row
    assert screen_lines(out.getvalue()) == ["░░░░░░░░░░░░░░░░░░░░░░░░ 0/2 A-1…", "interrompu", ""]


def finished(session: Path) -> int:
    return sum(done for *_, done in attempts(session)) if session.exists() else 0


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal and a SIGTERM a process can handle: POSIX")
def test_interrupted_on_a_terminal_says_so_on_its_own_row(tmp_path: Path) -> None:
    import pty

    casebook, session = many_cases(tmp_path, 150), tmp_path / "t.tbsession"
    master, slave = pty.openpty()
    args = ["run", str(casebook), "--session", str(session), "--cards", "inprocess"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "testbench", *args], stdout=subprocess.DEVNULL, stderr=slave, cwd=tmp_path
    )
    os.close(slave)
    try:
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline and finished(session) < 3:
            time.sleep(0.01)  # polling the file another process writes: no event to wait on
        assert proc.poll() is None, "the run ended before it could be interrupted"
        proc.send_signal(signal.SIGTERM)
        said = read_all(master, time.monotonic() + 60)
        assert proc.wait(timeout=60) == 2
    finally:
        os.close(master)
    shown = screen_lines(said)
    assert "interrompu" in shown, shown
    assert "Traceback" not in said

