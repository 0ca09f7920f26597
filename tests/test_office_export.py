"""``testbench export``: a real session's results back into the exam book, re-opened with openpyxl.

The session comes from the shipped sample exam book: imported (``testbench import``), one expected value
made wrong so that one row fails, one personal value observed, run on the demo bench in process with its
report. Rows are found in the re-opened workbook by the case id in column A, not by the code under test.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from testbench.cli.main import main

#: one xdist worker runs this module, so that its module fixture (the session) is built once
pytestmark = pytest.mark.xdist_group("office_export")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "casebooks" / "examples"
MAPPING = EXAMPLES / "cahier-exemple.mapping.toml"
XLSX = EXAMPLES / "cahier-exemple.xlsx"
SHEET = "Cahier de tests"
HEADER_ROW = 4
NIR = "180019999900168"  # the NIR of the sample's standard Vitale card (casebooks/cards/vitale2-adult-standard.xml)


def run_cli(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "testbench", *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=120
    )
    assert result.returncode in (0, 1), result.stdout + result.stderr
    return result


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the exam book (the sample, EX-FSE-003's Part AMO made wrong and a NIR expected of
    EX-FSE-001), its mapping, the imported casebook, its session (EX-FSE-003 fails) and the session's report.
    The session runs the cases the document gives, so that the export writes every row."""
    work = tmp_path_factory.mktemp("export")
    book = openpyxl.load_workbook(XLSX)
    sheet = book[SHEET]
    rows, expected = rows_by_id(sheet), result_columns(sheet)["Résultats attendus"]
    first = sheet.cell(rows["EX-FSE-001"], expected)
    first.value = f"NIR = {NIR}\n{first.value}"
    third = sheet.cell(rows["EX-FSE-003"], expected)
    third.value = third.value.replace("Part AMO = 50,40 €", "Part AMO = 50,41 €")
    book.save(work / "cahier.xlsx")
    label = '"Part AMO" = { path = "invoice.totals.amo", type = "decimal" }\n'
    nir = '"NIR" = { path = "vitale.nir", type = "string" }\n'
    text = MAPPING.read_text(encoding="utf-8").replace(label, label + nir)
    fixtures = EXAMPLES / "cahier-exemple.fixtures.xml"  # where its card profiles are found
    text = text.replace('fixtures = "cahier-exemple.fixtures.xml"', f"fixtures = {json.dumps(fixtures.as_posix())}")
    (work / "cahier.mapping.toml").write_text(text, encoding="utf-8")
    run_cli("import", "cahier.xlsx", "--mapping", "cahier.mapping.toml", "-o", "cahier.xml", cwd=work)
    run = run_cli("run", "cahier.xml", "--session", "s.tbs", "--engine", "inprocess", "--cards", "inprocess",
                    "--report", "rapport", cwd=work)  # fmt: skip
    assert "EX-FSE-003 : échec" in run.stderr and "réussi 12 · échec 1" in run.stderr
    return work


def export(bench: Path, *args: str | Path, document: Path | None = None, mapping: Path | None = None) -> int:
    """``testbench export`` of the bench's session, by default into the bench's exam book with its mapping."""
    document, mapping = document or bench / "cahier.xlsx", mapping or bench / "cahier.mapping.toml"
    return main(
        ["export", str(bench / "s.tbs"), "--document", str(document), "--mapping", str(mapping), *map(str, args)]
    )


def rows_by_id(sheet) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {str(c.value): c.row for c in sheet["A"] if c.row > HEADER_ROW and str(c.value or "").startswith("EX-")}


def result_columns(sheet) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {str(c.value): c.column for c in sheet[HEADER_ROW] if c.value}


