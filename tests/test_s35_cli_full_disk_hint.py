"""A run whose JUnit or report the disk refused once its cases ran (exit 2) names the ``testbench report``
command that writes them from the session, as an interrupted run does — not a bare « testbench report »."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from testbench.cli.main import main

DEMO = Path(__file__).resolve().parents[1] / "casebooks" / "demo.xml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess", "-k", "DEMO-FSE-001"]


def full_disk(*_args: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "« testbench report » en refait le rapport : testbench report {session} -o {book} --junit {junit}"),
        ("en", "“testbench report” builds its report again: testbench report {session} -o {book} --junit {junit}"),
    ],
)
def test_a_junit_the_full_disk_refused_is_given_its_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], lang: str, said: str
) -> None:
    session, junit = tmp_path / "s.tbsession", tmp_path / "junit.xml"
    monkeypatch.setattr(os, "fsync", full_disk)  # the disk says it is full when the JUnit is flushed to it
    code = main(["run", str(DEMO), "--session", str(session), *BENCH, "--junit", str(junit), "--lang", lang])
    err = capsys.readouterr().err
    monkeypatch.undo()
    assert code == 2
    book = tmp_path / "s-report"  # beside the session: no --report was given
    expected = said.format(session=session, book=book, junit=junit)
    assert f"{expected} --lang {lang}" in err, err
    assert "Traceback" not in err and not junit.exists()
    command = expected.split(": ", 1)[1] if lang == "en" else expected.split(" : ", 1)[1]
    assert command.startswith("testbench report ")
    assert main([*command.split()[1:], "--lang", lang]) == 0  # the command given works, once the disk has room
    assert junit.is_file() and (book / "index.html").is_file()


def test_a_report_refused_alone_keeps_the_written_junit_out_of_the_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The JUnit written, the report refused: the command rebuilds the report only."""
    import testbench.report.build as build

    session, junit, book = tmp_path / "s.tbsession", tmp_path / "junit.xml", tmp_path / "rep"

    def refused(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(build, "build_report", refused)
    code = main(["run", str(DEMO), "--session", str(session), *BENCH, "--junit", str(junit), "--report", str(book)])
    err = capsys.readouterr().err
    assert code == 2
    assert junit.is_file()
    assert f"« testbench report » en refait le rapport : testbench report {session} -o {book}\n" in err, err
