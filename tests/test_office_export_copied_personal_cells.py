"""``testbench export`` says that the document's own cells it copies hold personal data (privacy audit, finding 6).

The export copies the editor's document and fills the result columns: the cells it writes (verdict, observed
values) are masked; the cells it copies (the expected values, the objective, the comment) are the editor's own and
stay as the document had them — said on the command line, with where they are, since the file then holds personal
data beside the masked observed values.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from testbench.cli.main import main

EXAMPLES = Path(__file__).resolve().parent.parent / "casebooks" / "examples"
NIR = "180019999900168"  # the sample's standard Vitale card (casebooks/cards/vitale2-adult-standard.xml)
OBJECTIVE = "Lecture de la carte de Paul ESSAI né le 15/01/1980, NIR 1 80 01 99 999 001 68"
COMMENT = "Vu avec PAUL ESSAI"


def _cli(*args: str, cwd: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "testbench", *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _book(work: Path) -> Path:
    """The sample CSV book with one case that expects the card's NIR and name and names its holder."""
    with (EXAMPLES / "cahier-exemple.csv").open(encoding="utf-8-sig", newline="") as f:
        lines = list(csv.reader(f, delimiter=";"))
    header = lines[3]
    row = next(line for line in lines if line and line[0] == "EX-FSE-001")
    row[header.index("Objectif")] = OBJECTIVE
    row[header.index("Calcul")] = COMMENT
    expected = header.index("Résultats attendus")
    row[expected] = f"vitale.nir = {NIR}\nvitale.beneficiaries[0].name = ESSAI\n{row[expected]}"
    path = work / "mini.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f, delimiter=";").writerows([*lines[:4], row])
    for name in ("cahier-exemple.mapping.toml", "cahier-exemple.fixtures.xml"):
        shutil.copy(EXAMPLES / name, work / name)
    return path


def test_copied_cells_with_personal_data_are_said_and_written_cells_are_masked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(EXAMPLES.parent / "cards", tmp_path / "cards")  # where the fixtures find their profiles
    tmp_path = tmp_path / "examples"
    tmp_path.mkdir()
    book = _book(tmp_path)
    _cli("import", book.name, "--mapping", "cahier-exemple.mapping.toml", "-o", "mini.xml", cwd=tmp_path)
    _cli("run", "mini.xml", "--session", "mini.tbsession", "--engine", "inprocess", "--cards", "inprocess",
         cwd=tmp_path)  # fmt: skip
    target = tmp_path / "mini-res.csv"
    code = main(["export", str(tmp_path / "mini.tbsession"), "--to", str(target), "--document", str(book),
                 "--mapping", str(tmp_path / "cahier-exemple.mapping.toml"), "--lang", "fr"])  # fmt: skip
    out = capsys.readouterr()
    assert code == 0, out
    with target.open(encoding="utf-8-sig", newline="") as f:
        lines = list(csv.reader(f, delimiter=";"))
    header, row = lines[3], lines[4]
    observed = row[header.index("Valeurs observées")]
    assert "vitale.nir = ‹NIR›" in observed and NIR not in observed and "ESSAI" not in observed, observed  # written
    assert row[header.index("Objectif")] == OBJECTIVE and row[header.index("Calcul")] == COMMENT  # copied as they were
    said = " ".join((out.out + out.err).split())
    # the sample's title (A1) « Exemple — … » is the word, not the personas EXEMPLE of its cards (in capitals, as a card
    # writes it, it would be named: tests/test_s37b_office_export_copied_personal.py); its plan id « PDT-EXEMPLE-001 »
    # (B2) is an identifier, never masked by the report, and not named
    assert "3 cellules recopiées du document contiennent des données personnelles" in said, said
    assert "telles que le document les avait" in said and "ce fichier contient donc" in said, said
    assert "(mini!C5, mini!X5, mini!Z5)" in said, said
    main(["export", str(tmp_path / "mini.tbsession"), "--to", str(tmp_path / "en.csv"), "--document", str(book),
          "--mapping", str(tmp_path / "cahier-exemple.mapping.toml"), "--lang", "en"])  # fmt: skip
    english = " ".join(capsys.readouterr().err.split())
    assert "3 cells copied from the document hold personal data" in english, english
    assert "(mini!C5, mini!X5, mini!Z5)" in english, english
