"""A case id the casebook cannot take is said at its cell with what is wrong with it — the accented letter, the
leading « - » — and what an id is, in the same words as `new case` (testbench.casebook.vocabulary.case_id_fault)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from testbench.office.importer import import_document
from testbench.office.mapping import load_mapping

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "casebooks" / "examples"
MAPPING = EXAMPLES / "cahier-exemple.mapping.toml"


@pytest.mark.parametrize(
    ("typed", "french", "english"),
    [
        ("ÉX-FSE-002", "« É » est une lettre accentuée", "“É” is an accented letter"),
        ("-EX-FSE-002", "il commence par « - »", "it starts with “-”"),
        ("EX FSE 002", "il contient un espace", "it contains a space"),
    ],
)
def test_a_bad_case_id_is_said_at_its_cell_with_its_fault(
    tmp_path: Path, typed: str, french: str, english: str
) -> None:
    book = openpyxl.load_workbook(EXAMPLES / "cahier-exemple.xlsx")
    sheet = book["Cahier de tests"]
    assert sheet["A6"].value == "EX-FSE-002"
    sheet["A6"] = typed
    document = tmp_path / "cahier.xlsx"
    book.save(document)

    done = import_document(document, load_mapping(MAPPING))

    said = [problem.text("fr") for problem in done.problems]
    assert said == [
        f"'Cahier de tests'!A6: identifiant de cas invalide « {typed} » — {french} (80 caractères au plus, commençant"
        " par une lettre ou un chiffre : lettres sans accent, chiffres, « . », « _ », « : », « - »)"
    ]
    assert said[0].count("«") == said[0].count("»")
    in_english = done.problems[0].text("en")
    assert f"invalid case id “{typed}” — {english} (at most 80 characters, starting with a letter" in in_english
    assert "«" not in in_english and "lettre" not in in_english
