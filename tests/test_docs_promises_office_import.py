"""docs/office-import.md « Card profiles », checked with the real ``testbench import`` command: a profile the
fixtures name outside the output's folder is copied into ``cards/`` beside the casebook and said (« profil de carte
copié : … »), the casebook names it there and validates; one under the output's folder is named where it is, not
copied; a different file of the same name already in ``cards/`` is never overwritten: a problem at the fixtures'
line, exit 3, « rien n'est écrit », nothing of the import left behind."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "casebooks" / "examples"
SAMPLE = ("cahier-exemple.xlsx", "cahier-exemple.mapping.toml", "cahier-exemple.fixtures.xml")


def _layout(root: Path) -> Path:
    """``root/casebooks/examples/`` holding the sample and ``root/casebooks/cards/`` the profiles its fixtures name
    (``../cards/…``): the sample's folder, returned."""
    folder = root / "casebooks" / "examples"
    folder.mkdir(parents=True)
    for name in SAMPLE:
        shutil.copyfile(EXAMPLES / name, folder / name)
    shutil.copytree(REPO / "casebooks" / "cards", root / "casebooks" / "cards")
    return folder


def _testbench(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"TESTBENCH_LANG", "XDG_CONFIG_HOME", "XDG_DATA_HOME"}}
    env["HOME"] = str(cwd)
    return subprocess.run(
        [sys.executable, "-m", "testbench", *map(str, args)],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def _import(folder: Path, output: Path) -> subprocess.CompletedProcess[str]:
    return _testbench("import", folder / SAMPLE[0], "--mapping", folder / SAMPLE[1], "-o", output, cwd=folder.parent)


def _profiles(casebook: Path) -> set[str]:
    return set(re.findall(r'profile="([^"]+)"', casebook.read_text(encoding="utf-8")))


def test_a_profile_outside_the_output_folder_is_copied_into_cards_and_said(tmp_path: Path) -> None:
    folder = _layout(tmp_path)
    out = tmp_path / "ailleurs" / "cahier.xml"
    out.parent.mkdir()
    done = _import(folder, out)
    assert done.returncode == 0, done.stderr
    said = done.stdout + done.stderr
    copied = sorted(p.name for p in (out.parent / "cards").iterdir())
    assert "vitale2-ald.xml" in copied and "cps3-psad-lpp.xml" in copied, copied
    for name in copied:  # each copy is said, with where it went, and is the profile itself
        assert f"profil de carte copié : {out.parent / 'cards' / name}" in said, said
        assert (out.parent / "cards" / name).read_bytes() == (tmp_path / "casebooks" / "cards" / name).read_bytes()
    assert _profiles(out) == {f"cards/{name}" for name in copied}  # relative to the casebook's own folder
    valid = _testbench("validate", out, cwd=tmp_path)
    assert valid.returncode == 0, valid.stdout + valid.stderr


def test_a_profile_under_the_output_folder_is_named_where_it_is(tmp_path: Path) -> None:
    folder = _layout(tmp_path)
    out = tmp_path / "casebooks" / "cahier.xml"  # beside casebooks/cards/: every profile is within reach
    done = _import(folder, out)
    assert done.returncode == 0, done.stderr
    assert "profil de carte copié" not in done.stdout + done.stderr
    assert _profiles(out) and all(p.startswith("cards/") for p in _profiles(out)), _profiles(out)
    assert sorted(p.name for p in (tmp_path / "casebooks").iterdir()) == ["cahier.xml", "cards", "examples"]


def test_a_different_file_of_the_same_name_in_cards_is_never_overwritten(tmp_path: Path) -> None:
    folder = _layout(tmp_path)
    out = tmp_path / "ailleurs" / "cahier.xml"
    (out.parent / "cards").mkdir(parents=True)
    theirs = out.parent / "cards" / "vitale2-ald.xml"
    theirs.write_text("<!-- un autre profil, à l'équipe -->\n", encoding="utf-8")
    done = _import(folder, out)
    assert done.returncode == 3, done.stdout + done.stderr
    fixtures = folder / SAMPLE[2]
    lines = fixtures.read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if "vitale2-ald" in text)
    problem = f"profil de carte « ../cards/vitale2-ald.xml » : un autre fichier existe déjà en {theirs}"
    assert f"{fixtures}:{line}: {problem}" in done.stderr, done.stderr
    assert "rien n'est écrit" in done.stdout + done.stderr
    assert theirs.read_text(encoding="utf-8") == "<!-- un autre profil, à l'équipe -->\n"  # left as it was
    assert sorted(p.name for p in out.parent.rglob("*")) == ["cards", "vitale2-ald.xml"]  # no casebook, no copy
