"""Audit s22-robust: a session name longer than the file system allows, or a loop of symbolic links, gave « erreur
interne de testbench » (exit 2) in run, verify, report, diff and ui. Now every command says it of the path, before it
runs (exit 3): ``run --junit`` with such a name too, before any case runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.runner.exits import EXIT_USAGE

RUN = ["run", str(CASEBOOKS_DIR / "demo.xml"), "--cards", "inprocess", "--engine", "inprocess", "-k", "DEMO-FSE-001"]
LONG = "é" * 130  # 260 bytes in UTF-8: more than a name may hold


@pytest.mark.parametrize(
    "argv",
    [
        [*RUN, "--session", "{long}.tbsession"],
        ["verify", "{long}.tbsession"],
        ["report", "{long}.tbsession", "-o", "rep"],
        ["diff", "{long}.tbsession", "{long}.tbsession"],
    ],
)
def test_a_name_too_long_is_said_of_the_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main([a.format(long=LONG) for a in argv]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert f"{LONG}.tbsession : nom trop long pour le système de fichiers" in err
    assert "erreur interne" not in err


def test_run_junit_too_long_is_refused_before_any_case_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session = tmp_path / "s.tbsession"
    assert main([*RUN, "--session", str(session), "--junit", str(tmp_path / f"{LONG}.xml"), "--lang", "en"]) == 3
    assert "name too long for the file system" in capsys.readouterr().err
    assert not session.exists()


def test_a_loop_of_symbolic_links_is_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("loop1.tbsession").symlink_to("loop2.tbsession")
    Path("loop2.tbsession").symlink_to("loop1.tbsession")
    assert main([*RUN, "--session", "loop1.tbsession"]) == EXIT_USAGE
    assert "loop1.tbsession : trop de liens symboliques" in capsys.readouterr().err
