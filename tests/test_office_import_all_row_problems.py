"""A row with a value that does not convert still has its other cells checked by the casebook loader: every
problem of the row is said in one run (an unreadable ALD does not hide a tiers payant or an Exo the schema
refuses), while what only follows from the values missing is not said."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl

from testbench.office.importer import import_document, write_import
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


def places(texts: list[str]) -> list[str]:
    return [text.split(": ", 1)[0] for text in texts]


def test_conversion_problems_do_not_hide_what_the_loader_refuses_in_the_same_row(tmp_path: Path) -> None:
    cells = {"H7": "Lecteur3 : xyz", "U7": "Peut-être", "L7": "Gratuit", "V7": "ZZ"}
    folder = edited(tmp_path, cells)
    mapping = load_mapping(folder / "cahier-exemple.mapping.toml")
    done = write_import(folder / "edited.xlsx", mapping, folder / "cahier.xml")
    assert done.left_out == ["EX-FSE-003"]
    said = [problem.text("en") for problem in done.problems]
    assert places(said) == [f"{SHEET}!H7", f"{SHEET}!L7", f"{SHEET}!U7", f"{SHEET}!V7"]
    assert "column “Tiers payant”: “Gratuit” is not a possible value (values: Non, AMO, AMO + AMC)" in said[1]
    assert "column “Exo”: “ZZ” is not an exoneration code" in said[3]
    assert len(done.cases) == 12  # the case is still left out; the others are written


def test_what_only_follows_from_a_value_that_did_not_convert_is_not_said(tmp_path: Path) -> None:
    folder = edited(tmp_path, {"P7": "quatre", "D8": "Pharmacie", "R9": "beaucoup"})  # Qté, Domaine, Prix
    mapping = load_mapping(folder / "cahier-exemple.mapping.toml")
    done = write_import(folder / "edited.xlsx", mapping, folder / "cahier.xml")
    assert places([problem.text("fr") for problem in done.problems]) == [
        f"{SHEET}!P7",
        f"{SHEET}!D8",
        f"{SHEET}!R9",
    ]


def test_without_a_folder_to_check_in_only_the_conversion_problems_are_said(tmp_path: Path) -> None:
    folder = edited(tmp_path, {"U7": "Peut-être", "L7": "Gratuit"})
    done = import_document(folder / "edited.xlsx", load_mapping(folder / "cahier-exemple.mapping.toml"))
    # a tiers payant none of the column's values is a conversion problem, said without the loader too
    assert places([problem.text("fr") for problem in done.problems]) == [f"{SHEET}!L7", f"{SHEET}!U7"]


def test_an_unknown_card_beside_an_unreadable_value_is_said_at_the_cards_cell(tmp_path: Path) -> None:
    folder = edited(tmp_path, {"H7": "CPS : cps-inconnue\nVitale : vitale-alsace", "U7": "Peut-être"})
    done = write_import(folder / "edited.xlsx", load_mapping(folder / "cahier-exemple.mapping.toml"), folder / "c.xml")
    said = [problem.text("fr") for problem in done.problems]
    assert places(said) == [f"{SHEET}!U7", f"{SHEET}!H7"]
    assert "cps-inconnue" in said[1]
