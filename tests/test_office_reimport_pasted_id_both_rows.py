"""A case id pasted onto an earlier row puts both rows in doubt: the first is not trusted over the second, so the
real case keeps its previous version instead of taking the pasted row's content, and nothing is lost."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from testbench.cli.main import main
from testbench.office.diff import read_cases
from testbench.office.importer import write_import
from testbench.office.mapping import load_mapping

REPO = Path(__file__).resolve().parents[1]
SHEET = "'Cahier de tests'"


def working_copy(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "casebooks" / "examples", tmp_path / "casebooks" / "examples")
    shutil.copytree(REPO / "casebooks" / "cards", tmp_path / "casebooks" / "cards")
    return tmp_path / "casebooks" / "examples"


def pasted(folder: Path) -> Path:
    """A10 (EX-FSE-006) given the id of A11 (EX-FSE-010)."""
    book = openpyxl.load_workbook(folder / "cahier-exemple.xlsx")
    sheet = book["Cahier de tests"]
    assert (sheet["A10"].value, sheet["A11"].value) == ("EX-FSE-006", "EX-FSE-010")
    sheet["A10"] = "EX-FSE-010"
    book.save(folder / "dup.xlsx")
    return folder / "dup.xlsx"


def test_the_real_case_keeps_its_previous_version_and_nothing_is_lost(tmp_path: Path) -> None:
    folder = working_copy(tmp_path)
    mapping = load_mapping(folder / "cahier-exemple.mapping.toml")
    out = folder / "dup.xml"
    write_import(folder / "cahier-exemple.xlsx", mapping, out)
    before = read_cases(out.read_bytes())
    assert before is not None

    done = write_import(pasted(folder), mapping, out)

    after = read_cases(out.read_bytes())
    assert after is not None and sorted(after[1]) == sorted(before[1])
    for case_id in ("EX-FSE-006", "EX-FSE-010"):  # each exactly as it was, neither overwritten by the other
        assert after[1][case_id].findtext("{*}title") == before[1][case_id].findtext("{*}title")
    assert done.kept == ["EX-FSE-010"] and done.unmatched == ["EX-FSE-006"]
    said = [problem.text("fr") for problem in done.problems]
    assert (
        f"{SHEET}!A10: identifiant « EX-FSE-010 » en double (aussi en {SHEET}!A11) : aucune des lignes n'est reprise"
    ) in said


def test_the_last_line_names_both_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = working_copy(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(folder)
    assert main(["import", "cahier-exemple.xlsx", "--mapping", "cahier-exemple.mapping.toml", "-o", "dup.xml"]) == 0
    capsys.readouterr()

    code = main(["import", str(pasted(folder)), "--mapping", "cahier-exemple.mapping.toml", "-o", "dup.xml"])

    assert code == 3
    out, err = capsys.readouterr()
    assert "modifié EX-FSE-010" not in out and "aucun changement" not in out  # rows were left out: not « no change »
    assert (
        f"2 cas laissés de côté : EX-FSE-010 ({SHEET}!A10, en double), EX-FSE-010 ({SHEET}!A11, en double)" in err
    )
