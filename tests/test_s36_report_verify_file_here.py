"""``verify index.html`` typed inside the report's folder names that folder by its path, « donnez son dossier
/…/rep », not « donnez son dossier . » (audit s36)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_verify_report_file import report  # noqa: F401 (the fixture: a small report built once)

from testbench.cli.main import main


def test_a_file_given_from_inside_the_report_names_the_folder_s_path(
    report: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(report)
    capsys.readouterr()
    assert main(["verify", "index.html"]) == 3
    assert capsys.readouterr().err.endswith(f"index.html est un fichier du rapport : donnez son dossier {report}\n")
    assert main(["verify", "index.html", "--lang", "en"]) == 3
    assert capsys.readouterr().err.endswith(f"index.html is a file of the report: give its folder {report}\n")
