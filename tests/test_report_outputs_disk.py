"""What a run or a rebuild leaves when its report or JUnit cannot be written (a full disk): a clear
sentence, exit 2 (the bench, not the product), the previous file or book whole, the session's verdicts kept."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.store.read import read_session

DEMO = Path(__file__).resolve().parents[1] / "casebooks" / "demo.xml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess", "-k", "DEMO-FSE-001"]


def full_disk(*_args: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_run_junit_on_a_full_disk_is_an_error_and_leaves_the_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    junit = tmp_path / "junit.xml"
    junit.write_text("<testsuite name='previous' tests='0'/>", encoding="utf-8")
    monkeypatch.setattr(os, "fsync", full_disk)  # the disk says it is full when the file is flushed to it
    session = tmp_path / "s.tbsession"
    code = main(["run", str(DEMO), "--session", str(session), *BENCH, "--junit", str(junit)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"testbench run: {junit} : écriture impossible (disque plein) ; rien n'y a été changé" in err
    assert "Traceback" not in err
    assert junit.read_text(encoding="utf-8") == "<testsuite name='previous' tests='0'/>"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temporary left
    with read_session(session) as s:
        assert [(c.case_id, c.verdict) for c in s.cases] == [("DEMO-FSE-001", "pass")]


def test_report_junit_on_a_full_disk_in_english(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    session = tmp_path / "s.tbsession"
    assert main(["run", str(DEMO), "--session", str(session), *BENCH]) == 0
    monkeypatch.setattr(os, "fsync", full_disk)
    junit = tmp_path / "ci" / "junit.xml"
    code = main(["report", str(session), "-o", str(tmp_path / "r"), "--junit", str(junit), "--lang", "en"])
    err = capsys.readouterr().err
    assert code == 2
    assert f"testbench report: {junit}: cannot write (disk full); nothing was changed there" in err
    assert list(junit.parent.iterdir()) == []


def test_the_junit_file_is_written_whole(tmp_path: Path) -> None:
    session = tmp_path / "s.tbsession"
    junit = tmp_path / "junit.xml"
    assert main(["run", str(DEMO), "--session", str(session), *BENCH, "--junit", str(junit)]) == 0
    assert junit.read_bytes().startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n<testsuite")
    assert junit.stat().st_mode & 0o777 == 0o644
