"""The import never quotes a PIN back (any case, any spacing), never marks a hand-added case as imported, keeps a
case kept for an id in doubt at its place, says no « aucun changement » when a row was left out, and says a
folder is a folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from testbench.cli.main import main
from testbench.office.diff import read_cases

REPO = Path(__file__).resolve().parents[1]
MAPPING = "cahier-exemple.mapping.toml"
SHEET = "'Cahier de tests'"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(REPO / "casebooks" / "examples", tmp_path / "casebooks" / "examples")
    shutil.copytree(REPO / "casebooks" / "cards", tmp_path / "casebooks" / "cards")
    monkeypatch.setenv("HOME", str(tmp_path))
    work = tmp_path / "casebooks" / "examples"
    monkeypatch.chdir(work)
    return work


def ids(path: Path) -> list[str]:
    cases = read_cases(path.read_bytes())
    assert cases is not None
    return list(cases[1])


def with_cell(folder: Path, name: str, cell: str, value: str) -> str:
    book = openpyxl.load_workbook(folder / "cahier-exemple.xlsx")
    book["Cahier de tests"][cell] = value
    book.save(folder / name)
    return name


@pytest.mark.parametrize(
    "written",
    ["Saisie du code porteur (PIN = 1234)", "Saisie du code porteur (Pin=1234)", "Saisie du code porteur (pin=1234)"],
)
def test_a_pin_is_never_quoted(folder: Path, written: str, capsys: pytest.CaptureFixture[str]) -> None:
    book = openpyxl.load_workbook(folder / "cahier-exemple.xlsx")
    sheet = book["Cahier de tests"]
    assert "Saisie du code porteur" in sheet["W5"].value
    sheet["W5"] = sheet["W5"].value.replace("Saisie du code porteur", written)
    book.save(folder / "pin.xlsx")

    assert main(["import", "pin.xlsx", "--mapping", MAPPING, "-o", "c.xml"]) == 3

    err = capsys.readouterr().err
    assert "1234" not in err and "illisible" not in err
    assert f"{SHEET}!W5: « pin=… » : un code porteur ne s'écrit jamais dans le cahier" in err


@pytest.mark.parametrize("written", ["Saisie du code porteur (PIN 1234)", "Saisie code porteur 1234 (x=(1)"])
def test_no_other_step_message_quotes_a_pin(folder: Path, written: str, capsys: pytest.CaptureFixture[str]) -> None:
    book = openpyxl.load_workbook(folder / "cahier-exemple.xlsx")
    sheet = book["Cahier de tests"]
    sheet["W5"] = sheet["W5"].value.replace("Saisie du code porteur", written)
    book.save(folder / "pin.xlsx")

    assert main(["import", "pin.xlsx", "--mapping", MAPPING, "-o", "c.xml"]) == 3

    err = capsys.readouterr().err
    assert f"{SHEET}!W5:" in err and "1234" not in err


def test_drop_absent_with_an_id_in_doubt_never_marks_a_hand_added_case_imported(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", "cahier-exemple.xlsx", "--mapping", MAPPING, "-o", "c.xml"]) == 0
    assert main(["new", "case", "--domain", "fse", "--mode", "securise", "--id", "HAND-1", "--casebook", "c.xml"]) == 0
    with_cell(folder, "dup.xlsx", "A10", "EX-FSE-010")
    capsys.readouterr()

    assert main(["import", "dup.xlsx", "--mapping", MAPPING, "-o", "c.xml", "--drop-absent"]) == 3

    said = capsys.readouterr()
    assert "cas HAND-1 de l'import précédent" not in said.err
    text = (folder / "c.xml").read_text(encoding="utf-8")
    assert "HAND-1" not in text  # dropped, as --drop-absent asks: never kept as an imported case
    assert "supprimé HAND-1" in said.out


def test_a_case_kept_for_an_id_in_doubt_stays_at_its_place(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "cahier-exemple.xlsx", "--mapping", MAPPING, "-o", "c.xml"]) == 0
    before = ids(folder / "c.xml")
    assert before[5] == "EX-FSE-006"
    with_cell(folder, "dup.xlsx", "A10", "EX-FSE-010")
    capsys.readouterr()

    assert main(["import", "dup.xlsx", "--mapping", MAPPING, "-o", "c.xml"]) == 3

    out = capsys.readouterr().out
    assert "aucun changement" not in out  # a row was left out: its change was not made
    assert ids(folder / "c.xml") == before


def test_a_hand_added_case_stays_at_its_place_too(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "cahier-exemple.xlsx", "--mapping", MAPPING, "-o", "c.xml"]) == 0
    assert main(["new", "case", "--domain", "fse", "--mode", "securise", "--id", "HAND-1", "--casebook", "c.xml"]) == 0
    before = ids(folder / "c.xml")
    with_cell(folder, "dup.xlsx", "A10", "EX-FSE-010")
    capsys.readouterr()

    assert main(["import", "dup.xlsx", "--mapping", MAPPING, "-o", "c.xml"]) == 3
    assert ids(folder / "c.xml") == before
    assert main(["import", "cahier-exemple.xlsx", "--mapping", MAPPING, "-o", "c.xml"]) == 0
    assert "supprimé HAND-1" not in capsys.readouterr().out and ids(folder / "c.xml") == before


def test_a_folder_is_said_a_folder(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (folder / "dd").mkdir()

    assert main(["import", "cahier-exemple.xlsx", "--mapping", MAPPING, "-o", "dd"]) == 3
    assert "dd : ce chemin est un dossier, pas un fichier ; indiquez un fichier" in capsys.readouterr().err
    assert main(["import", "dd", "--mapping", MAPPING, "-o", "c.xml", "--lang", "en"]) == 3
    assert "dd: this path is a folder, not a file; give a file" in capsys.readouterr().err
    assert not (folder / "c.xml").exists()
