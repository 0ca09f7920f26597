"""``testbench export``'s notice of copied personal cells searches every cell the file copies, as the report redacts
it: the rows above the header (a title, the identity cells) in every format, and the result cells of a row it does
not write (a case absent from the session keeps a previous export's values); a case's title as a casebook's wording
(« Exemple de location » is not the persona EXEMPLE); identifiers (the case id, the plan id) not at all, as the report
prints them as they are."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from testbench.cli.main import main

EXAMPLES = Path(__file__).resolve().parent.parent / "casebooks" / "examples"
NIR = "180019999900168"  # the sample's standard Vitale card (PAUL ESSAI)


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample exam book imported from its CSV and run: its folder, holding the session ``s.tbsession``."""
    root = tmp_path_factory.mktemp("copied")
    shutil.copytree(EXAMPLES.parent / "cards", root / "cards")  # where the fixtures find their profiles
    folder = root / "examples"
    shutil.copytree(EXAMPLES, folder, ignore=shutil.ignore_patterns("*.py"))
    mapping = str(folder / "cahier-exemple.mapping.toml")
    assert main(["import", str(folder / "cahier-exemple.csv"), "--mapping", mapping, "-o", str(folder / "c.xml")]) == 0
    code = main(["run", str(folder / "c.xml"), "--session", str(folder / "s.tbsession"), "--engine", "inprocess",
                 "--cards", "inprocess"])  # fmt: skip
    assert code == 0
    return folder


def _export(work: Path, document: Path, target: str, capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    code = main(["export", str(work / "s.tbsession"), "--to", str(work / target), "--document", str(document),
                 "--mapping", str(work / "cahier-exemple.mapping.toml"), "--lang", "fr"])  # fmt: skip
    out = capsys.readouterr()
    said = " ".join((out.out + out.err).split())
    assert code == 0, said
    return said


def test_the_read_sheets_rows_above_the_header_are_searched(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = openpyxl.load_workbook(work / "cahier-exemple.xlsx")
    sheet = book["Cahier de tests"]
    sheet["A1"] = "EXEMPLE — cahier de démonstration"  # capitals: a surname as a card writes it (personas EXEMPLE)
    sheet["F2"] = "Dossier suivi pour PAUL ESSAI"  # above the header (row 4), beside the plan id
    document = work / "above.xlsx"
    book.save(document)
    said = _export(work, document, "above-res.xlsx", capsys)
    # the report masks A1 so in a casebook's title; the plan id « PDT-EXEMPLE-001 » (B2) is an identifier it prints
    assert "2 cellules recopiées du document contiennent des données personnelles" in said, said
    assert "('Cahier de tests'!A1, 'Cahier de tests'!F2)" in said, said


def test_rows_not_written_and_titles_are_searched_as_the_report_redacts_them(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with (work / "cahier-exemple.csv").open(encoding="utf-8-sig", newline="") as f:
        lines = list(csv.reader(f, delimiter=";"))
    header = lines[3]
    lines[0] = ["Exemple de cahier de tests"]  # the language's word, not the persona EXEMPLE
    extra = list(next(line for line in lines if line and line[0] == "EX-FSE-001"))  # a case the session lacks
    extra[header.index("N° cas")] = "EX-EXEMPLE-901"  # an identifier, as the report prints it
    extra[header.index("Intitulé")] = "Exemple de location"  # the language's word, not the persona EXEMPLE
    observed = header.index("Valeurs observées")
    extra[observed] = f"vitale.nir = {NIR}"  # a previous export's, with --no-redact: left as it was
    document = work / "extra.csv"
    with document.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f, delimiter=";").writerows([*lines, extra])
    said = _export(work, document, "extra-res.csv", capsys)
    assert "cas du document absents de la session" in said and "EX-EXEMPLE-901" in said, said
    assert "1 cellule recopiée du document contient des données personnelles" in said, said
    assert f"(extra!{get_column_letter(observed + 1)}" in said, said  # the row as the CSV's line: its cells span lines


def test_a_workbooks_links_and_sheet_names_are_searched(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = openpyxl.load_workbook(work / "cahier-exemple.xlsx")
    sheet = book["Cahier de tests"]
    sheet["A1"] = "Cahier de tests"
    sheet["F3"] = "écrire au patient"  # the text says nothing, its link names him
    sheet["F3"].hyperlink = "mailto:paul.essai@example.org"
    book.create_sheet("Dossier PAUL ESSAI")
    document = work / "links.xlsx"
    book.save(document)
    said = _export(work, document, "links-res.xlsx", capsys)
    assert "2 cellules recopiées du document contiennent des données personnelles" in said, said
    assert "('Cahier de tests'!F3 (lien), 'Dossier PAUL ESSAI' (nom de la feuille))" in said, said
    capsys.readouterr()
    main(["export", str(work / "s.tbsession"), "--to", str(work / "links-en.xlsx"), "--document", str(document),
          "--mapping", str(work / "cahier-exemple.mapping.toml"), "--lang", "en"])  # fmt: skip
    english = " ".join(capsys.readouterr().err.split())
    assert "('Cahier de tests'!F3 (link), 'Dossier PAUL ESSAI' (sheet name))" in english, english
