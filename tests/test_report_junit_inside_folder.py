"""A JUnit file asked for inside the report folder is refused before anything is written (CI audit F2): written
after the manifest, it replaced the book's own junit.xml and a signed book failed ``verify`` (ALTÉRÉ); under
pytest, the book silently replaced the ``--junitxml`` the person asked for."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_pytest_plugin import pytest_casebook
from test_report_build import campaign

from testbench.cli.main import main
from testbench.signing import init_key


def test_report_refuses_a_junit_inside_its_folder_and_a_signed_book_stays_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session, key, folder = campaign(tmp_path, hostile=False), tmp_path / "k.pem", tmp_path / "rep"
    init_key(key)
    for junit in (folder / "junit.xml", folder / "evidence" / "ci.xml"):
        assert main(["report", str(session), "-o", str(folder), "--key", str(key), "--junit", str(junit)]) == 3
        err = capsys.readouterr().err
        assert f"{junit} (--junit) est dans le dossier du rapport {folder}" in err, err
        assert not folder.exists()  # said before anything is written
    assert main(["report", str(session), "-o", str(folder), "--key", str(key)]) == 0
    inside = ["--junit", str(folder / "junit.xml")]
    assert main(["report", str(session), "-o", str(folder), "--key", str(key), *inside]) == 3  # the signed book kept
    capsys.readouterr()
    assert main(["verify", str(folder)]) == 0, capsys.readouterr().out


def test_pytest_refuses_a_junitxml_inside_the_casebook_report(tmp_path: Path) -> None:
    report = tmp_path / "rep"
    done = pytest_casebook(
        tmp_path, "--casebook-session", str(tmp_path / "s.tbsession"), "--casebook-report", str(report),
        "--junitxml", str(report / "junit.xml"),
    )  # fmt: skip
    assert done.returncode == pytest.ExitCode.USAGE_ERROR, done.stdout + done.stderr
    assert f"{report / 'junit.xml'} (--junitxml) est dans le dossier du rapport {report}" in done.stderr, done.stderr
    assert not report.exists() and not (tmp_path / "s.tbsession").exists()
