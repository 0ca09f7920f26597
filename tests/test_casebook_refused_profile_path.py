"""A card profile path refused (absolute, or through ``..``) is the one problem: the card stays declared, so its
uses are not also said « absente des fixtures »."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from testbench.casebook.loader import check_casebook

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("profile", ["/etc/passwd", "../cards/vitale2-adult-standard.xml"])
def test_a_refused_profile_path_is_its_only_problem(tmp_path: Path, profile: str) -> None:
    text = (ROOT / "casebooks" / "demo.xml").read_text(encoding="utf-8")
    shutil.copytree(ROOT / "casebooks" / "cards", tmp_path / "cards")
    path = tmp_path / "demo.xml"
    path.write_text(text.replace("cards/vitale2-adult-standard.xml", profile, 1), encoding="utf-8")
    _casebook, problems = check_casebook(path)
    assert [str(p) for p in problems] == [
        f"{path}:25:27: profil de carte « {profile} » refusé : chemin relatif au dossier du cahier, sans « .. »"
    ]
