"""On a terminal, the run's bar names each case that does not pass as it ends, above the bar (as pytest names a
failure), with a short reason; without a terminal the lines are as before, one per case.

The bar used to give counts only: which case failed was known from the closing line and the report, at the end.
The terminal is a pseudo-terminal (POSIX only: ``pty``)."""

from __future__ import annotations

import io
import os
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fakes import make_case

from testbench.cli.progress import Progress
from testbench.domain.verdict import Outcome, Verdict
from testbench.i18n import use_language
from testbench.paths import CASEBOOKS_DIR
from testbench.runner.events import CaseFinished, CaseStarted

pty = pytest.importorskip("pty")  # a pseudo-terminal: POSIX

DEMO = CASEBOOKS_DIR / "demo.xml"
#: the bar's own escape sequences (erase to the end of the line)
ERASE = re.compile(r"\x1b\[K")


def read_all(master: int, until: float) -> str:
    """Everything the terminal's other side printed until it was closed (EIO on Linux) or ``until``."""
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


def screen_lines(text: str) -> list[str]:
    """The lines a terminal shows: each carriage return rewrites its line, from its start."""
    shown = ERASE.sub("", text.replace("\r\n", "\n"))
    return [line.rsplit("\r", 1)[-1] for line in shown.split("\n")]


def on_a_terminal(lang: str = "fr") -> tuple[Progress, int, io.TextIOWrapper]:
    master, slave = pty.openpty()
    out = open(slave, "w", encoding="utf-8", closefd=True)  # noqa: SIM115 — closed by the test
    with use_language(lang):
        progress = Progress(out)
    assert progress.tty
    return progress, master, out


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "[2/3] KO-1 : échec — montant AMO : attendu 163.00, obtenu 163.80"),
        ("en", "[2/3] KO-1: failed — montant AMO : attendu 163.00, obtenu 163.80"),
    ],
)
def test_a_failing_case_is_named_above_the_bar_as_it_ends(lang: str, said: str) -> None:
    progress, master, out = on_a_terminal(lang)
    try:
        ok, ko, err = make_case("OK-1", ()), make_case("KO-1", ()), make_case("ERR-1", ())
        progress(CaseStarted(ok, 0, 3, 1))
        progress(CaseFinished(ok, 0, 3, Outcome(Verdict.PASS, ""), 1))
        progress(CaseStarted(ko, 1, 3, 2))
        progress(CaseFinished(ko, 1, 3, Outcome(Verdict.FAIL, "montant AMO : attendu 163.00, obtenu 163.80"), 2))
        before_the_last = read_all(master, time.monotonic() + 1)
        progress(CaseStarted(err, 2, 3, 3))
        long_reason = "défaut du banc : " + "x" * 300 + "\nseconde ligne"
        progress(CaseFinished(err, 2, 3, Outcome(Verdict.ERROR, long_reason), 3))
        out.close()
        text = before_the_last + read_all(master, time.monotonic() + 5)
    finally:
        os.close(master)
        if not out.closed:
            out.close()
    lines = screen_lines(text)
    # said as it happened: before the next case started, on its own line, the bar drawn again below it
    assert said in screen_lines(before_the_last), before_the_last
    assert lines.index(said) < len(lines) - 1, lines
    assert "OK-1" not in "".join(line for line in lines if line.startswith("[")), lines  # a pass is not said
    (error,) = [line for line in lines if "ERR-1" in line and line.startswith("[")]
    assert error.startswith("[3/3] ERR-1") and error.endswith("…") and "seconde ligne" not in error, error
    assert len(error) < 140, error  # a short reason: its first line, clipped
    assert "3/3" in lines[-2] and "█" * 24 in lines[-2], lines  # the bar, whole, then the run's end of line


def test_a_reason_said_above_the_bar_is_redacted_as_in_a_ci_log() -> None:
    progress, master, out = on_a_terminal()
    try:
        case = make_case("KO-2", ())
        progress(CaseFinished(case, 0, 1, Outcome(Verdict.FAIL, "NIR 1 84 12 75 123 456 78 refusé"), 1))
        out.close()
        text = read_all(master, time.monotonic() + 5)
    finally:
        os.close(master)
    assert "KO-2 : échec — " in text, text
    assert "123 456" not in text, text


def test_without_a_terminal_the_lines_are_one_per_case_as_before() -> None:
    out = io.StringIO()
    with use_language("fr"):
        progress = Progress(out)
    case = make_case("KO-1", ())
    progress(CaseStarted(case, 0, 1, 1))
    progress(CaseFinished(case, 0, 1, Outcome(Verdict.FAIL, "montant\nsuite"), 1))
    assert out.getvalue() == "[1/1] KO-1 : échec — montant\nsuite\n"


def test_testbench_run_on_a_terminal_names_the_failing_case_while_it_runs(tmp_path: Path) -> None:
    """The real command, its error stream a terminal: DEMO-FSE-099 (built to fail) is named above the bar."""
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "TESTBENCH_LANG"}
    command = [sys.executable, "-m", "testbench", "run", str(DEMO), "--session", str(tmp_path / "s.tbsession")]
    command += ["--cards", "inprocess", "--engine", "inprocess", "-k", "DEMO-FSE-099 or DEMO-FSE-001"]
    try:
        process = subprocess.Popen(
            command, cwd=tmp_path, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave
        )
        os.close(slave)
        text = read_all(master, time.monotonic() + 120)
        process.wait(timeout=30)
    finally:
        os.close(master)
    assert process.returncode == 1, text
    lines = screen_lines(text)
    (failed,) = [line for line in lines if line.startswith("[") and "DEMO-FSE-099" in line]
    assert re.fullmatch(r"\[\d/2\] DEMO-FSE-099 : échec — .+", failed), failed
    assert "163" in failed, failed  # the reason: the amount that differs
    assert any("2/2" in line and "█" in line for line in lines[lines.index(failed) + 1 :]), lines
    assert not [line for line in lines if "DEMO-FSE-001 :" in line], lines  # it passed: only the bar counts it
