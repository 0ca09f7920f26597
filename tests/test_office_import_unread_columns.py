"""Columns an import does not read: data in an unmapped column, in a column without header or under a
duplicate header is never dropped unsaid, and a header a mapped column misses by a letter is named."""

from __future__ import annotations

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


def changed(tmp_path: Path, cells: dict[str, object]) -> Path:
    book = openpyxl.load_workbook(EXAMPLES / "cahier-exemple.xlsx")
    sheet = book["Cahier de tests"]
    for ref, value in cells.items():
        sheet[ref] = value
    path = tmp_path / "cahier.xlsx"
    book.save(path)
    return path


def test_data_in_unmapped_and_headerless_columns_is_said_per_column(tmp_path: Path) -> None:
    path = changed(
        tmp_path,
        {"AD4": "Remarques", "AD5": "à revoir", "AD6": "idem", "AD9": "vu", "AF6": "hors en-tête", "AE4": "Vide"},
    )
    result = import_document(path, load_mapping(MAPPING))
    assert [note.text("fr") for note in result.notes[1:]] == [
        f"{SHEET}!AD4: colonne « Remarques » non reprise (3 cellules)",
        f"{SHEET}!AF4: colonne sans en-tête non reprise (1 cellule)",
    ]
    assert [note.text("en") for note in result.notes[1:]] == [
        f"{SHEET}!AD4: column “Remarques” not imported (3 cells)",
        f"{SHEET}!AF4: column without a header not imported (1 cell)",
    ]
    assert not result.problems and len(result.cases) == 13  # a notice: the import still writes every case


def test_a_duplicate_header_of_a_mapped_column_is_a_problem_at_the_second(tmp_path: Path) -> None:
    result = import_document(changed(tmp_path, {"AD4": "Code", "AD5": "9999999"}), load_mapping(MAPPING))
    assert [problem.text("fr") for problem in result.problems] == [
        f"{SHEET}!AD4: en-tête « Code » en double (déjà en {SHEET}!O4) : le champ code lit la première"
    ]
    assert len(result.notes) == 1  # the sheet read; the duplicate is said once, as a problem


def test_a_header_missed_by_an_accent_is_named(tmp_path: Path) -> None:
    with pytest.raises(OfficeError) as caught:
        import_document(changed(tmp_path, {"B4": "Intitule"}), load_mapping(MAPPING))
    said = [problem.text("fr") for problem in caught.value.problems]
    assert said == [
        f"{SHEET}!4:4: colonne « Intitulé » (champ title) absente de l'en-tête — vouliez-vous dire « Intitule » ?"
    ]
    assert caught.value.problems[0].text("en").endswith("did you mean “Intitule”?")


def test_the_import_command_says_the_sheet_read_and_the_columns_left_in_either_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The notes reach the person: ``testbench import`` prints them, exit 0 (a notice is no error)."""
    from testbench.cli.main import main

    path = changed(tmp_path, {"AD4": "Remarques", "AD5": "à revoir"})
    code = main(["import", str(path), "--mapping", str(MAPPING), "-o", str(tmp_path / "c.xml")])
    said = capsys.readouterr()
    assert code == 0
    assert "feuille « Cahier de tests » lue" in said.out + said.err
    assert f"{SHEET}!AD4: colonne « Remarques » non reprise (1 cellule)" in said.out + said.err
    code = main(["import", str(path), "--mapping", str(MAPPING), "-o", str(tmp_path / "e.xml"), "--lang", "en"])
    said = capsys.readouterr()
    assert code == 0 and f"{SHEET}!AD4: column “Remarques” not imported (1 cell)" in said.out + said.err
    assert "non reprise" not in said.out + said.err
