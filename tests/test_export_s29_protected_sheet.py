"""A protected sheet: the export writes its locked result cells all the same (openpyxl does not enforce the
protection), keeps the protection, and says so at the header row — it wrote silently before, and the team then
found verdicts the spreadsheet would not let them change."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Protection
from test_office_export_safeguards import HEADER_ROW, SHEET, XLSX, bench, cells, export

__all__ = ["bench"]  # the fixture, shared with the safeguards' tests


def protected(tmp_path: Path, unlock: tuple[str, ...] = ()) -> Path:
    book = openpyxl.load_workbook(XLSX)
    sheet = book[SHEET]
    sheet.protection.sheet = True
    headers = {str(c.value): c.column for c in sheet[HEADER_ROW] if c.value}
    for header in unlock:  # the columns the editor leaves open to the testers
        for row in range(HEADER_ROW + 1, sheet.max_row + 1):
            sheet.cell(row, headers[header]).protection = Protection(locked=False)
    document = tmp_path / "protege.xlsx"
    book.save(document)
    return document


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "fr",
            "'Cahier de tests'!4:4: feuille protégée : les résultats sont écrits dans ses cellules verrouillées"
            " (colonnes « Verdict », « Valeurs observées ») et sa protection est gardée ; le tableur ne laissera les"
            " modifier qu'une fois la feuille déprotégée",
        ),
        (
            "en",
            "'Cahier de tests'!4:4: protected sheet: the results are written into its locked cells (columns"
            " “Verdict”, “Valeurs observées”) and its protection is kept; the spreadsheet will let them be changed"
            " only once the sheet is unprotected",
        ),
    ],
)
def test_locked_result_cells_of_a_protected_sheet_are_written_kept_and_said(
    bench: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, said: str
) -> None:
    target = tmp_path / "out.xlsx"
    assert export(bench, target, "--lang", lang, document=protected(tmp_path, unlock=("Preuve",))) == 0
    err = capsys.readouterr().err
    assert said in err, err  # the unlocked « Preuve » is not named
    sheet, rows, cols = cells(target)
    assert sheet.protection.sheet  # the editor's protection kept
    assert sheet.cell(rows["EX-FSE-001"], cols["Verdict"]).value == ("réussi" if lang == "fr" else "passed")


def test_an_unprotected_sheet_or_open_result_cells_say_nothing(
    bench: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert export(bench, tmp_path / "a.xlsx") == 0
    opened = protected(tmp_path, unlock=("Verdict", "Valeurs observées", "Preuve"))
    assert export(bench, tmp_path / "b.xlsx", document=opened) == 0
    assert "protégée" not in capsys.readouterr().err


@pytest.mark.parametrize("lock", ["~$cahier.xlsx", ".~lock.cahier.xlsx#"])
def test_a_document_open_in_a_spreadsheet_is_read_as_saved_and_said(
    bench: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], lock: str
) -> None:
    """The document (not the target) open in Excel or LibreOffice: read as last saved — said, since the edits the
    person sees on screen are not in what the export read."""
    document = tmp_path / "cahier.xlsx"
    document.write_bytes(XLSX.read_bytes())
    (tmp_path / lock).write_bytes(b"")
    assert export(bench, tmp_path / "out.xlsx", document=document) == 0
    err = capsys.readouterr().err
    assert (
        f"{document}: document ouvert dans un tableur (fichier de verrou {lock}) : il est lu tel qu'il a été"
        " enregistré pour la dernière fois ; ce qui n'y est pas encore enregistré n'est pas repris" in err
    ), err
    (tmp_path / lock).unlink()
    assert export(bench, tmp_path / "out2.xlsx", document=document) == 0
    assert "ouvert dans un tableur" not in capsys.readouterr().err
