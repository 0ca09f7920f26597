"""What the loader refuses in an attribute of an invoice line is placed at that attribute's own cell (the Exo,
Coef. or Nomenclature cell), not at the line's Code cell: each error at its own cell, as promised."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl

from testbench.office.importer import write_import
from testbench.office.mapping import load_mapping

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "casebooks" / "examples"
SHEET = "'Cahier de tests'"


def edited(tmp_path: Path, cells: dict[str, str]) -> Path:
    """The sample workbook with ``cells`` rewritten, beside a copy of its mapping, fixtures and card profiles."""
    shutil.copytree(EXAMPLES, tmp_path / "casebooks" / "examples")
    shutil.copytree(REPO / "casebooks" / "cards", tmp_path / "casebooks" / "cards")
    folder = tmp_path / "casebooks" / "examples"
    book = openpyxl.load_workbook(folder / "cahier-exemple.xlsx")
    for ref, value in cells.items():
        book["Cahier de tests"][ref] = value
    book.save(folder / "edited.xlsx")
    return folder


def test_each_line_attribute_the_schema_refuses_is_placed_at_its_own_cell(tmp_path: Path) -> None:
    folder = edited(tmp_path, {"V7": "ZZ", "Q8": "-3", "N9": "TIPS!"})  # Exo, Coef., Nomenclature
    mapping = load_mapping(folder / "cahier-exemple.mapping.toml")
    done = write_import(folder / "edited.xlsx", mapping, folder / "cahier.xml")
    assert done.left_out == ["EX-FSE-003", "EX-FSE-004", "EX-FSE-005"]
    said = [problem.text("en") for problem in done.problems]
    schema = "left out: not valid against the schema: <line>, attribute"
    # an Exo or a nomenclature the casebook cannot take is said in the sheet's words, before the loader's problems
    exo = "is not an exoneration code (a single character, a digit or a capital letter, 4 for instance)"
    assert said[0] == f"{SHEET}!V7: column “Exo”: “ZZ” {exo}"
    assert said[1] == f"{SHEET}!N9: column “Nomenclature”: “TIPS!” is not a possible value (values: LPP, NGAP)"
    assert said[2].startswith(f'{SHEET}!Q8: case EX-FSE-004 {schema} “coefficient”: the value “-3”')
    assert len(said) == 3


def test_a_line_attribute_of_a_continuation_row_is_placed_at_its_cell(tmp_path: Path) -> None:
    folder = edited(tmp_path, {"V12": "ZZ", "Q14": "-3"})  # 2nd line of EX-FSE-010, 2nd of EX-FSE-020
    done = write_import(folder / "edited.xlsx", load_mapping(folder / "cahier-exemple.mapping.toml"), folder / "c.xml")
    assert done.left_out == ["EX-FSE-010", "EX-FSE-020"]
    places = [problem.text("fr").split(": ", 1)[0] for problem in done.problems]
    assert places == [f"{SHEET}!V12", f"{SHEET}!Q14"]
