"""A re-import never deletes a case the document never held (added with ``new case --casebook`` or by hand): it
is kept and said; ``--drop-absent`` removes it. A case that came from the document is still removed with its row."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from testbench.cli.main import main
from testbench.office.diff import read_cases

REPO = Path(__file__).resolve().parents[1]
MAPPING = "cahier-exemple.mapping.toml"


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


def test_a_case_added_by_hand_survives_the_re_import(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "cahier-exemple.xlsx", "--mapping", MAPPING, "-o", "c.xml"]) == 0
    assert main(["new", "case", "--domain", "cards", "--mode", "none", "--id", "HAND-1", "--casebook", "c.xml"]) == 0
    capsys.readouterr()

    assert main(["import", "cahier-exemple.xlsx", "--mapping", MAPPING, "-o", "c.xml"]) == 0

    out = capsys.readouterr().out
    assert "supprimé HAND-1" not in out
    assert "conservé : HAND-1 n'a pas de ligne dans le document" in out and "c.xml : 14 cas écrits" in out
    assert "HAND-1" in ids(folder / "c.xml")
    assert main(["import", "cahier-exemple.xlsx", "--mapping", MAPPING, "-o", "c.xml", "--lang", "en"]) == 0
    assert "kept: HAND-1 has no row in the document" in capsys.readouterr().out  # still one the document never held
    assert main(["validate", "c.xml"]) == 0


def test_drop_absent_removes_it(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["import", "cahier-exemple.xlsx", "--mapping", MAPPING, "-o", "c.xml"])
    main(["new", "case", "--domain", "cards", "--mode", "none", "--id", "HAND-1", "--casebook", "c.xml"])
    capsys.readouterr()

    assert main(["import", "cahier-exemple.xlsx", "--mapping", MAPPING, "-o", "c.xml", "--drop-absent"]) == 0

    assert "supprimé HAND-1" in capsys.readouterr().out and "HAND-1" not in ids(folder / "c.xml")


def test_a_case_whose_row_was_deleted_is_still_removed(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["import", "cahier-exemple.xlsx", "--mapping", MAPPING, "-o", "c.xml"])
    book = openpyxl.load_workbook(folder / "cahier-exemple.xlsx")
    assert book["Cahier de tests"]["A6"].value == "EX-FSE-002"
    book["Cahier de tests"].delete_rows(6)
    book.save(folder / "edited.xlsx")
    capsys.readouterr()

    assert main(["import", "edited.xlsx", "--mapping", MAPPING, "-o", "c.xml"]) == 0

    out = capsys.readouterr().out
    assert "supprimé EX-FSE-002" in out and "conservé" not in out
