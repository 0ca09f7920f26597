"""A sheet's words match the mapping's whatever their spaces: a non-breaking space (pasted from a PDF, put by a
word processor) in « Lecture CPS » made it an unknown step, said as « étape inconnue « Lecture CPS » » — the very
phrase the mapping declares, to the eye. Labels, synonyms and yes/no words likewise, and an invisible zero-width
space is nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl

from testbench.office.importer import import_document
from testbench.office.mapping import load_mapping

EXAMPLES = Path(__file__).resolve().parents[1] / "casebooks" / "examples"
MAPPING = EXAMPLES / "cahier-exemple.mapping.toml"
NBSP = "\u00a0"


def _imported(folder: Path, edit: bool) -> bytes:
    folder.mkdir()
    book = openpyxl.load_workbook(EXAMPLES / "cahier-exemple.xlsx")
    sheet = book["Cahier de tests"]
    if edit:
        sheet["W6"] = sheet["W6"].value.replace("Lecture CPS", f"Lecture{NBSP}CPS")  # a [steps] phrase
        sheet["X7"] = sheet["X7"].value.replace("Part AMO", f"Part{NBSP}AMO")  # an [expected] label
        sheet["L8"] = f"AMO{NBSP}+{NBSP}AMC"  # a tiers-payant synonym
        sheet["U6"] = f"Oui{NBSP}"  # a yes/no word
        sheet["E9"] = f"Sécurisé{NBSP} "
        sheet["D10"] = "F\u200bSE"  # a zero-width space pasted from a web page: invisible, so nothing
    document = folder / "cahier.xlsx"
    book.save(document)
    shutil.copy(EXAMPLES / "cahier-exemple.fixtures.xml", folder)
    done = import_document(document, load_mapping(MAPPING))
    assert done.problems == [], [problem.text("fr") for problem in done.problems]
    return done.xml


def test_non_breaking_spaces_read_as_spaces(tmp_path: Path) -> None:
    assert _imported(tmp_path / "nbsp", edit=True) == _imported(tmp_path / "plain", edit=False)


def test_doubled_spaces_in_a_step_phrase_read_as_one(tmp_path: Path) -> None:
    folder = tmp_path / "double"
    folder.mkdir()
    book = openpyxl.load_workbook(EXAMPLES / "cahier-exemple.xlsx")
    sheet = book["Cahier de tests"]
    sheet["W5"] = sheet["W5"].value.replace("Saisie du code porteur", "Saisie du  code porteur")
    book.save(folder / "cahier.xlsx")
    shutil.copy(EXAMPLES / "cahier-exemple.fixtures.xml", folder)
    done = import_document(folder / "cahier.xlsx", load_mapping(MAPPING))
    assert done.problems == [], [problem.text("fr") for problem in done.problems]
