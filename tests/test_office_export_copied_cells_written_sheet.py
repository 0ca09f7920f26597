"""The export's notice of copied personal cells names them as they are in the file written (privacy audit f15,
finding 8): a CSV book exported into a workbook lands in one sheet named as the mapping's ``[source] sheet``, so
« mini!C5 » (the CSV's stem) would point at a sheet the workbook does not have."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from testbench.cli.main import main
from tests.test_office_export_copied_personal_cells import EXAMPLES, OBJECTIVE, _book, _cli


def test_copied_cells_are_named_in_the_written_workbook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(EXAMPLES.parent / "cards", tmp_path / "cards")
    tmp_path = tmp_path / "examples"
    tmp_path.mkdir()
    book = _book(tmp_path)
    _cli("import", book.name, "--mapping", "cahier-exemple.mapping.toml", "-o", "mini.xml", cwd=tmp_path)
    _cli("run", "mini.xml", "--session", "mini.tbsession", "--engine", "inprocess", "--cards", "inprocess",
         cwd=tmp_path)  # fmt: skip
    target = tmp_path / "mini-resultats.xlsx"
    code = main(["export", str(tmp_path / "mini.tbsession"), "--to", str(target), "--document", str(book),
                 "--mapping", str(tmp_path / "cahier-exemple.mapping.toml"), "--lang", "fr"])  # fmt: skip
    out = capsys.readouterr()
    assert code == 0, out
    said = " ".join((out.out + out.err).split())
    assert "cellules recopiées du document contiennent des données personnelles" in said, said
    assert "mini!" not in said, said
    workbook = openpyxl.load_workbook(target)
    assert workbook.sheetnames == ["Cahier de tests"]
    assert "'Cahier de tests'!C5" in said, said
    assert workbook["Cahier de tests"]["C5"].value == OBJECTIVE  # the cell named holds what the notice says
