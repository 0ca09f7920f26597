"""The export's « changed since the run » check withholds a verdict only for a change that alters what the
case runs or compares: an expected value the importer now writes as another type but with the same meaning, or
an edited title or comment, leaves the verdict written (the latter said). Without ``--report`` the evidence
column is the one the mapping names, never a team's own « Preuve » column."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from testbench.cli.main import main
from testbench.office.diff import changed_fields

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "casebooks" / "examples"
MAPPING = EXAMPLES / "cahier-exemple.mapping.toml"
XLSX = EXAMPLES / "cahier-exemple.xlsx"
SHEET = "Cahier de tests"
CHANGED = "modifié depuis l'exécution : à relancer"
NIR = "vitale.nir = 180019999900168"


def _tb(work: Path, *args: str | Path) -> None:
    done = subprocess.run([sys.executable, "-m", "testbench", *map(str, args)], cwd=work, capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert done.returncode in (0, 1), done.stdout + done.stderr


def _with_nir(document: Path) -> dict[str, int]:
    """The sample with a NIR expected on EX-FSE-001 (nine digits or more: an identifier, a string now);
    case id -> row."""
    book = openpyxl.load_workbook(XLSX)
    sheet = book[SHEET]
    rows = {str(c.value): c.row for c in sheet["A"] if str(c.value or "").startswith("EX-")}
    sheet.cell(rows["EX-FSE-001"], 24).value += "\n" + NIR
    book.save(document)
    shutil.copy(EXAMPLES / "cahier-exemple.fixtures.xml", document.parent)
    return rows


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample with a NIR imported as the previous importer wrote it (a decimal with cents), then run."""
    work = tmp_path_factory.mktemp("meaning")
    _with_nir(work / "nir.xlsx")
    _tb(work, "import", "nir.xlsx", "--mapping", MAPPING, "-o", "cahier.xml")
    xml = (work / "cahier.xml").read_text(encoding="utf-8")
    now = 'path="vitale.nir" expected="180019999900168"'
    assert now in xml
    (work / "cahier.xml").write_text(
        xml.replace(now, 'path="vitale.nir" type="decimal" expected="180019999900168.00"'), encoding="utf-8"
    )
    _tb(work, "run", "cahier.xml", "--session", "s.tbs", "--engine", "inprocess", "--cards", "inprocess")
    return work


def _export(bench: Path, target: Path, document: Path, mapping: Path = MAPPING, *args: str) -> int:
    argv = ["export", str(bench / "s.tbs"), "--to", str(target), "--document", str(document), "--mapping", str(mapping)]
    return main([*argv, *args])


def _column(sheet: openpyxl.worksheet.worksheet.Worksheet, header: str) -> int:
    return next(c.column for c in sheet[4] if c.value == header)


