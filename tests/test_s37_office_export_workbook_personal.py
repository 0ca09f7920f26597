"""``testbench export`` of an XLSX document copies the whole workbook — its other sheets (hidden ones too), cell
comments, headers and footers, document properties — and says the personal data they hold, as it says the case
cells': only the case rows were searched, so a NIR in a hidden « Patients » sheet, in a comment or in the document's
subject went out in a file that the command did not say holds personal data."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import openpyxl
import pytest
from openpyxl.comments import Comment

from testbench.cli.main import main

EXAMPLES = Path(__file__).resolve().parent.parent / "casebooks" / "examples"
NIR = "180019999900168"  # the sample's standard Vitale card, EX-FSE-001's (casebooks/cards/vitale2-adult-standard.xml)


def _session(work: Path) -> Path:
    """A session of the sample's EX-FSE-001 alone, run on the in-process bench."""
    with (EXAMPLES / "cahier-exemple.csv").open(encoding="utf-8-sig", newline="") as f:
        lines = list(csv.reader(f, delimiter=";"))
    with (work / "mini.csv").open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f, delimiter=";").writerows([*lines[:4], next(line for line in lines if line[:1] == ["EX-FSE-001"])])
    for name in ("cahier-exemple.mapping.toml", "cahier-exemple.fixtures.xml"):
        shutil.copy(EXAMPLES / name, work / name)
    assert main(["import", str(work / "mini.csv"), "--mapping", str(work / "cahier-exemple.mapping.toml"),
                 "-o", str(work / "mini.xml")]) == 0  # fmt: skip
    assert main(["run", str(work / "mini.xml"), "--session", str(work / "mini.tbsession"), "--engine", "inprocess",
                 "--cards", "inprocess"]) == 0  # fmt: skip
    return work / "mini.tbsession"


def _workbook(work: Path) -> Path:
    """The sample workbook, its case cells untouched, with the card's holder named beyond them."""
    book = openpyxl.load_workbook(EXAMPLES / "cahier-exemple.xlsx")
    sheet = book["Cahier de tests"]
    sheet["A5"].comment = Comment(f"Patient Paul ESSAI, NIR {NIR}", "Camille")
    sheet.oddFooter.center.text = f"Dossier {NIR}"
    hidden = book.create_sheet("Patients")
    hidden["A1"] = int(NIR)
    hidden.sheet_state = "hidden"
    book.properties.subject = f"Essais de Paul ESSAI ({NIR})"
    path = work / "perso.xlsx"
    book.save(path)
    return path


def test_personal_data_beyond_the_case_rows_of_a_workbook_is_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(EXAMPLES.parent / "cards", tmp_path / "cards")  # where the fixtures find their profiles
    work = tmp_path / "examples"
    work.mkdir()
    session, document = _session(work), _workbook(work)
    capsys.readouterr()
    said = {}
    for lang in ("fr", "en"):
        code = main(["export", str(session), "--to", str(work / f"{lang}.xlsx"), "--document", str(document),
                     "--mapping", str(work / "cahier-exemple.mapping.toml"), "--lang", lang])  # fmt: skip
        said[lang] = " ".join(capsys.readouterr().err.split())
        assert code == 0, said[lang]
    assert (
        "4 cellules recopiées du document contiennent des données personnelles (nom, NIR, date de naissance…) : elles"
        " restent telles que le document les avait, seules les colonnes de résultats écrites par testbench sont"
        " anonymisées ('Cahier de tests'!A5 (commentaire), 'Cahier de tests' (en-tête ou pied de page),"
        " Patients!A1 (feuille masquée), propriétés du document)"
    ) in said["fr"], said["fr"]
    assert (
        "('Cahier de tests'!A5 (comment), 'Cahier de tests' (header or footer), Patients!A1 (hidden sheet),"
        " document properties); this file therefore holds personal data"
    ) in said["en"], said["en"]
    written = openpyxl.load_workbook(work / "fr.xlsx")
    assert written["Patients"]["A1"].value == int(NIR) and NIR in written.properties.subject  # copied, as said
