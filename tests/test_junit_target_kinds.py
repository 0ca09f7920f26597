"""Audit s22-robust: ``--junit`` is written whole under a temporary name, then renamed over its target: a symbolic
link (``/dev/stdout`` is one) was replaced by a plain file, a device too, and a named pipe hung the run. Now a target
that is no file is refused before any case runs, and a link to a file writes that file and keeps the link."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.runner.exits import EXIT_USAGE

RUN = ["run", str(CASEBOOKS_DIR / "demo.xml"), "--cards", "inprocess", "--engine", "inprocess", "-k", "DEMO-FSE-001"]

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes: POSIX")


def test_a_named_pipe_is_refused_before_any_case_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pipe = tmp_path / "fifo"
    os.mkfifo(pipe)
    assert main([*RUN, "--session", str(tmp_path / "s.tbsession"), "--junit", str(pipe)]) == EXIT_USAGE
    assert "ce chemin n'est pas un fichier (périphérique, tube nommé…)" in capsys.readouterr().err
    assert not (tmp_path / "s.tbsession").exists()


def test_a_link_to_a_device_is_refused_and_kept(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    link = tmp_path / "out"
    link.symlink_to(os.devnull)
    assert main([*RUN, "--session", str(tmp_path / "s.tbsession"), "--junit", str(link), "--lang", "en"]) == EXIT_USAGE
    assert "this path is no file (a device, a named pipe…)" in capsys.readouterr().err
    assert link.is_symlink()


def test_report_refuses_a_named_pipe(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = tmp_path / "s.tbsession"
    assert main([*RUN, "--session", str(session)]) == 0
    pipe = tmp_path / "fifo"
    os.mkfifo(pipe)
    assert main(["report", str(session), "-o", str(tmp_path / "rep"), "--junit", str(pipe)]) == EXIT_USAGE
    assert "ce chemin n'est pas un fichier" in capsys.readouterr().err
    assert not (tmp_path / "rep").exists()


@pytest.mark.parametrize("command", ["run", "report"])
def test_a_link_to_a_file_writes_the_file_and_keeps_the_link(tmp_path: Path, command: str) -> None:
    target = tmp_path / "real.xml"
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.xml"
    link.symlink_to("real.xml")
    session = tmp_path / "s.tbsession"
    assert main([*RUN, "--session", str(session), *(["--junit", str(link)] if command == "run" else [])]) == 0
    if command == "report":
        assert main(["report", str(session), "-o", str(tmp_path / "rep"), "--junit", str(link)]) == 0
    assert link.is_symlink() and os.readlink(link) == "real.xml"
    assert "<testsuite" in target.read_text(encoding="utf-8")


@pytest.mark.parametrize("option", ["--json", "--html"])
def test_every_named_output_refuses_a_named_pipe(tmp_path: Path, option: str) -> None:
    """The check is the shared one of every written output (``diff``, ``export``, ``merge -o``, the plugin):
    ``diff A B --json FIFO`` read the pipe's head to sniff it and waited for ever (audit s22-english)."""
    import subprocess
    import sys

    session = tmp_path / "s.tbsession"
    assert main([*RUN, "--session", str(session)]) == 0
    pipe = tmp_path / "fifo"
    os.mkfifo(pipe)
    done = subprocess.run(
        [sys.executable, "-m", "testbench", "diff", str(session), str(session), option, str(pipe)],
        capture_output=True,
        text=True,
        timeout=60,  # before: never returned
        env={**os.environ, "HOME": str(tmp_path)},
    )
    assert done.returncode == EXIT_USAGE
    assert "ce chemin n'est pas un fichier (périphérique, tube nommé…)" in done.stderr
    assert "Traceback" not in done.stderr
