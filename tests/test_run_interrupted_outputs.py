"""``run --report DIR --junit FILE`` stopped by a CI's cancel or timeout (SIGTERM) or a terminal's ^C still
writes the JUnit and the report of the cases already run, the others « non exécuté », exits 2 and says so;
outputs it could not write are said, with the ``testbench report`` command that writes them (audit 9, E5)."""

from __future__ import annotations

import shlex
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from test_parallel_interrupt import attempts, interrupt_after, many_cases

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="a SIGTERM a process can handle is POSIX")


def junit_cases(path: Path) -> dict[str, str]:
    """case id -> « pass », or the tag of what the JUnit says instead (failure, error, skipped)."""
    cases = ET.parse(path).getroot().iter("testcase")
    return {c.get("name", ""): next((e.tag for e in c if e.tag != "system-out"), "pass") for c in cases}


def finished(session: Path) -> int:
    return sum(done for *_, done in attempts(session)) if session.exists() else 0


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["sigterm", "ctrl-c"])
def test_an_interrupted_run_still_writes_its_junit_and_report(tmp_path: Path, sig: signal.Signals) -> None:
    casebook, session = many_cases(tmp_path, 150), tmp_path / "t.tbsession"
    junit, book = tmp_path / "t.xml", tmp_path / "book"
    args = ["run", str(casebook), "--session", str(session), "--cards", "inprocess", "--junit", str(junit)]
    stopped, _ = interrupt_after([*args, "--report", str(book)], session, 3, sig)
    assert stopped.returncode == 2 and "Traceback" not in stopped.stderr, stopped.stderr
    assert stopped.stderr.splitlines()[-3:] == [  # the run's lines in the command's language (here French)
        "interrompu",
        f"rapport : {book / 'index.html'}",
        f"les cas déjà exécutés sont dans {junit}, {book}, les autres y sont « non exécuté » ; --resume reprend",
    ], stopped.stderr
    tags = {"pass": "pass", "fail": "failure", "error": "error", "inconclusive": "error"}
    run = {case: tags[verdict] for case, verdict, _, done in attempts(session) if done}  # the cases already run
    shown = junit_cases(junit)
    assert len(shown) == 150 and list(run.values()).count("pass") >= 3, stopped.stderr
    assert {case: tag for case, tag in shown.items() if case in run} == run, stopped.stderr
    # the case under way: it ran, and the interrupt cut it before its verdict — an error, as run's exit 2 says
    cut = {case for case, _, _, done in attempts(session) if not done}
    assert {shown[case] for case in cut} <= {"error"}, stopped.stderr
    # the others « non exécuté »: never reached, they did not run
    assert {tag for case, tag in shown.items() if case not in run and case not in cut} == {"skipped"}
    assert "non exécuté" in (book / "index.html").read_text(encoding="utf-8")


def test_outputs_it_cannot_write_are_said_with_the_command_that_writes_them(tmp_path: Path) -> None:
    casebook, session = many_cases(tmp_path, 150), tmp_path / "t.tbsession"
    folder = tmp_path / "out"
    folder.mkdir()
    junit = folder / "t.xml"
    args = ["run", str(casebook), "--session", str(session), "--cards", "inprocess", "--junit", str(junit)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "testbench", "--lang", "en", *args], stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 60
    while finished(session) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)  # polling the file another process writes: no event to wait on
    folder.rmdir()
    folder.write_text("not a folder any more")  # the JUnit cannot be written now
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2 and "Traceback" not in err, err
    command = f"testbench report {session} -o {tmp_path / 't-report'} --junit {junit} --lang en"
    assert err.splitlines()[-1] == (
        f"{junit}: not fully written; the session keeps the verdicts, this command writes them: {command}"
    )

    folder.unlink()
    folder.mkdir()
    rebuilt = subprocess.run([sys.executable, "-m", *shlex.split(command)], capture_output=True, text=True)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "skipped" in junit_cases(junit).values()
