"""A CSV written with another separator than the mapping's (Excel in English writes commas, the mapping says
« ; ») is said so, with the ``delimiter`` to write: the import asked « est-ce la bonne feuille ? » of a file that
has no sheet, and the export refused it the same way."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import openpyxl
import pytest

from testbench.office.importer import import_document
from testbench.office.mapping import load_mapping
from testbench.office.problems import OfficeError

EXAMPLES = Path(__file__).resolve().parents[1] / "casebooks" / "examples"
MAPPING = EXAMPLES / "cahier-exemple.mapping.toml"


def _csv(tmp_path: Path, delimiter: str) -> Path:
    with (EXAMPLES / "cahier-exemple.csv").open(encoding="utf-8-sig", newline="") as f:
        lines = list(csv.reader(f, delimiter=";"))
    path = tmp_path / "cahier.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f, delimiter=delimiter).writerows(lines)
    shutil.copy(EXAMPLES / "cahier-exemple.fixtures.xml", tmp_path)
    return path


def _refusal(document: Path) -> list[str]:
    with pytest.raises(OfficeError) as refused:
        import_document(document, load_mapping(MAPPING))
    return [f"{problem.text('fr')} | {problem.text('en')}" for problem in refused.value.problems]


@pytest.mark.parametrize(("delimiter", "shown"), [(",", ","), ("\t", "\\t")])
def test_a_csv_with_another_separator_says_which_reads_the_header(
    tmp_path: Path, delimiter: str, shown: str
) -> None:
    said = _refusal(_csv(tmp_path, delimiter))
    french = (
        "cahier!4:4: aucune des colonnes attendues (N° cas, Intitulé, Objectif…) dans l'en-tête avec le séparateur"
        f' « ; » ; lu avec « {shown} », il les a : delimiter = "{shown}" dans [source]'
    )
    english = f'read with “{shown}”, it has them: delimiter = "{shown}" in [source]'
    assert len(said) == 1 and said[0].startswith(french + " | ") and english in said[0], said


def test_the_right_separator_imports(tmp_path: Path) -> None:
    assert import_document(_csv(tmp_path, ";"), load_mapping(MAPPING)).problems == []


def test_a_sheet_whose_header_lacks_the_columns_still_asks_for_the_sheet(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(EXAMPLES / "cahier-exemple.xlsx")
    sheet = book["Cahier de tests"]
    sheet["A4"] = ",".join(str(cell.value) for cell in sheet[4])  # a header in one cell: no separator in a sheet
    for cell in sheet[4][1:]:
        cell.value = None
    path = tmp_path / "cahier.xlsx"
    book.save(path)
    said = _refusal(path)
    assert len(said) == 1 and "est-ce la bonne feuille ?" in said[0] and "séparateur" not in said[0], said
