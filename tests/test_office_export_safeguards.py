"""``testbench export`` refuses, marks or says what would otherwise write misleading results.

A result column over a mapped one, a header the import would not find, a case edited in the document since the
run, a target open in a spreadsheet: refused or marked. What openpyxl drops (x14 validations, threaded comments,
an ODS document's other sheets, formulas' computed values) is said; an unredacted workbook is marked inside.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from testbench.cli.main import main
from testbench.office.mapping import load_mapping
from testbench.office.problems import OfficeError

#: one xdist worker runs this module, so that its module fixture (the session) is built once
pytestmark = pytest.mark.xdist_group("office_export_safeguards")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "casebooks" / "examples"
MAPPING = EXAMPLES / "cahier-exemple.mapping.toml"
XLSX = EXAMPLES / "cahier-exemple.xlsx"
SHEET = "Cahier de tests"
HEADER_ROW = 4
CHANGED = "modifié depuis l'exécution : à relancer"


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample exam book imported and run (every case passes), with its report."""
    work = tmp_path_factory.mktemp("safeguards")
    for args in (
        ("import", XLSX, "--mapping", MAPPING, "-o", "cahier.xml"),
        ("run", "cahier.xml", "--session", "s.tbs", "--engine", "inprocess", "--cards", "inprocess", "--report", "rep"),
    ):
        done = subprocess.run([sys.executable, "-m", "testbench", *map(str, args)], cwd=work, capture_output=True,
                              text=True, timeout=120)  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
    return work


def export(bench: Path, target: Path, *args: str | Path, document: Path = XLSX, mapping: Path = MAPPING) -> int:
    argv = ["export", str(bench / "s.tbs"), "--to", str(target), "--document", str(document), "--mapping", str(mapping)]
    return main([*argv, *map(str, args)])


def cells(path: Path) -> tuple[openpyxl.worksheet.worksheet.Worksheet, dict[str, int], dict[str, int]]:
    sheet = openpyxl.load_workbook(path)[SHEET]
    rows = {str(c.value): c.row for c in sheet["A"] if c.row > HEADER_ROW and str(c.value or "").startswith("EX-")}
    return sheet, rows, {str(c.value): c.column for c in sheet[HEADER_ROW] if c.value}


def mapping_with(tmp_path: Path, old: str, new: str) -> Path:
    text = MAPPING.read_text(encoding="utf-8")
    assert old in text
    out = tmp_path / "map.toml"
    out.write_text(text.replace(old, new), encoding="utf-8")
    shutil.copy(EXAMPLES / "cahier-exemple.fixtures.xml", tmp_path)
    return out


# -- 1: result columns over the case's own ----------------------------------------------------------------


def test_a_result_column_a_field_reads_or_two_results_share_is_refused_at_its_line(tmp_path: Path) -> None:
    mapping = mapping_with(tmp_path, 'observed = "Valeurs observées"', 'observed = "résultats  attendus"')
    with pytest.raises(OfficeError) as raised:
        load_mapping(mapping)
    line = mapping.read_text(encoding="utf-8").splitlines().index('observed = "résultats  attendus"') + 1
    assert [p.text("fr") for p in raised.value.problems] == [
        f"{mapping}:{line}:12: colonne « résultats  attendus » de [results] (observed) déjà occupée par expected :"
        " le résultat l'écraserait"
    ]
    shared = mapping_with(tmp_path, 'evidence = "Preuve"', 'evidence = "Verdict"')
    with pytest.raises(OfficeError) as raised:
        load_mapping(shared)
    assert "(evidence) déjà occupée par verdict" in raised.value.problems[0].text("fr")
    assert "(evidence) already taken by verdict" in raised.value.problems[0].text("en")


