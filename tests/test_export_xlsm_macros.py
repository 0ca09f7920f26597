"""``testbench export`` of a macro-enabled exam book (.xlsm): written to .xlsm its VBA project is kept; written
to .xlsx, which cannot hold it, its loss is said (docs/office-export.md: what openpyxl cannot carry is said)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from testbench.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "casebooks" / "examples"
MAPPING = EXAMPLES / "cahier-exemple.mapping.toml"
XLSX = EXAMPLES / "cahier-exemple.xlsx"
VBA = b"\xd0\xcf\x11\xe0fakevba" * 10
XLSX_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MACRO_MAIN = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"


def macro_book(path: Path) -> Path:
    """The sample exam book made a macro-enabled workbook, with a (fake) VBA project."""
    with zipfile.ZipFile(XLSX) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                vba_type = b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
                data = data.replace(b"</Types>", vba_type + b"</Types>").replace(XLSX_MAIN, MACRO_MAIN)
            elif item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdVBA" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject"'
                    b' Target="vbaProject.bin"/></Relationships>',
                )
            out.writestr(item, data)
        out.writestr("xl/vbaProject.bin", VBA)
    return path


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("xlsm")
    for args in (
        ["import", XLSX, "--mapping", MAPPING, "-o", "cahier.xml"],
        ["run", "cahier.xml", "--session", "s.tbsession", "--engine", "inprocess", "--cards", "inprocess"],
    ):
        done = subprocess.run([sys.executable, "-m", "testbench", *map(str, args)], cwd=folder, capture_output=True)
        assert done.returncode in (0, 1), done.stderr
    macro_book(folder / "cahier.xlsm")
    return folder


def export(work: Path, target: Path) -> int:
    document = work / "cahier.xlsm"
    return main(["export", str(work / "s.tbsession"), "--to", str(target), "--document", str(document),
                 "--mapping", str(MAPPING)])  # fmt: skip


def test_an_xlsm_written_to_xlsm_keeps_its_macros(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = work / "resultats.xlsm"
    assert export(work, target) == 0
    assert "macros" not in capsys.readouterr().err
    with zipfile.ZipFile(target) as written:
        assert written.read("xl/vbaProject.bin") == VBA
        assert MACRO_MAIN in written.read("[Content_Types].xml")


def test_an_xlsm_written_to_xlsx_says_its_macros_are_not_carried(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = work / "resultats.xlsx"
    assert export(work, target) == 0
    assert (
        "cahier.xlsm: macros (projet VBA) du classeur non reprises : un fichier .xlsx ne peut les contenir"
        " (l'original les garde ; écrivez un fichier .xlsm pour les reprendre)" in capsys.readouterr().err
    )
    with zipfile.ZipFile(target) as written:
        assert "xl/vbaProject.bin" not in written.namelist()


def test_an_xlsx_book_cannot_be_written_to_xlsm(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = work / "plain.xlsm"
    code = main(["export", str(work / "s.tbsession"), "--to", str(target), "--document", str(XLSX),
                 "--mapping", str(MAPPING)])  # fmt: skip
    assert code == 3 and not target.exists()
    assert "extension de fichier non prise en charge ici (permises : .xlsx)" in capsys.readouterr().err
