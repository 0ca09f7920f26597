"""A casebook, plan or attestations file given as README writes it (``casebooks/demo.xml``) from a folder where
it is not — after ``pip install`` the files are in the package — is refused as before, and the bundled copy's
path is said, so that the person can name it."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR


def test_validate_points_at_the_bundled_casebook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "casebooks/demo.xml"]) == 3
    err = capsys.readouterr().err
    assert "casebooks/demo.xml:1:1: fichier introuvable" in err
    assert f"casebooks/demo.xml : testbench livre un fichier de ce nom, {CASEBOOKS_DIR / 'demo.xml'}" in err


def test_run_points_at_the_bundled_plan_in_english(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    plan = "casebooks/plans/exam-demo-plan.toml"
    args = ["run", str(CASEBOOKS_DIR / "demo.xml"), "--session", "s.tbsession", "--plan", plan, "--lang", "en"]
    assert main(args) == 3
    err = capsys.readouterr().err
    assert f"{plan}: testbench bundles a file of that name, {CASEBOOKS_DIR / 'plans/exam-demo-plan.toml'}" in err


def test_a_name_testbench_does_not_bundle_gets_no_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "casebooks/mine.xml"]) == 3
    assert "livre" not in capsys.readouterr().err
