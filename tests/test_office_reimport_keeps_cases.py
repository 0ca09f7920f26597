"""A re-import over an existing casebook never loses a case to an error of the document: the case left out
keeps its previous version (said so), only a case gone from the document is removed; and what the loader
refuses in an imported case is placed at the cell at fault, not at the case's id cell."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl

from testbench.office.diff import diff_casebooks, read_cases
from testbench.office.importer import write_import
from testbench.office.mapping import load_mapping

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "casebooks" / "examples"
SHEET = "'Cahier de tests'"


def working_copy(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLES, tmp_path / "casebooks" / "examples")
    shutil.copytree(REPO / "casebooks" / "cards", tmp_path / "casebooks" / "cards")
    return tmp_path / "casebooks" / "examples"


def edited(folder: Path, cells: dict[str, str], delete_row: int | None = None) -> Path:
    book = openpyxl.load_workbook(folder / "cahier-exemple.xlsx")
    sheet = book["Cahier de tests"]
    for ref, value in cells.items():
        sheet[ref] = value
    if delete_row is not None:
        sheet.delete_rows(delete_row)
    path = folder / "edited.xlsx"
    book.save(path)
    return path


def test_a_case_left_out_for_an_error_keeps_its_previous_version(tmp_path: Path) -> None:
    folder = working_copy(tmp_path)
    mapping = load_mapping(folder / "cahier-exemple.mapping.toml")
    out = folder / "cahier.xml"
    write_import(folder / "cahier-exemple.xlsx", mapping, out)
    before = out.read_bytes()
    done = write_import(edited(folder, {"R5": "56.0O", "I6": "p-inconnu"}), mapping, out)
    assert done.left_out == ["EX-FSE-001", "EX-FSE-002"]
    assert done.kept == ["EX-FSE-001", "EX-FSE-002"]
    cases = read_cases(out.read_bytes())
    assert cases is not None and len(cases[1]) == 13
    assert diff_casebooks(before, out.read_bytes()) == []  # nothing removed, nothing changed
    said = [problem.text("fr") for problem in done.problems]
    assert f"{SHEET}!A5: cas EX-FSE-001 laissé de côté (erreur) : sa version précédente est conservée" in said
    assert f"{SHEET}!A6: cas EX-FSE-002 laissé de côté (erreur) : sa version précédente est conservée" in said


def test_a_case_gone_from_the_document_is_still_removed(tmp_path: Path) -> None:
    folder = working_copy(tmp_path)
    mapping = load_mapping(folder / "cahier-exemple.mapping.toml")
    out = folder / "cahier.xml"
    write_import(folder / "cahier-exemple.xlsx", mapping, out)
    before = out.read_bytes()
    done = write_import(edited(folder, {}, delete_row=5), mapping, out)
    assert done.kept == [] and not done.problems
    changes = diff_casebooks(before, out.read_bytes())
    assert changes is not None and [(c.case, c.kind) for c in changes] == [("EX-FSE-001", "removed")]


def test_what_the_loader_refuses_is_placed_at_the_cell_at_fault(tmp_path: Path) -> None:
    folder = working_copy(tmp_path)
    mapping = load_mapping(folder / "cahier-exemple.mapping.toml")
    book = openpyxl.load_workbook(folder / "cahier-exemple.xlsx")
    sheet = book["Cahier de tests"]
    sheet["I5"] = "p-inconnu"  # the invoice's patient
    sheet["H6"] = sheet["H6"].value + "\nCPS : cps-psad"  # a reader asked twice
    sheet["O9"] = "12"  # an LPP code of a line
    sheet["O12"] = "34"  # the code of a continuation row's line
    path = folder / "edited.xlsx"
    book.save(path)
    done = write_import(path, mapping, folder / "cahier.xml")
    assert [problem.text("fr") for problem in done.problems] == [
        f"{SHEET}!I5: cas EX-FSE-001 laissé de côté : patient « p-inconnu » absent des fixtures",
        f"{SHEET}!H6: cas EX-FSE-002 laissé de côté : le lecteur « cps » est déjà exigé pour ce cas",
        f"{SHEET}!O9: cas EX-FSE-005 laissé de côté : code LPP « 12 » invalide : 7 chiffres attendus",
        f"{SHEET}!O12: cas EX-FSE-010 laissé de côté : code LPP « 34 » invalide : 7 chiffres attendus",
    ]
