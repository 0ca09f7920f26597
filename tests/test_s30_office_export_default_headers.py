"""Without ``[results]``, a result column already in the document under the other language's default header is
reused: an export with ``--lang en`` over a file a French export wrote added « Observed values » beside
« Valeurs observées », which kept the earlier session's values next to the new verdict."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from testbench.cli.main import main

EXAMPLES = Path(__file__).resolve().parents[1] / "casebooks" / "examples"
SHEET = "Cahier de tests"


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample imported and run, and the sample without its result columns (``sans.xlsx``) beside a
    mapping without ``[results]`` (``sans.toml``)."""
    root = tmp_path_factory.mktemp("default-headers")
    shutil.copytree(EXAMPLES.parent / "cards", root / "cards")  # where the fixtures find their profiles
    work = root / "examples"
    work.mkdir()
    shutil.copy(EXAMPLES / "cahier-exemple.fixtures.xml", work)
    mapping = (EXAMPLES / "cahier-exemple.mapping.toml").read_text(encoding="utf-8")
    (work / "sans.toml").write_text(mapping[: mapping.index("[results]")], encoding="utf-8")
    book = openpyxl.load_workbook(EXAMPLES / "cahier-exemple.xlsx")
    book[SHEET].delete_cols(27, 3)  # Verdict, Valeurs observées, Preuve
    book.save(work / "sans.xlsx")
    casebook = str(work / "cahier.xml")
    assert main(["import", str(work / "sans.xlsx"), "--mapping", str(work / "sans.toml"), "-o", casebook]) == 0
    code = main(["run", casebook, "--session", str(work / "cahier.tbsession"), "--engine", "inprocess",
                 "--cards", "inprocess", "--report", str(work / "rapport")])  # fmt: skip
    assert code == 0
    return work


def _export(work: Path, document: str, target: str, lang: str) -> list[str]:
    code = main(["export", str(work / "cahier.tbsession"), "--to", str(work / target), "--document",
                 str(work / document), "--mapping", str(work / "sans.toml"), "--report", str(work / "rapport"),
                 "--lang", lang])  # fmt: skip
    assert code == 0
    sheet = openpyxl.load_workbook(work / target)[SHEET]
    return [str(cell.value) for cell in sheet[4] if cell.value is not None]


@pytest.mark.parametrize(("first", "then"), [("fr", "en"), ("en", "fr")])
def test_an_export_in_the_other_language_reuses_the_result_columns(work: Path, first: str, then: str) -> None:
    written = _export(work, "sans.xlsx", f"{first}.xlsx", first)
    again = _export(work, f"{first}.xlsx", f"{first}-{then}.xlsx", then)
    assert again == written, again  # no second verdict, observed or evidence column
    sheet = openpyxl.load_workbook(work / f"{first}-{then}.xlsx")[SHEET]
    verdict = {"fr": "réussi", "en": "passed"}[then]
    assert sheet.cell(5, len(written) - 2).value == verdict
    assert str(sheet.cell(5, len(written) - 1).value).startswith("invoice.lines[0].base = 56.00")


def test_a_first_export_names_the_columns_in_its_language(work: Path) -> None:
    assert _export(work, "sans.xlsx", "premier-en.xlsx", "en")[-3:] == ["Verdict", "Observed values", "Evidence"]
    assert _export(work, "sans.xlsx", "premier-fr.xlsx", "fr")[-3:] == ["Verdict", "Valeurs observées", "Preuve"]
