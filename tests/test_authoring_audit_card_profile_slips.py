"""A card fixture whose ``profile`` is misspelt or left empty: one problem at the card, said as it is. A misspelt
attribute left the card undeclared, so every use of it also read « carte … absente des fixtures », a card written
lines above; an empty one was only that echo (and, the card kept declared, would have passed as valid)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

CPS = 'profile="cards/cps3-psad-lpp.xml"'


def cli(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(cwd), "XDG_DATA_HOME": "", "TESTBENCH_LANG": ""}
    return subprocess.run(
        [sys.executable, "-m", "testbench", *map(str, args)], cwd=cwd, env=env, capture_output=True, text=True,
        encoding="utf-8", timeout=120,
    )  # fmt: skip


@pytest.fixture
def casebook(tmp_path: Path) -> Path:
    made = cli("new", "case", "--domain", "fse", "--mode", "securise", "--id", "FSE-042", "-o", "cahier.xml",
               cwd=tmp_path)  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert CPS in (tmp_path / "cahier.xml").read_text(encoding="utf-8")
    return tmp_path / "cahier.xml"


def line_col(path: Path, token: str) -> str:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if token in line:
            return f"{number}:{line.index(token) + 1}"
    raise AssertionError(token)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_misspelt_profile_attribute_is_one_schema_problem(casebook: Path, lang: str) -> None:
    casebook.write_text(casebook.read_text(encoding="utf-8").replace(CPS, CPS.replace("profile=", "profil=")),
                        encoding="utf-8")  # fmt: skip
    result = cli("--lang", lang, "validate", casebook.name, cwd=casebook.parent)
    assert result.returncode == 3 and "Traceback" not in result.stderr
    card = line_col(casebook, '<card id="cps-psad"')
    typo = line_col(casebook, "profil=")
    assert result.stderr.splitlines() == (
        [
            f"cahier.xml:{card}: non conforme au schéma : <card> : attribut obligatoire « profile » manquant",
            f"cahier.xml:{typo}: non conforme au schéma : <card>, attribut « profil » : attribut non autorisé — "
            "vouliez-vous dire « profile » ?",
            "1 cahier invalide sur 1",
        ]
        if lang == "fr"
        else [
            f'cahier.xml:{card}: not valid against the schema: <card>: required attribute “profile” is missing',
            f'cahier.xml:{typo}: not valid against the schema: <card>, attribute “profil”: attribute not allowed — '
            'did you mean “profile”?',
            "1 invalid casebook out of 1",
        ]
    )


@pytest.mark.parametrize("written", ['profile=""', 'profile="  "'])
@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "profil de carte vide : indiquez le fichier du profil (cards/cps.xml)"),
        ("en", "empty card profile: give the profile's file (cards/cps.xml)"),
    ],
)
def test_an_empty_profile_is_said_empty_and_never_runs(casebook: Path, written: str, lang: str, said: str) -> None:
    casebook.write_text(casebook.read_text(encoding="utf-8").replace(CPS, written), encoding="utf-8")
    result = cli("--lang", lang, "validate", casebook.name, cwd=casebook.parent)
    assert result.returncode == 3
    assert result.stderr.splitlines()[0] == f"cahier.xml:{line_col(casebook, written)}: {said}"
    assert len(result.stderr.splitlines()) == 2, result.stderr  # the card is declared: its uses are not echoes
    ran = cli("--lang", lang, "run", casebook.name, "--session", "s.tbsession", "--cards", "inprocess", "--engine",
              "inprocess", cwd=casebook.parent)  # fmt: skip
    assert ran.returncode == 3 and said in ran.stderr and "Traceback" not in ran.stderr
    assert not (casebook.parent / "s.tbsession").exists()
