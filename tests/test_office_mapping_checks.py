"""The mapping reader checks what a document cannot fix: an ``[expected]`` path no observation has (once, at
its line, with the closest path), a misspelt field (with the closest field), a row number written as text."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.office.mapping import load_mapping
from testbench.office.problems import OfficeError

REPO = Path(__file__).resolve().parents[1]
MAPPING = REPO / "casebooks" / "examples" / "cahier-exemple.mapping.toml"


def problems(tmp_path: Path, old: str, new: str) -> list[tuple[str, str]]:
    text = MAPPING.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "m.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    fixtures = MAPPING.parent / "cahier-exemple.fixtures.xml"
    (tmp_path / fixtures.name).write_bytes(fixtures.read_bytes())
    with pytest.raises(OfficeError) as caught:
        load_mapping(path)
    return [(p.text("fr"), p.text("en")) for p in caught.value.problems]


def test_an_unknown_observation_path_is_said_once_at_its_line(tmp_path: Path) -> None:
    said = problems(tmp_path, '"invoice.totals.amo"', '"invoice.totals.amoo"')
    assert len(said) == 1
    fr, en = said[0]
    assert fr.startswith(f"{tmp_path / 'm.toml'}:81:") and fr.endswith(
        ": valeur attendue « Part AMO » : chemin d'observation inconnu « invoice.totals.amoo » "
        "— vouliez-vous dire « invoice.totals.amo » ?"
    )
    assert "unknown observation path" in en


def test_a_line_path_with_its_index_reads(tmp_path: Path) -> None:
    said = problems(tmp_path, '"invoice.lines[i].amo"', '"invoice.lines[i].amoo"')
    assert len(said) == 1 and "« invoice.lines[i].amoo »" in said[0][0] and "« invoice.lines[i].amo »" in said[0][0]


def test_a_misspelt_field_gets_the_closest(tmp_path: Path) -> None:
    said = problems(tmp_path, 'title = "Intitulé"', 'titel = "Intitulé"')
    assert any("champ inconnu « titel » — vouliez-vous dire « title » ?" in fr for fr, _en in said)


def test_a_row_number_between_quotes_is_said_as_text(tmp_path: Path) -> None:
    said = problems(tmp_path, "header-row = 4", 'header-row = "4"')
    assert said[0][0].endswith("« header-row » attend un nombre entier, sans guillemets (ici le texte « 4 »)")
    assert "whole number" in said[0][1]