def test_a_result_column_that_is_a_mapped_one_by_letter_is_refused_and_nothing_written(
    bench: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """« A » and « N° cas » are one column only once the document is read: the export refuses it."""
    mapping = mapping_with(tmp_path, 'verdict = "Verdict"', 'verdict = "A"')
    target = tmp_path / "out.xlsx"
    assert export(bench, target, mapping=mapping) == 3
    err = capsys.readouterr().err
    assert re.search(r"map\.toml:\d+:11: colonne « A » de \[results\] \(verdict\) déjà occupée par id", err), err
    assert "rien n'est écrit" in err and not target.exists()


# -- 4: a header not where the mapping says -----------------------------------------------------------------


def test_a_header_not_at_its_row_is_refused_as_the_import_refuses_it(
    bench: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = openpyxl.load_workbook(XLSX)
    book[SHEET].insert_rows(2)  # the header moves to row 5
    document = tmp_path / "moved.xlsx"
    book.save(document)
    target = tmp_path / "out.xlsx"
    assert export(bench, target, document=document) == 3
    captured = capsys.readouterr()
    assert "'Cahier de tests'!4:4: aucune des colonnes attendues (N° cas" in captured.err
    assert "feuille « Cahier de tests » lue" in captured.out and not target.exists()


def test_a_document_without_a_case_of_the_session_is_refused(
    bench: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = openpyxl.load_workbook(XLSX)
    sheet = book[SHEET]
    for cell in sheet["A"]:
        if cell.row > HEADER_ROW and cell.value:
            cell.value = f"{cell.value}-B"
    document = tmp_path / "autre.xlsx"
    book.save(document)
    assert export(bench, tmp_path / "out.xlsx", document=document) == 3
    assert "aucun des 13 cas du document dans la session : aucun résultat à reporter" in capsys.readouterr().err


# -- 3: cases changed in the document since the run --------------------------------------------------------


def test_a_case_edited_since_the_run_gets_no_verdict_but_a_mark_and_is_said(
    bench: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = openpyxl.load_workbook(XLSX)
    sheet, rows, cols = book[SHEET], *cells(XLSX)[1:]
    expected = sheet.cell(rows["EX-FSE-001"], cols["Résultats attendus"])
    expected.value = expected.value.replace("Part AMO = 33,60 €", "Part AMO = 99,99 €")
    document = tmp_path / "edite.xlsx"
    book.save(document)
    target = tmp_path / "out.xlsx"
    assert export(bench, target, "--report", bench / "rep", document=document) == 0
    captured = capsys.readouterr()
    assert (
        f"'Cahier de tests'!{rows['EX-FSE-001']}:{rows['EX-FSE-001']}: cas EX-FSE-001 modifié dans le document depuis"
        " l'exécution (résultats attendus) : son résultat n'est pas reporté" in captured.err
    )
    assert "résultats de 12 cas écrits" in captured.out
    out = cells(target)[0]
    assert out.cell(rows["EX-FSE-001"], cols["Verdict"]).value == CHANGED
    assert out.cell(rows["EX-FSE-001"], cols["Valeurs observées"]).value is None
    assert out.cell(rows["EX-FSE-001"], cols["Preuve"]).hyperlink is None
    assert out.cell(rows["EX-FSE-002"], cols["Verdict"]).value == "réussi"
    assert export(bench, tmp_path / "en.xlsx", "--lang", "en", document=document) == 0
    assert "case EX-FSE-001 changed in the document since the run (expected results)" in capsys.readouterr().err


def test_the_same_cases_in_another_format_are_not_changed(bench: Path, tmp_path: Path) -> None:
    """Where a case was read (file, line) is no change: the ODS, CSV and Word books give the same cases."""
    for kind in ("ods", "csv", "docx"):
        target = tmp_path / f"{kind}.xlsx"
        assert export(bench, target, document=EXAMPLES / f"cahier-exemple.{kind}") == 0
        sheet = openpyxl.load_workbook(target).active
        assert CHANGED not in {c.value for c in sheet["AA"]}, kind


# -- 6: no report, no stale link ----------------------------------------------------------------------------


def test_an_export_without_report_empties_a_previous_link(bench: Path, tmp_path: Path) -> None:
    first = tmp_path / "first.xlsx"
    assert export(bench, first, "--report", bench / "rep") == 0
    sheet, rows, cols = cells(first)
    assert sheet.cell(rows["EX-FSE-001"], cols["Preuve"]).hyperlink is not None
    second = tmp_path / "second.xlsx"
    assert export(bench, second, document=first) == 0
    sheet = cells(second)[0]
    assert sheet.cell(rows["EX-FSE-001"], cols["Preuve"]).value is None
    assert sheet.cell(rows["EX-FSE-001"], cols["Preuve"]).hyperlink is None


# -- 7: what openpyxl drops, said in our words --------------------------------------------------------------

_X14 = (
    '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" xmlns:x14="http://schemas.microsoft.com/office/'
    'spreadsheetml/2009/9/main"><x14:dataValidations count="1" xmlns:xm="http://schemas.microsoft.com/office/excel/'
    '2006/main"><x14:dataValidation type="list" allowBlank="1"><x14:formula1><xm:f>$A$1:$A$4</xm:f></x14:formula1>'
    "<xm:sqref>AA5:AA20</xm:sqref></x14:dataValidation></x14:dataValidations></ext></extLst>"
)


def _patched(document: Path, sheet_tail: str = "", extra: dict[str, bytes] | None = None) -> None:
    """The sample with ``sheet_tail`` before its sheet's end and ``extra`` parts, as Excel 365 writes them."""
    with zipfile.ZipFile(XLSX) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet].replace(b"</worksheet>", sheet_tail.encode() + b"</worksheet>")
    parts.update(extra or {})
    with zipfile.ZipFile(document, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)


def test_an_x14_validation_and_threaded_comments_are_counted_not_warned_in_python(
    bench: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    document = tmp_path / "x14.xlsx"
    thread = b'<?xml version="1.0"?><ThreadedComments xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments"/>'
    _patched(document, _X14, {"xl/threadedComments/threadedComment1.xml": thread})
    assert export(bench, tmp_path / "out.xlsx", document=document) == 0
    err = capfd.readouterr().err
    assert "UserWarning" not in err and "warn(" not in err, err
    assert (
        f"{document}: contenus du classeur non repris dans le fichier écrit (l'original les garde) : extensions"
        " (validations, mises en forme conditionnelles…) 1, commentaires en fil de discussion 1, autres 0" in err
    )


def test_the_other_sheets_of_an_ods_book_are_named(
    bench: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = tmp_path / "deux.ods"
    with zipfile.ZipFile(EXAMPLES / "cahier-exemple.ods") as source:
        parts = {name: source.read(name) for name in source.namelist()}
    row = b"<table:table-row><table:table-cell/></table:table-row>"
    other = b'<table:table table:name="Synth\xc3\xa8se">' + row + b"</table:table>"
    parts["content.xml"] = parts["content.xml"].replace(b"</office:spreadsheet>", other + b"</office:spreadsheet>")
    with zipfile.ZipFile(document, "w") as out:
        out.writestr("mimetype", parts.pop("mimetype"))
        for name, data in parts.items():
            out.writestr(name, data)
    assert export(bench, tmp_path / "out.xlsx", document=document) == 0
    assert (
        f"{document}: feuilles du document non reprises dans le fichier écrit (seule « Cahier de tests » l'est ;"
        " l'original les garde) : Synthèse" in capsys.readouterr().err
    )


# -- 2: formulas lose their computed value ------------------------------------------------------------------


def test_formulas_without_their_computed_value_are_counted_with_what_to_do(
    bench: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = openpyxl.load_workbook(XLSX)
    book.create_sheet("Calculs")["A1"] = "=1+1"
    book["Calculs"]["A2"] = "=A1*2"
    document = tmp_path / "calculs.xlsx"
    book.save(document)
    target = tmp_path / "out.xlsx"
    assert export(bench, target, document=document) == 0
    assert (
        f"{document}: formules du classeur écrit sans valeur calculée : 2 (openpyxl ne garde pas ces valeurs) :"
        " ouvrez-le dans un tableur et enregistrez-le avant de le réimporter ou de le donner en --document"
        in capsys.readouterr().err
    )
    assert openpyxl.load_workbook(target).calculation.fullCalcOnLoad  # the spreadsheet computes them on opening


# -- 8: a target open in a spreadsheet ----------------------------------------------------------------------


@pytest.mark.parametrize("lock", [".~lock.resultats.xlsx#", "~$resultats.xlsx", "~$sultats.xlsx"])
def test_a_target_open_in_a_spreadsheet_is_refused(
    bench: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], lock: str
) -> None:
    target = tmp_path / "resultats.xlsx"
    target.write_bytes(b"le classeur ouvert")
    (tmp_path / lock).write_bytes(b"")
    assert export(bench, target) == 3
    assert f"{target} est ouvert dans un tableur (fichier de verrou {lock}) : fermez-le" in capsys.readouterr().err
    assert target.read_bytes() == b"le classeur ouvert"


# -- 10: an unredacted workbook says so inside ---------------------------------------------------------------


def test_an_unredacted_workbook_is_marked_in_its_properties_and_on_its_header(bench: Path, tmp_path: Path) -> None:
    target = tmp_path / "nored.xlsx"
    assert export(bench, target, "--no-redact") == 0
    book = openpyxl.load_workbook(target)
    said = "valeurs observées NON anonymisées (export avec --no-redact) : ce classeur contient des données personnelles"
    assert book.properties.subject == said and book.properties.keywords == "non anonymisé"
    sheet, _rows, cols = cells(target)
    assert sheet.cell(HEADER_ROW, cols["Valeurs observées"]).comment.text == said
    redacted = tmp_path / "red.xlsx"
    assert export(bench, redacted) == 0
    assert openpyxl.load_workbook(redacted).properties.subject is None