def test_an_expected_value_read_as_another_type_with_the_same_meaning_is_no_change(
    bench: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = tmp_path / "nir.xlsx"
    rows = _with_nir(document)
    target = tmp_path / "out.xlsx"
    assert _export(bench, target, document) == 0
    assert "modifié dans le document" not in capsys.readouterr().err
    sheet = openpyxl.load_workbook(target)[SHEET]
    assert sheet.cell(rows["EX-FSE-001"], _column(sheet, "Verdict")).value not in (None, CHANGED)


def test_expected_values_by_meaning_and_a_comment_are_told_apart() -> None:
    def case(expected: str, value_type: str, comment: str = "") -> dict[str, object]:
        value = {"id": "e", "kind": "value", "path": "vitale.nir", "expected": expected, "value_type": value_type,
                 "normalize": [], "comment": comment, "source": {"line": 3}}  # fmt: skip
        return {"title": "T", "expectations": [value]}

    assert changed_fields(case("180019999900168.00", "decimal"), case("180019999900168", "string")) == ()
    assert changed_fields(case("1.00", "decimal"), case("01", "decimal")) == ()
    assert changed_fields(case("1.00", "decimal"), case("2", "string")) == ("expectations",)
    assert changed_fields(case("1", "string"), case("1", "string", "RG_VF644")) == ("comment",)


def test_a_title_or_comment_edited_since_the_run_keeps_the_verdict_and_is_said(
    bench: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = tmp_path / "edited.xlsx"
    rows = _with_nir(document)
    book = openpyxl.load_workbook(document)
    sheet = book[SHEET]
    sheet.cell(rows["EX-FSE-002"], _column(sheet, "Calcul")).value = "Vu avec l'examinateur"
    title = sheet.cell(rows["EX-FSE-003"], _column(sheet, "Intitulé"))
    title.value = title.value + "  (corrigé)"
    book.save(document)
    target = tmp_path / "out.xlsx"
    assert _export(bench, target, document) == 0
    err = capsys.readouterr().err
    row = rows["EX-FSE-003"]
    assert (
        f"'Cahier de tests'!{row}:{row}: cas EX-FSE-003 modifié dans le document depuis l'exécution (titre) : son"
        " verdict est reporté, ce changement ne touche ni ce qui s'exécute ni ce qui est comparé" in err
    )
    assert "cas EX-FSE-002 modifié dans le document depuis l'exécution (commentaire) : son verdict est reporté" in err
    out = openpyxl.load_workbook(target)[SHEET]
    for case_id in ("EX-FSE-002", "EX-FSE-003"):
        assert out.cell(rows[case_id], _column(out, "Verdict")).value == "réussi"
    assert _export(bench, tmp_path / "en.xlsx", document, MAPPING, "--lang", "en") == 0
    assert "case EX-FSE-003 changed in the document since the run (title): its verdict is written" in (
        capsys.readouterr().err
    )


def _own_proof(tmp_path: Path, rows: dict[str, int]) -> Path:
    """The document, its « Preuve » column the team's own (a screenshot's reference on EX-FSE-001)."""
    document = tmp_path / "own.xlsx"
    book = openpyxl.load_workbook(tmp_path / "nir.xlsx")
    sheet = book[SHEET]
    sheet.cell(rows["EX-FSE-001"], _column(sheet, "Preuve")).value = "capture écran n°12"
    book.save(document)
    return document


def _mapping(tmp_path: Path, old: str, new: str) -> Path:
    text = MAPPING.read_text(encoding="utf-8")
    assert old in text
    out = tmp_path / "map.toml"
    out.write_text(text.replace(old, new), encoding="utf-8")
    return out


def test_without_report_a_preuve_column_the_mapping_does_not_name_is_the_teams(
    bench: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = _with_nir(tmp_path / "nir.xlsx")
    document = _own_proof(tmp_path, rows)
    no_evidence = _mapping(tmp_path, 'evidence = "Preuve"\n', "")
    target = tmp_path / "out.xlsx"
    assert _export(bench, target, document, no_evidence) == 0
    out = openpyxl.load_workbook(target)[SHEET]
    assert out.cell(rows["EX-FSE-001"], _column(out, "Preuve")).value == "capture écran n°12"
    assert "vidée" not in capsys.readouterr().err
    as_comment = _mapping(tmp_path, 'comment = "Calcul"', 'comment = "Preuve"').read_text(encoding="utf-8")
    (tmp_path / "comment.toml").write_text(as_comment.replace('evidence = "Preuve"\n', ""), encoding="utf-8")
    assert _export(bench, tmp_path / "c.xlsx", document, tmp_path / "comment.toml") == 0


def test_without_report_the_named_evidence_column_emptied_is_said(
    bench: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = _with_nir(tmp_path / "nir.xlsx")
    document = _own_proof(tmp_path, rows)
    target = tmp_path / "out.xlsx"
    assert _export(bench, target, document) == 0
    assert (
        f"{document}: colonne « Preuve » ([results] evidence) vidée sur les lignes écrites (1) : sans --report, leur"
        " lien mènerait au rapport d'une autre exécution" in capsys.readouterr().err
    )
    out = openpyxl.load_workbook(target)[SHEET]
    assert out.cell(rows["EX-FSE-001"], _column(out, "Preuve")).value is None
