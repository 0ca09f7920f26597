"""A card profile's path that names no file says the usual slip (audit s24 F12): a folder, or « \\ » separators."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.casebook.errors import CasebookError
from testbench.casebook.loader import load_casebook

MINIMAL = (Path(__file__).resolve().parent / "data" / "casebooks" / "minimal.xml").read_text(encoding="utf-8")


def _problems(tmp_path: Path, profile: str) -> list[tuple[str, str]]:
    (tmp_path / "cards").mkdir(exist_ok=True)
    for card in ("cps", "vitale"):
        (tmp_path / "cards" / f"{card}.xml").write_text("<placeholder/>\n", encoding="utf-8")
    path = tmp_path / "casebook.xml"
    path.write_text(MINIMAL.replace('profile="cards/cps.xml"', f'profile="{profile}"'), encoding="utf-8")
    with pytest.raises(CasebookError) as info:
        load_casebook(path)
    return [(p.text("fr"), p.text("en")) for p in info.value.problems]


def test_a_folder_is_not_a_profile(tmp_path: Path) -> None:
    [(fr, en)] = _problems(tmp_path, "cards")
    assert "c'est un dossier ; indiquez le fichier du profil (cards/cps.xml)" in fr, fr
    assert "is a folder" in en, en


def test_backslashes_get_the_separator_hint(tmp_path: Path) -> None:
    [(fr, en)] = _problems(tmp_path, "cards\\cps.xml")
    assert "profil de carte introuvable" in fr and "séparez les dossiers par « / » (cards/cps.xml)" in fr, fr
    assert 'separate folders with “/”' in en, en


def test_a_missing_file_stays_plain(tmp_path: Path) -> None:
    [(fr, _en)] = _problems(tmp_path, "cards/absent.xml")
    assert fr.endswith("cards/absent.xml") and "profil de carte introuvable" in fr
