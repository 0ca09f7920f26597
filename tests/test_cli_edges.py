"""The command line's rough edges: paths that would surprise a person, verdict names, PC/SC states."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_report_build import campaign

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR

BILLING = CASEBOOKS_DIR / "billing.xml"
ONE_CASE = ["-k", "TB-LPP-001", "--cards", "inprocess", "--engine", "inprocess"]


def test_report_output_on_an_existing_file_is_a_usage_error(tmp_path: Path, capsys) -> None:
    session = campaign(tmp_path, hostile=False)
    taken = tmp_path / "rapport.html"
    taken.write_text("déjà là", encoding="utf-8")
    assert main(["report", str(session), "-o", str(taken)]) == 3
    err = capsys.readouterr().err
    assert f"{taken} : ce chemin est un fichier, pas un dossier" in err and "Traceback" not in err
    assert taken.read_text(encoding="utf-8") == "déjà là"  # nothing lost
    assert main(["report", str(session), "-o", str(taken), "--lang", "en"]) == 3
    assert f"{taken}: this path is a file, not a folder" in capsys.readouterr().err


def test_run_refuses_a_session_in_a_missing_folder_unless_asked(tmp_path: Path, capsys) -> None:
    usb = tmp_path / "media" / "usb-exam"  # not mounted: the folder is not there
    session = usb / "exam.tbsession"
    assert main(["run", str(BILLING), "--session", str(session), *ONE_CASE]) == 3
    err = capsys.readouterr().err
    assert f"{usb} : dossier introuvable" in err and "--create-dirs" in err
    assert not usb.exists() and not (tmp_path / "media").exists()
    assert main(["run", str(BILLING), "--session", str(session), *ONE_CASE, "--lang", "en"]) == 3
    assert f"{usb}: folder not found" in capsys.readouterr().err
    assert main(["run", str(BILLING), "--session", str(session), *ONE_CASE, "--create-dirs"]) == 0
    assert session.is_file()


def test_run_refuses_a_session_whose_folder_is_a_file(tmp_path: Path, capsys) -> None:
    (tmp_path / "plain").write_text("x", encoding="utf-8")
    assert main(["run", str(BILLING), "--session", str(tmp_path / "plain" / "s.tbsession"), *ONE_CASE]) == 3
    assert "n'est pas un dossier" in capsys.readouterr().err


@pytest.mark.parametrize("flag", ["--report", "--junit"])
def test_run_outputs_are_checked_before_the_campaign(tmp_path: Path, capsys, flag: str) -> None:
    target = tmp_path / ("taken.txt" if flag == "--report" else "folder")
    if flag == "--report":
        target.write_text("x", encoding="utf-8")
    else:
        target.mkdir()
    session = tmp_path / "s.tbsession"
    assert main(["run", str(BILLING), "--session", str(session), *ONE_CASE, flag, str(target)]) == 3
    assert str(target) in capsys.readouterr().err
    assert not session.exists()  # refused before anything ran
