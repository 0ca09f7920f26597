"""``verify`` given one of a report's files (report.pdf, index.html, manifest.json, evidence) names the folder to
give, exit 3 — not « n'est pas un fichier de session lisible (pas une base SQLite) » (audit s26 C6)."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("book")
    session = tmp / "s.tbsession"
    run = ["run", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(session), "--cards", "inprocess"]
    assert main([*run, "--engine", "inprocess", "-k", "DEMO-FSE-001"]) == 0
    assert main(["report", str(session), "-o", str(tmp / "rep")]) == 0
    return tmp / "rep"


@pytest.mark.parametrize("name", ["index.html", "manifest.json", "report.json", "junit.xml"])
def test_a_report_s_file_names_its_folder(name: str, report: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["verify", str(report / name)]) == 3
    assert f"{report / name} est un fichier du rapport : donnez son dossier {report}" in capsys.readouterr().err
    assert main(["verify", str(report / name), "--lang", "en"]) == 3
    assert f"{report / name} is a file of the report: give its folder {report}" in capsys.readouterr().err


def test_an_evidence_file_names_the_report_folder(report: Path, capsys: pytest.CaptureFixture[str]) -> None:
    evidence = next(p for p in (report / "evidence").rglob("*") if p.is_file())
    capsys.readouterr()
    assert main(["verify", str(evidence)]) == 3
    assert f"donnez son dossier {report}\n" in capsys.readouterr().err


def test_another_file_is_still_no_session(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "notes.txt"
    other.write_text("rien", encoding="utf-8")
    assert main(["verify", str(other)]) == 3
    assert "pas une base SQLite" in capsys.readouterr().err
