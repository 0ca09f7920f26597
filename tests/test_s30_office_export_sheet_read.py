"""``testbench export`` writes the results into the sheet the import reads. Without ``sheet =`` the import reads
the workbook's active sheet, but the results went into its first one (a « Notes » sheet got verdicts at the
cases' row numbers, the cases' sheet none); a sheet named with a space at its end, which the import finds, made
the export fail with an internal error."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from testbench.cli.main import main

EXAMPLES = Path(__file__).resolve().parents[1] / "casebooks" / "examples"
SHEET = "Cahier de tests"


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample imported and run: its session ``cahier.tbsession`` beside the mapping and fixtures."""
    root = tmp_path_factory.mktemp("sheet-read")
    shutil.copytree(EXAMPLES.parent / "cards", root / "cards")  # where the fixtures find their profiles
    work = root / "examples"
    work.mkdir()
    shutil.copy(EXAMPLES / "cahier-exemple.fixtures.xml", work)
    mapping = (EXAMPLES / "cahier-exemple.mapping.toml").read_text(encoding="utf-8")
    (work / "with-sheet.toml").write_text(mapping, encoding="utf-8")
    (work / "no-sheet.toml").write_text(mapping.replace(f'sheet = "{SHEET}"\n', ""), encoding="utf-8")
    casebook = str(work / "cahier.xml")
    code = main(["import", str(EXAMPLES / "cahier-exemple.xlsx"), "--mapping", str(work / "with-sheet.toml"),
                 "-o", casebook])  # fmt: skip
    assert code == 0
    code = main(["run", casebook, "--session", str(work / "cahier.tbsession"), "--engine", "inprocess",
                 "--cards", "inprocess"])  # fmt: skip
    assert code == 0
    return work


def _export(work: Path, document: Path, mapping: str) -> tuple[int, openpyxl.Workbook]:
    target = work / f"{document.stem}-out.xlsx"
    code = main(["export", str(work / "cahier.tbsession"), "--to", str(target), "--document", str(document),
                 "--mapping", str(work / mapping)])  # fmt: skip
    return code, openpyxl.load_workbook(target) if target.exists() else openpyxl.Workbook()


def test_without_sheet_the_results_go_to_the_active_sheet_the_import_read(work: Path) -> None:
    book = openpyxl.load_workbook(EXAMPLES / "cahier-exemple.xlsx")
    notes = book.create_sheet("Notes", 0)  # first, but not the active sheet: the cases' sheet stays active
    notes["A1"] = "nos notes"
    book.active = book.sheetnames.index(SHEET)
    document = work / "deux-feuilles.xlsx"
    book.save(document)
    code, written = _export(work, document, "no-sheet.toml")
    assert code == 0
    assert written[SHEET]["AA5"].value == "réussi"
    assert [[cell.value for cell in row] for row in written["Notes"].iter_rows()] == [["nos notes"]]


def test_a_sheet_named_with_a_trailing_space_is_written(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = openpyxl.load_workbook(EXAMPLES / "cahier-exemple.xlsx")
    book[SHEET].title = SHEET + " "
    document = work / "espace.xlsx"
    book.save(document)
    code, written = _export(work, document, "with-sheet.toml")
    said = capsys.readouterr()
    assert code == 0, said
    assert "erreur interne" not in said.err
    assert written[SHEET + " "]["AA5"].value == "réussi"
