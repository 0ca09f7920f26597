"""Import → run → export → import: the file ``testbench export`` writes from any format of the exam book
is read back by the same mapping into the same casebook (identity cells above the header, the sheet the
mapping names), and what cannot round-trip is said, not silent."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from testbench.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "casebooks" / "examples"
MAPPING = EXAMPLES / "cahier-exemple.mapping.toml"


def run_cli(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "testbench", *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=120
    )
    assert result.returncode in (0, 1), result.stdout + result.stderr
    return result


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the sample exam book imported (``cahier.xml``) and run in process (``s.tbs``)."""
    work = tmp_path_factory.mktemp("round-trip")
    run_cli("import", EXAMPLES / "cahier-exemple.xlsx", "--mapping", MAPPING, "-o", "cahier.xml", cwd=work)
    run_cli("run", "cahier.xml", "--session", "s.tbs", "--engine", "inprocess", "--cards", "inprocess", cwd=work)
    return work


def export(bench: Path, document: Path, target: Path, mapping: Path = MAPPING) -> int:
    args = ["export", str(bench / "s.tbs"), "--document", str(document), "--mapping", str(mapping), "--to"]
    return main([*args, str(target)])


@pytest.mark.parametrize("kind", ["xlsx", "ods", "csv", "docx"])
def test_the_exported_file_imports_with_the_same_mapping_into_the_same_casebook(bench: Path, kind: str) -> None:
    target = bench / f"resultats-{kind}.xlsx"
    assert export(bench, EXAMPLES / f"cahier-exemple.{kind}", target) == 0
    book = openpyxl.load_workbook(target)
    assert book.sheetnames[0] == "Cahier de tests"  # the mapping's [source] sheet
    assert book.active["B2"].value == "PDT-EXEMPLE-001"  # the identity cells above the header
    assert book.active["A1"].value.startswith("Exemple — ")  # a title row too, once (not once per merged column)
    assert book.active["B1"].value is None
    again = bench / f"reimport-{kind}.xml"
    done = run_cli("import", target, "--mapping", MAPPING, "-o", again, cwd=bench)
    assert done.returncode == 0, done.stderr
    assert again.read_bytes() == (bench / "cahier.xml").read_bytes()


def test_a_sheet_name_xlsx_cannot_hold_is_said_with_the_name_to_give(
    bench: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A CSV book's mapping may name any sheet (a CSV has none); the name written instead is said, and the
    mapping given that name reads the file back. A cell that starts with « = » stays a text, not a formula."""
    mapping = tmp_path / MAPPING.name
    fixtures = EXAMPLES / "cahier-exemple.fixtures.xml"  # where it is: its cards are named relative to it
    text = MAPPING.read_text(encoding="utf-8").replace('"cahier-exemple.fixtures.xml"', f"'{fixtures}'")
    mapping.write_text(text.replace('sheet = "Cahier de tests"', 'sheet = "Cahier : tests [v2]"'), encoding="utf-8")
    document = tmp_path / "cahier.csv"
    csv_text = (EXAMPLES / "cahier-exemple.csv").read_text(encoding="utf-8-sig")
    document.write_text(csv_text.replace("Plan de tests;", "=Plan de tests;", 1), encoding="utf-8-sig")
    target = tmp_path / "resultats.xlsx"
    assert export(bench, document, target, mapping) == 0
    err = capsys.readouterr().err
    assert f"{document}: une feuille XLSX ne peut s'appeler « Cahier : tests [v2] » (31 caractères au plus" in err
    assert "elle s'appelle « Cahier _ tests _v2_ » ; pour importer ce fichier, mettez sheet = « Cahier _" in err
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["Cahier _ tests _v2_"]
    assert book.active["A2"].value == "=Plan de tests" and book.active["A2"].data_type == "s"
    mapping.write_text(text.replace('sheet = "Cahier de tests"', 'sheet = "Cahier _ tests _v2_"'), encoding="utf-8")
    done = run_cli("import", target, "--mapping", mapping, "-o", tmp_path / "again.xml", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
