"""A mapped column the header lacks: the hint names only a header no other field reads, the import stops
there (each case is not blamed again for what that column would have given), a header holding none of the
columns is one problem, and the sheet read is said even then."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from testbench.office.importer import import_document
from testbench.office.mapping import load_mapping
from testbench.office.problems import OfficeError

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "casebooks" / "examples"
MAPPING = EXAMPLES / "cahier-exemple.mapping.toml"
SHEET = "'Cahier de tests'"


def renamed(tmp_path: Path, old: str, new: str) -> Path:
    book = openpyxl.load_workbook(EXAMPLES / "cahier-exemple.xlsx")
    cell = next(c for c in book["Cahier de tests"][4] if c.value == old)
    cell.value = new
    path = tmp_path / "cahier.xlsx"
    book.save(path)
    return path


def problems_of(document: Path) -> list[str]:
    with pytest.raises(OfficeError) as caught:
        import_document(document, load_mapping(MAPPING))
    return [problem.text("fr") for problem in caught.value.problems]


def test_the_hint_names_a_header_no_field_reads(tmp_path: Path) -> None:
    """« Code » renamed « Code LPP »: « Mode » (read by the field mode) was suggested."""
    said = problems_of(renamed(tmp_path, "Code", "Code LPP"))
    assert said == [
        f"{SHEET}!4:4: colonne « Code » (champ code) absente de l'en-tête — vouliez-vous dire « Code LPP » ?"
    ]


@pytest.mark.parametrize(("old", "new"), [("Code", "Code LPP"), ("Qté", "Quantité")])
def test_a_missing_column_stops_without_blaming_every_case(tmp_path: Path, old: str, new: str) -> None:
    """One line, not « la ligne n'a pas de code » ×8 and « quantity manquant » ×15 after it."""
    said = problems_of(renamed(tmp_path, old, new))
    assert len(said) == 1 and f"colonne « {old} »" in said[0]


def without_sheet_and_a_summary_first(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "casebooks" / "examples"
    shutil.copytree(EXAMPLES, folder)
    shutil.copytree(REPO / "casebooks" / "cards", tmp_path / "casebooks" / "cards")
    mapping = folder / "cahier-exemple.mapping.toml"
    mapping.write_text(re.sub(r"(?m)^sheet = .*\n", "", mapping.read_text(encoding="utf-8")), encoding="utf-8")
    book = openpyxl.load_workbook(EXAMPLES / "cahier-exemple.xlsx")
    summary = book.create_sheet("Sommaire", 0)
    summary["A1"] = "Sommaire du cahier"
    summary["A4"] = "Voir la feuille suivante"
    document = folder / "cahier.xlsx"
    book.save(document)
    return document, mapping


def test_the_wrong_sheet_is_one_problem_after_the_sheet_notes(tmp_path: Path) -> None:
    document, mapping = without_sheet_and_a_summary_first(tmp_path)
    command = [sys.executable, "-m", "testbench", "import", str(document), "--mapping", str(mapping), "-o", "c.xml"]
    done = subprocess.run(
        command, cwd=document.parent, capture_output=True, text=True, timeout=120, env={"HOME": str(tmp_path)}
    )
    assert done.returncode == 3
    assert "cahier.xlsx: feuille « Sommaire » lue" in done.stdout
    assert "d'autres feuilles contiennent des données, non lues : « Cahier de tests »" in done.stdout
    assert done.stderr.splitlines() == [
        "Sommaire!4:4: aucune des colonnes attendues (N° cas, Intitulé, Objectif…) dans l'en-tête : "
        "est-ce la bonne feuille ?",
        "rien n'est écrit",
    ]


def test_a_header_only_csv_says_so_once(tmp_path: Path) -> None:
    folder = tmp_path / "casebooks" / "examples"
    shutil.copytree(EXAMPLES, folder)
    shutil.copytree(REPO / "casebooks" / "cards", tmp_path / "casebooks" / "cards")
    lines = (EXAMPLES / "cahier-exemple.csv").read_text(encoding="utf-8-sig").splitlines(keepends=True)
    document = folder / "vide.csv"
    document.write_text("".join(lines[:4]), encoding="utf-8")
    command = [sys.executable, "-m", "testbench", "import", str(document), "--mapping", "cahier-exemple.mapping.toml"]
    done = subprocess.run(
        [*command, "-o", "c.xml"], cwd=folder, capture_output=True, text=True, timeout=120, env={"HOME": str(tmp_path)}
    )
    assert done.returncode == 3
    assert done.stderr.splitlines() == [
        f"{document}: aucun cas sous l'en-tête (ligne 4) : aucun cas importable",
        "rien n'est écrit",
    ]
