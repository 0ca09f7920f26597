"""A two-level header: a column's header merged down over the header row from the row above (« N° cas » over
rows 3 and 4, beside « Ligne de facture » over the invoice columns) is that column's header, as the sheet shows
it. The import said « colonne « N° cas » (champ id) absente de l'en-tête » and wrote nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl

from testbench.office.importer import import_document
from testbench.office.mapping import load_mapping

EXAMPLES = Path(__file__).resolve().parents[1] / "casebooks" / "examples"
MAPPING = EXAMPLES / "cahier-exemple.mapping.toml"


def _imported(tmp_path: Path, name: str, merge: bool) -> bytes:
    folder = tmp_path / name
    folder.mkdir()
    book = openpyxl.load_workbook(EXAMPLES / "cahier-exemple.xlsx")
    sheet = book["Cahier de tests"]
    if merge:
        for column in ("A", "B"):  # N° cas, Intitulé: their text moved up a row, merged down over the header row
            sheet[f"{column}3"], sheet[f"{column}4"] = sheet[f"{column}4"].value, None
            sheet.merge_cells(f"{column}3:{column}4")
        sheet["N3"] = "Ligne de facture"  # a group title over columns whose headers are on the header row
        sheet.merge_cells("N3:V3")
    book.save(folder / "cahier.xlsx")
    shutil.copy(EXAMPLES / "cahier-exemple.fixtures.xml", folder)
    done = import_document(folder / "cahier.xlsx", load_mapping(MAPPING))
    assert done.problems == [], [problem.text("fr") for problem in done.problems]
    return done.xml


def test_a_header_merged_from_the_row_above_is_the_columns_header(tmp_path: Path) -> None:
    assert _imported(tmp_path, "two-levels", merge=True) == _imported(tmp_path, "one-level", merge=False)
