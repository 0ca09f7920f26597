"""A remark written on under a case in its « Calcul » (comment) column, on a continuation row, is the case's comment
continued: joined to it a line each. It was read as an erased case id (« ligne sans n° de cas mais avec Calcul :
n° de cas vide ? ») and the case was left out. A continuation row that gives another field of the case itself (its
title, its patient…) is still a case whose id was erased."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from lxml import etree

from testbench.cli.main import main
from testbench.office.importer import import_document
from testbench.office.mapping import load_mapping

EXAMPLES = Path(__file__).resolve().parents[1] / "casebooks" / "examples"
MAPPING = EXAMPLES / "cahier-exemple.mapping.toml"
SHEET = "'Cahier de tests'"
NS = "{urn:testbench:casebook:1}"
FIRST = "Ligne 1 : 70,12 × 60 % = 42,072 → 42,07 ; ligne 2 : 0,35 × 60 % = 0,21 ; total 42,28."
REMARK = "Ligne 2 : code 1225646 facturé à 0,35 €."


def workbook(folder: Path, cells: dict[str, object]) -> Path:
    """The sample with ``cells`` written: row 12 is the second invoice line of EX-FSE-010 (no id)."""
    book = openpyxl.load_workbook(EXAMPLES / "cahier-exemple.xlsx")
    sheet = book["Cahier de tests"]
    assert sheet["A12"].value is None and sheet["O12"].value == "1225646" and sheet["Z11"].value == FIRST
    for ref, value in cells.items():
        sheet[ref] = value
    path = folder / "cahier.xlsx"
    book.save(path)
    return path


def comment(xml: bytes, case_id: str) -> str | None:
    case = etree.fromstring(xml).find(f".//{NS}case[@id='{case_id}']")
    assert case is not None, case_id
    return case.findtext(f"{NS}comment")


def test_a_remark_on_a_continuation_row_continues_the_case_comment(tmp_path: Path) -> None:
    result = import_document(workbook(tmp_path, {"Z12": REMARK}), load_mapping(MAPPING))
    assert [p.text("fr") for p in result.problems] == []
    assert "EX-FSE-010" in result.cases and not result.left_out
    assert comment(result.xml, "EX-FSE-010") == f"{FIRST}\n{REMARK}"


def test_a_remark_on_a_row_whose_case_has_no_comment_is_its_comment(tmp_path: Path) -> None:
    result = import_document(workbook(tmp_path, {"Z11": None, "Z12": REMARK}), load_mapping(MAPPING))
    assert [p.text("fr") for p in result.problems] == []
    assert comment(result.xml, "EX-FSE-010") == REMARK


def test_a_continuation_row_with_a_title_is_still_an_erased_id(tmp_path: Path) -> None:
    document = workbook(tmp_path, {"Z12": REMARK, "B12": "Ligne à 0,35 €"})
    result = import_document(document, load_mapping(MAPPING))
    assert [p.text("fr") for p in result.problems] == [
        f"{SHEET}!B12: ligne sans n° de cas mais avec Intitulé, Calcul : n° de cas vide ? (cas EX-FSE-010 laissé de"
        " côté)"
    ]
    assert "EX-FSE-010" in result.left_out


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_import_command_keeps_the_case_and_its_remark(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    shutil.copytree(EXAMPLES.parent / "cards", tmp_path / "cards")  # where the fixtures find their profiles
    work = tmp_path / "examples"
    work.mkdir()
    shutil.copy(EXAMPLES / "cahier-exemple.fixtures.xml", work)
    document = workbook(work, {"Z12": REMARK})
    out = work / "out.xml"
    code = main(["import", str(document), "--mapping", str(MAPPING), "-o", str(out), "--lang", lang])
    said = capsys.readouterr()
    assert code == 0, said
    assert "EX-FSE-010" not in said.out + said.err
    assert comment(out.read_bytes(), "EX-FSE-010") == f"{FIRST}\n{REMARK}"
