"""A report folder that holds the session (``run --session rep/s.tbsession --report rep``, ``report s.tbsession
-o .``): the book listed the session and its ``.lock`` as added, so it failed ``verify`` at once. ``run --report``
and ``report -o`` now refuse such a folder before any case runs or anything is written (exit 3)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.tools.report import session_in_report_problem

DEMO = CASEBOOKS_DIR / "demo.xml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess", "-k", "id:DEMO-FSE-001"]
SAID = "le dossier du rapport ne peut pas contenir la session"


def test_the_check(tmp_path: Path) -> None:
    assert session_in_report_problem(tmp_path / "rep" / "s.tbsession", tmp_path / "rep") is not None
    assert session_in_report_problem(tmp_path / "rep" / "sub" / "s.tbsession", tmp_path / "rep") is not None
    assert session_in_report_problem(tmp_path / "s.tbsession", tmp_path / "rep") is None
    assert session_in_report_problem(tmp_path / "rep2" / "s.tbsession", tmp_path / "rep") is None


def test_run_refuses_it_before_any_case_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rep = tmp_path / "rep"
    rep.mkdir()
    session = rep / "s.tbsession"
    assert main(["run", str(DEMO), "--session", str(session), *BENCH, "--report", str(rep)]) == 3
    assert not session.exists() and SAID in capsys.readouterr().err
    assert main(["run", str(DEMO), "--session", str(session), *BENCH, "--report", str(rep), "--lang", "en"]) == 3
    assert "the report's folder cannot hold the session" in capsys.readouterr().err


def test_report_refuses_it_before_writing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    session = tmp_path / "s.tbsession"
    assert main(["run", str(DEMO), "--session", str(session), *BENCH]) in (0, 1)
    before = sorted(os.listdir(tmp_path))
    capsys.readouterr()
    monkeypatch.chdir(tmp_path)
    assert main(["report", "s.tbsession", "-o", "."]) == 3
    assert SAID in capsys.readouterr().err and sorted(os.listdir(tmp_path)) == before
    assert main(["report", str(session), "-o", str(tmp_path / "rep")]) == 0  # beside it: built
