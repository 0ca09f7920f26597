"""A case whose only step phrase is refused (unknown, or a PIN written in it) and that expects a refusal code was
also told « aucune étape » and « refus « PIN_WRONG » : le cas n'a aucune étape automatique » — false: the case
has a step, its phrase was refused. The phrase's own error is said at its cell, nothing else; once it reads,
the refusal lands on it. A steps cell really empty is still said, and so is the refusal that waits for it."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from testbench.cli.main import main
from testbench.office.importer import import_document
from testbench.office.mapping import load_mapping

EXAMPLES = Path(__file__).resolve().parents[1] / "casebooks" / "examples"
MAPPING = EXAMPLES / "cahier-exemple.mapping.toml"
SHEET = "'Cahier de tests'"


def first_case(folder: Path, cells: dict[str, object]) -> Path:
    """The example workbook cut to its first case (row 5), ``cells`` written; saved on disk in ``folder``."""
    book = openpyxl.load_workbook(EXAMPLES / "cahier-exemple.xlsx")
    sheet = book["Cahier de tests"]
    sheet.delete_rows(6, sheet.max_row)
    for ref, value in cells.items():
        sheet[ref] = value
    path = folder / "cahier.xlsx"
    book.save(path)
    return path


def said(cells: dict[str, object], folder: Path, lang: str = "fr") -> list[str]:
    result = import_document(first_case(folder, cells), load_mapping(MAPPING))
    return [problem.text(lang) for problem in result.problems]


def test_an_unknown_only_step_beside_a_refusal_code_is_said_alone(tmp_path: Path) -> None:
    cells = {"W5": "Facturaton", "X5": None, "Y5": "PIN_WRONG"}
    assert said(cells, tmp_path) == [f"{SHEET}!W5: étape inconnue « Facturaton » — vouliez-vous dire « Facturation » ?"]
    assert said(cells, tmp_path, "en") == [f'{SHEET}!W5: unknown step “Facturaton” — did you mean “Facturation”?']


def test_a_step_refused_for_its_pin_beside_a_refusal_code_is_said_alone(tmp_path: Path) -> None:
    cells = {"W5": "Facturation (pin=1234)", "X5": None, "Y5": "PIN_WRONG"}
    assert said(cells, tmp_path) == [
        f"{SHEET}!W5: « pin=… » : un code porteur ne s'écrit jamais dans le cahier ; il vient du profil de la carte"
    ]


def test_an_unknown_refusal_code_is_still_said_beside_a_refused_step(tmp_path: Path) -> None:
    problems = said({"W5": "Facturaton", "X5": None, "Y5": "PIN_WRONGG"}, tmp_path)
    assert [p.split(": ", 1)[0] for p in problems] == [f"{SHEET}!W5", f"{SHEET}!Y5"], problems
    assert problems[1].startswith(f"{SHEET}!Y5: code de refus inconnu « PIN_WRONGG »"), problems


def test_an_empty_steps_cell_and_its_refusal_are_still_said(tmp_path: Path) -> None:
    assert said({"W5": None, "X5": None, "Y5": "PIN_WRONG"}, tmp_path) == [
        f"{SHEET}!W5: aucune étape",
        f"{SHEET}!Y5: refus « PIN_WRONG » : le cas n'a aucune étape automatique",
    ]


def test_once_the_phrase_reads_the_refusal_lands_on_its_step(tmp_path: Path) -> None:
    result = import_document(
        first_case(tmp_path, {"W5": "Facturation", "X5": None, "Y5": "PIN_WRONG"}), load_mapping(MAPPING)
    )
    assert result.problems == [] and result.cases == ["EX-FSE-001"]
    assert b'<refusal id="e-refus" step="s-invoice" code="PIN_WRONG"/>' in result.xml


def test_the_import_command_says_the_phrase_alone_in_english(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(EXAMPLES.parent / "cards", tmp_path / "cards")  # where the fixtures find their profiles
    work = tmp_path / "examples"
    work.mkdir()
    shutil.copy(EXAMPLES / "cahier-exemple.fixtures.xml", work)
    document = first_case(work, {"W5": "Facturaton", "X5": None, "Y5": "PIN_WRONG"})
    code = main(["import", str(document), "--mapping", str(MAPPING), "-o", str(work / "out.xml"), "--lang", "en"])
    out = capsys.readouterr()
    assert code == 3, out
    assert f'{SHEET}!W5: unknown step “Facturaton” — did you mean “Facturation”?' in out.err, out.err
    assert "no step" not in out.err and "no automatic step" not in out.err, out.err
    assert "étape" not in out.out + out.err, out  # one language at a time
