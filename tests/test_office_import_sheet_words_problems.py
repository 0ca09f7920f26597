"""What the import cannot take is said in the sheet's words: a value a column does not accept names the column
and the words the mapping lets the sheet write, never the XML schema's attribute; a PIN in a step is refused with
why (a PIN comes from the card profile)."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from testbench.cli.main import main

REPO = Path(__file__).resolve().parents[1]
SHEET = "'Cahier de tests'"


def test_a_value_and_a_pin_said_in_the_sheet_s_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(REPO / "casebooks" / "examples", tmp_path / "casebooks" / "examples")
    shutil.copytree(REPO / "casebooks" / "cards", tmp_path / "casebooks" / "cards")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path / "casebooks" / "examples")
    book = openpyxl.load_workbook("cahier-exemple.xlsx")
    sheet = book["Cahier de tests"]
    assert sheet["L4"].value == "Tiers payant" and "Saisie du code porteur" in sheet["W5"].value
    sheet["L8"] = "Gratuit"
    sheet["W5"] = sheet["W5"].value.replace("Saisie du code porteur", "Saisie du code porteur (pin=1234)")
    book.save("bad.xlsx")

    assert main(["import", "bad.xlsx", "--mapping", "cahier-exemple.mapping.toml", "-o", "c.xml"]) == 3

    err = capsys.readouterr().err
    assert "schéma" not in err and "attribut" not in err
    assert (
        f"{SHEET}!L8: colonne « Tiers payant » : « Gratuit » n'est pas une valeur possible"
        " (valeurs : Non, AMO, AMO + AMC)"
    ) in err
    assert (
        f"{SHEET}!W5: « pin=… » : un code porteur ne s'écrit jamais dans le cahier ; il vient du profil de la carte"
    ) in err
    main(["import", "bad.xlsx", "--mapping", "cahier-exemple.mapping.toml", "-o", "c.xml", "--lang", "en"])
    err = capsys.readouterr().err
    assert f"{SHEET}!L8: column “Tiers payant”: “Gratuit” is not a possible value (values: Non, AMO, AMO + AMC)" in err
    assert f"{SHEET}!W5: “pin=…”: a PIN is never written in the casebook; it comes from the card profile" in err
