"""``testbench export --no-redact`` says which copied cells hold personal data without claiming the result columns
are masked: with the option they are not, and the sentence said « seules les colonnes de résultats écrites par
testbench sont anonymisées » beside the observed NIR written in clear."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from testbench.cli.main import main

EXAMPLES = Path(__file__).resolve().parent.parent / "casebooks" / "examples"
NIR = "180019999900168"  # the sample's standard Vitale card (casebooks/cards/vitale2-adult-standard.xml)


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A one-case CSV book expecting the card's NIR, imported and run: (the session, the book)."""
    root = tmp_path_factory.mktemp("no-redact")
    shutil.copytree(EXAMPLES.parent / "cards", root / "cards")  # where the fixtures find their profiles
    work = root / "examples"
    work.mkdir()
    for name in ("cahier-exemple.mapping.toml", "cahier-exemple.fixtures.xml"):
        shutil.copy(EXAMPLES / name, work / name)
    with (EXAMPLES / "cahier-exemple.csv").open(encoding="utf-8-sig", newline="") as f:
        lines = list(csv.reader(f, delimiter=";"))
    header = lines[3]
    row = next(line for line in lines if line and line[0] == "EX-FSE-001")
    expected = header.index("Résultats attendus")
    row[expected] = f"vitale.nir = {NIR}\n{row[expected]}"
    book = work / "mini.csv"
    with book.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f, delimiter=";").writerows([*lines[:4], row])
    mapping = str(work / "cahier-exemple.mapping.toml")
    assert main(["import", str(book), "--mapping", mapping, "-o", str(work / "mini.xml")]) == 0
    session = work / "mini.tbsession"
    code = main(["run", str(work / "mini.xml"), "--session", str(session), "--engine", "inprocess",
                 "--cards", "inprocess"])  # fmt: skip
    assert code == 0
    return session, book


def _export(ran: tuple[Path, Path], target: str, *options: str) -> tuple[int, Path]:
    session, book = ran
    out = book.parent / target
    mapping = str(book.parent / "cahier-exemple.mapping.toml")
    return main(["export", str(session), "--to", str(out), "--document", str(book), "--mapping", mapping,
                 *options]), out  # fmt: skip


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_redact_notice_does_not_say_the_results_are_masked(
    ran: tuple[Path, Path], capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    capsys.readouterr()
    code, out = _export(ran, f"clear-{lang}.csv", "--no-redact", "--lang", lang)
    said = " ".join(capsys.readouterr().err.split())
    assert code == 0, said
    assert NIR in out.read_text(encoding="utf-8-sig").split("Valeurs observées")[1]  # written in clear
    if lang == "fr":
        assert "1 cellule recopiée du document contient des données personnelles" in said, said
        assert "anonymisées" not in said and "telle que le document l'avait (mini!X5)" in said, said
    else:
        assert "1 cell copied from the document holds personal data" in said, said
        assert "redacted (" not in said and "as the document had it (mini!X5)" in said, said


def test_redacted_export_still_says_only_the_results_are_masked(
    ran: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    code, out = _export(ran, "masked.csv", "--lang", "fr")
    said = " ".join(capsys.readouterr().err.split())
    assert code == 0, said
    assert "seules les colonnes de résultats écrites par testbench sont anonymisées (mini!X5)" in said, said
    assert "vitale.nir = ‹NIR›" in out.read_text(encoding="utf-8-sig")