def test_verdicts_observed_values_and_links_land_in_each_case_row(
    bench: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = bench / "resultats.xlsx"
    assert export(bench, "--to", target, "--report", bench / "rapport") == 0
    assert f"{target} : résultats de 13 cas écrits" in capsys.readouterr().out
    sheet = openpyxl.load_workbook(target)[SHEET]
    original = openpyxl.load_workbook(bench / "cahier.xlsx")[SHEET]
    rows, cols = rows_by_id(original), result_columns(sheet)
    assert len(rows) == 13 and rows_by_id(sheet) == rows
    verdict, observed, link = cols["Verdict"], cols["Valeurs observées"], cols["Preuve"]

    def at(case_id: str, col: int) -> str:
        return str(sheet.cell(rows[case_id], col).value or "")

    assert at("EX-FSE-003", verdict) == "échec"  # the one made to fail, in its own row
    assert {at(case, verdict) for case in rows if case != "EX-FSE-003"} == {"réussi"}
    assert at("EX-FSE-003", observed).splitlines() == ["invoice.totals.amo = 50.40", "invoice.totals.patient = 5.60"]
    assert at("EX-FSE-001", observed).splitlines() == [
        "vitale.nir = ‹NIR›",  # redacted by default: personal, whatever the row
        "invoice.lines[0].base = 56.00",
        "invoice.lines[0].amo = 33.60",
        "invoice.totals.amo = 33.60",
        "invoice.totals.patient = 22.40",
        "invoice.totals.depassement = 0.00",
    ]
    assert at("EX-FSE-005", observed) == "refus (s-invoice) = DEPASSEMENT_NOT_ALLOWED_C2S"
    assert sheet.cell(rows["EX-FSE-001"], observed).alignment.wrap_text
    # the link: relative, to the case's own section of the report it names
    cell = sheet.cell(rows["EX-FSE-002"], link)
    assert cell.hyperlink is not None and cell.value == cell.hyperlink.target
    page, anchor = cell.hyperlink.target.split("#")
    assert page == "rapport/index.html" and anchor.startswith("EX-FSE-002-")
    assert f'id="{anchor}"' in (target.parent / page).read_text(encoding="utf-8")
    # a continuation row (an invoice line of the case above) and every other cell are left as they were
    for row in original.iter_rows():
        for before in row:
            if before.column not in (verdict, observed, link) or before.row <= HEADER_ROW:
                assert sheet.cell(before.row, before.column).value == before.value, before.coordinate
    for row in range(HEADER_ROW + 1, original.max_row + 1):
        if row not in rows.values():
            assert sheet.cell(row, verdict).value is None
    assert set(openpyxl.load_workbook(target).sheetnames) == set(openpyxl.load_workbook(XLSX).sheetnames)
    assert "formule" not in capsys.readouterr().err  # the sample has none: nothing to say of computed values


def test_english_words_and_the_opt_out_of_redaction(bench: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = bench / "results-en.xlsx"
    assert export(bench, "--to", target, "--no-redact", "--lang", "en") == 0
    out = capsys.readouterr().out
    assert "redaction off (--no-redact)" in out and f"{target}: results of 13 cases written" in out
    sheet = openpyxl.load_workbook(target)[SHEET]
    rows, cols = rows_by_id(sheet), result_columns(sheet)
    assert sheet.cell(rows["EX-FSE-003"], cols["Verdict"]).value == "failed"
    assert sheet.cell(rows["EX-FSE-004"], cols["Verdict"]).value == "passed"
    assert str(sheet.cell(rows["EX-FSE-001"], cols["Valeurs observées"]).value).startswith(f"vitale.nir = {NIR}\n")
    assert (
        sheet.cell(rows["EX-FSE-005"], cols["Valeurs observées"]).value
        == "refusal (s-invoice) = DEPASSEMENT_NOT_ALLOWED_C2S"
    )
    assert sheet.cell(rows["EX-FSE-001"], cols["Preuve"]).value is None  # no --report: no link


@pytest.mark.parametrize("kind", ["ods", "docx", "csv"])
def test_other_formats_become_a_sheet_with_the_same_header_and_rows(bench: Path, kind: str) -> None:
    target = bench / f"depuis-{kind}.xlsx"
    assert export(bench, "--to", target, document=EXAMPLES / f"cahier-exemple.{kind}") == 0
    sheet = openpyxl.load_workbook(target).active
    rows, cols = rows_by_id(sheet), result_columns(sheet)
    assert rows == rows_by_id(openpyxl.load_workbook(XLSX)[SHEET])  # same rows at the same numbers
    # the shipped document expects 50,40 where the run expected 50,41: a verdict there would vouch for another case
    assert sheet.cell(rows["EX-FSE-003"], cols["Verdict"]).value == "modifié depuis l'exécution : à relancer"
    assert sheet.cell(rows["EX-FSE-010"], cols["Verdict"]).value == "réussi"
    assert sheet.cell(rows["EX-FSE-003"], cols["Intitulé"]).value == "Lit médical, régime local Alsace-Moselle"


def test_a_csv_book_stays_csv_with_every_line(bench: Path) -> None:
    document = EXAMPLES / "cahier-exemple.csv"
    target = bench / "resultats.csv"
    assert export(bench, "--to", target, document=document) == 0
    with document.open(encoding="utf-8-sig", newline="") as f:
        before = list(csv.reader(f, delimiter=";"))
    with target.open(encoding="utf-8-sig", newline="") as f:
        after = list(csv.reader(f, delimiter=";"))
    assert len(after) == len(before) and after[: HEADER_ROW - 1] == before[: HEADER_ROW - 1]  # title lines kept
    original, written = document.read_bytes(), target.read_bytes()
    titles = original.index("N° cas".encode())  # the header line: every byte before it is kept, CRLF included
    assert written[:titles] == original[:titles] and written.count(b"\r\n") == len(after)  # the document's CRLF
    header = after[HEADER_ROW - 1]
    by_id = {line[0]: line for line in after if line and line[0].startswith("EX-")}
    assert by_id["EX-FSE-003"][header.index("Verdict")] == "modifié depuis l'exécution : à relancer"  # 50,40 there
    assert (
        by_id["EX-FSE-002"][header.index("Valeurs observées")]
        == "invoice.totals.amo = 56.00\ninvoice.totals.patient = 0.00"
    )


def test_a_cp1252_csv_book_gets_the_values_it_cannot_spell_in_ascii(
    bench: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Excel's CSV is cp1252: an observed value with a character outside it (an application's « → », a
    tolerance's « ≤ ») is written in ASCII instead of failing the export with a traceback."""
    from testbench.office import export as office_export

    document = tmp_path / "cahier.csv"
    example = (EXAMPLES / "cahier-exemple.csv").read_text(encoding="utf-8-sig")
    document.write_text(example, encoding="cp1252", errors="replace")  # as Excel saves it
    mapping = tmp_path / "cahier.mapping.toml"
    text = MAPPING.read_text(encoding="utf-8").replace('encoding = "utf-8-sig"', 'encoding = "cp1252"')
    mapping.write_text(text, encoding="utf-8")
    assert 'encoding = "cp1252"' in text
    fixtures = "cahier-exemple.fixtures.xml"  # the mapping names it beside itself
    (tmp_path / fixtures).write_bytes((EXAMPLES / fixtures).read_bytes())
    real = office_export.case_results

    def with_symbols(*args, **kwargs):  # type: ignore[no-untyped-def]
        observed = "statut = lu → écart ≤ 0,01 €"  # a value the session could hold (the application's text)
        return {k: replace(r, observed=(*r.observed, observed)) for k, r in real(*args, **kwargs).items()}

    monkeypatch.setattr(office_export, "case_results", with_symbols)
    target = tmp_path / "resultats.csv"
    assert export(bench, "--to", target, document=document, mapping=mapping) == 0
    assert "statut = lu -> écart <= 0,01 €" in target.read_bytes().decode("cp1252")


def test_a_merged_result_cell_is_placed_and_a_missing_column_is_added(
    bench: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = openpyxl.load_workbook(bench / "cahier.xlsx")
    sheet = book[SHEET]
    rows, cols = rows_by_id(sheet), result_columns(sheet)
    verdict = cols["Verdict"]
    sheet.merge_cells(
        start_row=rows["EX-FSE-001"], end_row=rows["EX-FSE-002"], start_column=verdict, end_column=verdict
    )
    sheet["A2"].font = openpyxl.styles.Font(italic=True)
    book.create_sheet("Notes")["A1"] = "=SUM(1, 2)"  # another sheet and a formula: kept as they are
    document = tmp_path / "fusion.xlsx"
    book.save(document)
    mapping = tmp_path / "map.toml"
    text = (bench / "cahier.mapping.toml").read_text(encoding="utf-8")
    mapping.write_text(text.replace('evidence = "Preuve"', 'evidence = "Rapport"'), encoding="utf-8")
    target = tmp_path / "out.xlsx"
    assert export(bench, "--to", target, "--report", bench / "rapport", document=document, mapping=mapping) == 0
    captured = capsys.readouterr()
    letter = openpyxl.utils.get_column_letter(verdict)
    assert (
        f"'Cahier de tests'!{letter}{rows['EX-FSE-002']}: cellule fusionnée : le résultat n'y est pas écrit"
        in captured.err
    )
    assert "colonnes ajoutées : Rapport" in captured.out
    out = openpyxl.load_workbook(target)[SHEET]
    added = max(cols.values()) + 1
    assert out.cell(HEADER_ROW, added).value == "Rapport"
    assert out.cell(HEADER_ROW, added).font.b == out.cell(HEADER_ROW, added - 1).font.b  # dressed as its neighbour
    assert out.cell(rows["EX-FSE-002"], added).hyperlink.target.startswith("../")  # relative to out.xlsx's folder
    assert out.cell(rows["EX-FSE-001"], verdict).value == "réussi"  # the merged range's own cell is written
    kept = openpyxl.load_workbook(target)
    assert kept.sheetnames == [SHEET, "Notes"] and kept["Notes"]["A1"].value == "=SUM(1, 2)"
    assert out["A2"].font.i  # formatting kept
    assert f"{letter}{rows['EX-FSE-001']}:{letter}{rows['EX-FSE-002']}" in {str(r) for r in out.merged_cells.ranges}


def _with_a_shape(document: Path) -> None:
    """Add a text box to the workbook's first drawing part, as Excel writes one (openpyxl cannot write shapes)."""
    import zipfile

    shape = (  # in the drawing part's default namespace, as openpyxl writes it
        b"<oneCellAnchor><from><col>8</col><colOff>0</colOff><row>1</row><rowOff>0</rowOff></from>"
        b'<ext cx="900000" cy="300000"/><sp macro="" textlink=""><nvSpPr><cNvPr id="99" name="Zone de texte 1"/>'
        b'<cNvSpPr txBox="1"/></nvSpPr><spPr><a:prstGeom xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/'
        b'main" prst="rect"/></spPr></sp><clientData/></oneCellAnchor>'
    )
    parts = {}
    with zipfile.ZipFile(document) as archive:
        for name in archive.namelist():
            parts[name] = archive.read(name)
    drawing = next(name for name in parts if name.startswith("xl/drawings/") and name.endswith(".xml"))
    assert parts[drawing].endswith(b"</wsDr>"), parts[drawing][-80:]
    parts[drawing] = parts[drawing].replace(b"</wsDr>", shape + b"</wsDr>")
    with zipfile.ZipFile(document, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def test_charts_and_images_are_kept_and_a_shape_openpyxl_cannot_carry_is_said(
    bench: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An exam book's logo and chart survive the export; a text box, which openpyxl drops, is counted and said."""
    import io
    import zipfile

    from openpyxl.chart import BarChart, Reference
    from openpyxl.drawing.image import Image
    from PIL import Image as Picture

    book = openpyxl.load_workbook(XLSX)
    sheet = book[SHEET]
    chart = BarChart()
    chart.add_data(Reference(sheet, min_col=1, min_row=HEADER_ROW, max_row=HEADER_ROW + 3))
    sheet.add_chart(chart, "J2")
    logo = io.BytesIO()
    Picture.new("RGB", (8, 8), "navy").save(logo, "PNG")
    sheet.add_image(Image(logo), "H1")
    document = tmp_path / "illustre.xlsx"
    book.save(document)
    _with_a_shape(document)
    target = tmp_path / "out.xlsx"
    assert export(bench, "--to", target, document=document) == 0
    err = capsys.readouterr().err
    said = "éléments graphiques du classeur non repris dans le fichier écrit (l'original les garde)"
    assert f"{document}: {said} : images 0, formes 1" in err, err
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
    assert any(n.startswith("xl/charts/") for n in names) and any(n.startswith("xl/media/") for n in names), names
    assert export(bench, "--to", tmp_path / "out-en.xlsx", "--lang", "en", document=document) == 0
    english = "drawings of the workbook not carried into the written file (the original keeps them): images 0, shapes 1"
    assert english in capsys.readouterr().err


def test_cases_either_side_lacks_are_listed(bench: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_cli("run", "cahier.xml", "--session", "un.tbs", "--engine", "inprocess", "--cards", "inprocess",
              "-k", "EX-FSE-001", cwd=bench)  # fmt: skip
    target = bench / "un.xlsx"
    assert main(["export", str(bench / "un.tbs"), "--to", str(target), "--document", str(bench / "cahier.xlsx"),
                 "--mapping", str(bench / "cahier.mapping.toml")]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "cas du document absents de la session (lignes laissées telles quelles) : EX-FSE-002, EX-FSE-003" in out
    assert "résultats de 1 cas écrits" in out
    sheet = openpyxl.load_workbook(target)[SHEET]
    rows, cols = rows_by_id(sheet), result_columns(sheet)
    assert sheet.cell(rows["EX-FSE-001"], cols["Verdict"]).value == "réussi"
    assert sheet.cell(rows["EX-FSE-002"], cols["Verdict"]).value is None


def test_refusals_exit_3_and_write_nothing(bench: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "x.xlsx"
    other = tmp_path / "autre"
    shutil.copytree(bench / "rapport", other)
    data = json.loads((other / "report.json").read_text(encoding="utf-8"))
    data["session"]["id"] = "une-autre-session"
    (other / "report.json").write_text(json.dumps(data), encoding="utf-8")
    assert export(bench, "--to", target, "--report", other) == 3
    assert "ce rapport est celui d'une autre session" in capsys.readouterr().err
    assert export(bench, "--to", target, "--report", tmp_path) == 3
    assert "pas un dossier de rapport testbench" in capsys.readouterr().err
    assert export(bench, "--to", tmp_path / "x.ods") == 3
    assert "extension de fichier non prise en charge ici (permises : .xlsx)" in capsys.readouterr().err
    copy = tmp_path / "copie.xlsx"
    shutil.copy(XLSX, copy)
    assert export(bench, "--to", copy, document=copy) == 3
    assert "est le document d'origine" in capsys.readouterr().err
    assert main(["export", str(tmp_path / "absente.tbs"), "--to", str(target), "--document", str(XLSX),
                 "--mapping", str(MAPPING)]) == 3  # fmt: skip
    assert "fichier de session introuvable" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["autre", "copie.xlsx"]


def test_the_retained_verdict_is_written_not_the_recorded_one(
    bench: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A signed review that overrides a failure decides the row's verdict (testbench.store.verdicts)."""
    session = tmp_path / "revue.tbs"
    shutil.copyfile(bench / "s.tbs", session)
    key = tmp_path / "cle.pem"
    assert main(["keys", "init", "--key", str(key)]) == 0
    assert main(["review", str(session), "EX-FSE-003", "--override", "pass", "--reason", "écart d'arrondi admis",
                 "--key", str(key)]) == 0  # fmt: skip
    target = tmp_path / "revue.xlsx"
    document, mapping = bench / "cahier.xlsx", bench / "cahier.mapping.toml"
    argv = ["export", str(session), "--to", str(target), "--document", str(document), "--mapping", str(mapping)]
    assert main(argv) == 0
    capsys.readouterr()
    sheet = openpyxl.load_workbook(target)[SHEET]
    rows, cols = rows_by_id(sheet), result_columns(sheet)
    assert sheet.cell(rows["EX-FSE-003"], cols["Verdict"]).value == "réussi"
    assert sheet.cell(rows["EX-FSE-003"], cols["Valeurs observées"]).value.startswith("invoice.totals.amo = 50.40")
