"""``pytest --casebook`` cancelled (SIGTERM, as a CI cancels) at its end — while xdist stops its workers, or while
the plugin builds ``--casebook-report`` — ends as interrupted (exit 2) with no traceback, says « interrompu » and
the commands that finish the work (CI audit F5): it used to print a Python traceback and exit 130, the shards left
unmerged with no command given."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from test_pytest_plugin import pytest_casebook

#: a plugin of the test's (``-p cut_end``): a real SIGTERM to pytest as the report is built (``report``) or as
#: the plugins end their session (``finish``: where xdist stops its workers), in the controller only
CUT_END = """import os, signal

import pytest

import testbench.report.build as build

WHERE = os.environ["CUT_END"]
_build = build.build_report


def cut_build(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGTERM)
    return _build(*args, **kwargs)


if WHERE == "report":
    build.build_report = cut_build


def pytest_sessionfinish(session):
    if WHERE == "finish" and not hasattr(session.config, "workerinput"):
        os.kill(os.getpid(), signal.SIGTERM)
"""


def cut_end(tmp: Path, where: str, monkeypatch: pytest.MonkeyPatch, *args: str) -> subprocess.CompletedProcess[str]:
    (tmp / "cut_end.py").write_text(CUT_END, encoding="utf-8")
    monkeypatch.setenv("CUT_END", where)
    session, report = tmp / "s.tbsession", tmp / "rep"
    return pytest_casebook(
        tmp, "-p", "cut_end", "--casebook-session", str(session), "--casebook-report", str(report), *args
    )


def run_said(command: str, cwd: Path) -> None:
    """A command the summary gave, run as the person would (``testbench`` of this virtualenv)."""
    command = command.replace("testbench", str(Path(sys.executable).with_name("testbench")), 1)
    done = subprocess.run(["bash", "-c", command], cwd=cwd, capture_output=True, text=True, check=False)
    assert done.returncode in (0, 1), done.stdout + done.stderr  # 1: the demo fails one case on purpose


def test_sigterm_while_the_report_is_built_says_the_report_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    done = cut_end(tmp_path, "report", monkeypatch)
    said = done.stdout + done.stderr
    assert done.returncode == pytest.ExitCode.INTERRUPTED, said
    assert "Traceback" not in said and "KeyboardInterrupt" not in said, said
    assert "\ninterrompu\n" in done.stdout, said
    command = re.search(r"cette commande écrit le rapport : (testbench report .*)", done.stdout)
    assert command, said
    assert not (tmp_path / "rep").exists()
    run_said(command[1], tmp_path)
    assert (tmp_path / "rep" / "index.html").is_file()


def test_sigterm_while_xdist_ends_keeps_the_shards_and_says_merge_then_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    junit = tmp_path / "ci.xml"
    done = cut_end(tmp_path, "finish", monkeypatch, "-n", "2", "--junitxml", str(junit))
    said = done.stdout + done.stderr
    assert done.returncode == pytest.ExitCode.INTERRUPTED, said
    assert "Traceback" not in said and "KeyboardInterrupt" not in said, said
    assert "\ninterrompu\n" in done.stdout, said
    assert junit.is_file()  # pytest's own JUnit of the cases run, as its summary says
    merge = re.search(r"partitions conservées dans \S+ ; pour les fusionner : (testbench merge .*)", done.stdout)
    report = re.search(r"cette commande écrit le rapport : (testbench report .*)", done.stdout)
    assert merge and report, said
    assert done.stdout.index(merge[0]) < done.stdout.index(report[0])  # merged first, then the book
    run_said(merge[1], tmp_path)
    run_said(report[1], tmp_path)
    assert (tmp_path / "rep" / "index.html").is_file()
