"""``--junit /dev/stdout`` is refused (exit 3, README § Exit codes) also when standard output is redirected to a
file — a CI step's ``> log``, a runner's capture: the path then resolves to that regular file, which was accepted
and replaced by the JUnit (renamed over it), the job's log lost with the lines written before."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "casebooks" / "demo.xml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess", "-k", "DEMO-FSE-001"]

pytestmark = pytest.mark.skipif(not os.path.exists("/dev/stdout"), reason="/dev/stdout: POSIX systems")


def _into_log(log: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``testbench ARGS >> log``: standard output appended to a file that already holds the job's log."""
    with open(log, "a", encoding="utf-8") as out:
        return subprocess.run(
            [sys.executable, "-m", "testbench", *args],
            stdout=out,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            cwd=log.parent,
        )


def _demo_session(folder: Path) -> Path:
    """A session of one passing demo case, to write outputs from."""
    session = folder / "s.tbsession"
    first = subprocess.run(
        [sys.executable, "-m", "testbench", "run", str(DEMO), "--session", str(session), *BENCH],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert first.returncode == 0, first.stderr
    return session


@pytest.mark.parametrize(
    ("junit", "lang", "said"),
    [
        ("/dev/stdout", "fr", "/dev/stdout : ce chemin n'est pas un fichier (périphérique, tube nommé…)"),
        ("/dev/fd/1", "en", "/dev/fd/1: this path is no file (a device, a named pipe…)"),
        ("link.xml", "fr", "link.xml : ce chemin n'est pas un fichier (périphérique, tube nommé…)"),
    ],
)
def test_run_refuses_stdout_redirected_to_a_file(tmp_path: Path, junit: str, lang: str, said: str) -> None:
    log = tmp_path / "job.log"
    log.write_text("earlier step\n", encoding="utf-8")
    (tmp_path / "link.xml").symlink_to("/dev/stdout")
    inode = log.stat().st_ino
    done = _into_log(log, "run", str(DEMO), "--session", "s.tbsession", *BENCH, "--junit", junit, "--lang", lang)
    assert done.returncode == 3, done.stderr
    assert said in done.stderr and "Traceback" not in done.stderr
    assert log.stat().st_ino == inode and log.read_text(encoding="utf-8") == "earlier step\n"  # the log kept
    assert not (tmp_path / "s.tbsession").exists()  # refused before anything ran
    assert (tmp_path / "link.xml").is_symlink()


def test_report_refuses_stdout_redirected_to_a_file(tmp_path: Path) -> None:
    session = _demo_session(tmp_path)
    log = tmp_path / "job.log"
    log.write_text("earlier step\n", encoding="utf-8")
    done = _into_log(log, "report", str(session), "-o", "rep", "--junit", "/dev/stdout", "--lang", "en")
    assert done.returncode == 3, done.stderr
    assert "/dev/stdout: this path is no file" in done.stderr
    assert log.read_text(encoding="utf-8") == "earlier step\n" and not (tmp_path / "rep").exists()


def test_a_file_and_a_link_to_a_file_are_still_written(tmp_path: Path) -> None:
    """Only streams are refused: a link to a plain file writes that file and keeps the link."""
    (tmp_path / "real.xml").write_text("old\n", encoding="utf-8")
    (tmp_path / "link.xml").symlink_to("real.xml")
    log = tmp_path / "job.log"
    done = _into_log(log, "run", str(DEMO), "--session", "s.tbsession", *BENCH, "--junit", "link.xml")
    assert done.returncode == 0, done.stderr
    assert "<testsuite" in (tmp_path / "real.xml").read_text(encoding="utf-8")
    assert (tmp_path / "link.xml").is_symlink()


def test_diff_refuses_stdout_redirected_to_a_file(tmp_path: Path) -> None:
    """Every command's output file goes through one check: ``diff --html /dev/stdout > log`` keeps the log too."""
    session = _demo_session(tmp_path)
    log = tmp_path / "job.log"
    log.write_text("earlier step\n", encoding="utf-8")
    done = _into_log(log, "diff", str(session), str(session), "--html", "/dev/stdout")
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "/dev/stdout : ce chemin n'est pas un fichier" in done.stderr
    assert log.read_text(encoding="utf-8") == "earlier step\n"
