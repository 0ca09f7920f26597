"""A row whose case id was erased but that still gives the case's own fields (title, patient…) is said at its
cells and the case above is left out: it was merged into that case unsaid, its title dropped, its lines taken."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from testbench.office.importer import import_document
from testbench.office.mapping import load_mapping

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "casebooks" / "examples"
MAPPING = EXAMPLES / "cahier-exemple.mapping.toml"


def test_an_erased_case_id_is_said_and_the_case_above_is_left_out(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(EXAMPLES / "cahier-exemple.xlsx")
    sheet = book["Cahier de tests"]
    assert sheet["A5"].value == "EX-FSE-001" and sheet["A6"].value == "EX-FSE-002"
    sheet["A6"] = None
    document = tmp_path / "cahier.xlsx"
    book.save(document)

    done = import_document(document, load_mapping(MAPPING))

    said = [problem.text("fr") for problem in done.problems]
    assert said[0].startswith("'Cahier de tests'!B6: ligne sans n° de cas mais avec Intitulé, Objectif, ")
    assert said[0].endswith(": n° de cas vide ? (cas EX-FSE-001 laissé de côté)")
    assert len(said) == 1
    assert done.left_out == ["EX-FSE-001"]
    assert "EX-FSE-001" not in done.cases and "EX-FSE-003" in done.cases
    english = done.problems[0].text("en")
    assert "row without a case number" in english and "EX-FSE-001" in english


def test_continuation_rows_of_the_sample_stay_continuations() -> None:
    """The sample's own continuation rows (more lines, steps, expectations) are not blamed."""
    done = import_document(EXAMPLES / "cahier-exemple.xlsx", load_mapping(MAPPING))
    assert done.problems == [] and done.left_out == []
