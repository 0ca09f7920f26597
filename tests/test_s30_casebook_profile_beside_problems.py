"""``validate`` read the card profiles only once the casebook itself was valid: a broken profile beside a casebook
problem came out only after the fix, one more round for the author (audit s30). Both are said in the same run."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from minimal_casebook import MINIMAL

ROOT = Path(__file__).resolve().parent.parent
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
PYTHON = str(VENV_PYTHON if VENV_PYTHON.exists() else Path(sys.executable))


def validate(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "-m", "testbench", "validate", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
    )


@pytest.mark.parametrize(
    ("lang", "casebook_problem", "profile_problem"),
    [
        ("fr", "casebook.xml:33:51: quantité nulle ou négative", "cards/vitale.xml:2:1: profil de carte invalide"),
        ("en", "casebook.xml:33:51: zero or negative quantity", "cards/vitale.xml:2:1: invalid card profile"),
    ],
)
def test_a_broken_profile_is_said_with_the_casebooks_own_problems(
    tmp_path: Path, lang: str, casebook_problem: str, profile_problem: str
) -> None:
    (tmp_path / "cards").mkdir()
    shutil.copyfile(ROOT / "casebooks" / "cards" / "cps3-psad-lpp.xml", tmp_path / "cards" / "cps.xml")
    (tmp_path / "cards" / "vitale.xml").write_text("<card>\n", encoding="utf-8")  # never closed
    text = MINIMAL.replace('quantity="4"', 'quantity="0"')
    (tmp_path / "casebook.xml").write_text(text, encoding="utf-8")
    result = validate("--lang", lang, "casebook.xml", cwd=tmp_path)
    assert result.returncode == 3
    own, profile, _summary = result.stderr.splitlines()
    assert own.startswith(casebook_problem), own
    assert profile.startswith(profile_problem), profile


def test_a_casebook_that_cannot_be_read_names_no_profile(tmp_path: Path) -> None:
    (tmp_path / "casebook.xml").write_text(MINIMAL[: MINIMAL.index("<fixtures>") + 40], encoding="utf-8")
    result = validate("casebook.xml", cwd=tmp_path)
    assert result.returncode == 3 and "profil" not in result.stderr, result.stderr
