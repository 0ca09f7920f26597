"""``testbench report`` checks where it writes before it reads the session, and writes the book and the JUnit
each on its own (CI audit F5), as ``run --report --junit`` does: a folder it cannot write is refused up front
(exit 3, as ``run --report`` and ``merge -o``), and a book the disk refuses does not keep the JUnit from CI."""

from __future__ import annotations

import errno
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from shard_content import run_demo
from test_ci_outputs import read_only

import testbench.report.build as build
from testbench.cli.main import main
from testbench.i18n import colon
from testbench.runner.exits import EXIT_ENVIRONMENT, EXIT_USAGE


def full_disk(*_args: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.fixture
def session(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "s.tbsession"
    assert run_demo(path, "-k", "DEMO-FSE-001 or DEMO-FSE-002") == 0
    capsys.readouterr()
    return path


def test_a_report_or_junit_in_a_read_only_folder_is_refused_before_the_session_is_read(
    tmp_path: Path, session: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: the whole session was read and the book built, then « écriture impossible », exit 2."""
    monkeypatch.setattr(build, "build_report", lambda *_a, **_k: pytest.fail("the book was built"))
    ro = read_only(tmp_path / "ro", monkeypatch)
    for lang, said in (("fr", " : écriture impossible ici"), ("en", ": cannot write here")):
        for target, args in ((ro / "rep", ["-o", str(ro / "rep")]), (ro / "j.xml", ["-o", str(tmp_path / "ok")])):
            junit = ["--junit", str(ro / "j.xml")] if target.suffix else []
            assert main(["report", str(session), *args, *junit, "--lang", lang]) == EXIT_USAGE
            err = capsys.readouterr().err
            assert f"testbench report{colon(lang)}{target}{said} (" in err, err
    assert list(ro.iterdir()) == [] and not (tmp_path / "ok").exists()


def test_a_book_the_disk_refuses_does_not_keep_the_junit_from_being_written(
    tmp_path: Path, session: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: the JUnit was written only after the book, so never when the book failed."""
    book, junit = tmp_path / "book", tmp_path / "ci" / "junit.xml"
    monkeypatch.setattr(Path, "write_bytes", full_disk)  # every whole-file write of the build fails
    code = main(["report", str(session), "-o", str(book), "--junit", str(junit)])
    monkeypatch.undo()
    err = capsys.readouterr().err
    assert code == EXIT_ENVIRONMENT
    said = f"testbench report : {book} : écriture impossible (disque plein) ; rien n'y a été changé"
    assert err.splitlines()[-1] == said
    assert len(list(ET.parse(junit).getroot().iter("testcase"))) == 2  # whole
    assert not book.exists()


def test_when_neither_can_be_written_each_failure_is_said(
    tmp_path: Path, session: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    book, junit = tmp_path / "book", tmp_path / "junit.xml"
    monkeypatch.setattr(Path, "write_bytes", full_disk)
    monkeypatch.setattr(os, "fsync", full_disk)  # the JUnit is flushed to the disk before it is renamed in place
    code = main(["report", str(session), "-o", str(book), "--junit", str(junit), "--lang", "en"])
    monkeypatch.undo()
    err = capsys.readouterr().err
    assert code == EXIT_ENVIRONMENT
    assert err.splitlines()[-2:] == [
        f"testbench report: {book}: cannot write (disk full); nothing was changed there",
        f"testbench report: {junit}: cannot write (disk full); nothing was changed there",
    ], err
    assert not book.exists() and not junit.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
