"""Audit 13: a DOCTYPE is refused in every XML file a person gives, as it is in a casebook.

A fixtures file whose entities were copied into the imported casebook crashed the import (a segmentation
fault with nested entities, a traceback with one); a card profile with an entity crashed the schema check
(« XMLSchemaValidateError: Internal error »). Each is now refused with its place, in both languages.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from testbench.paths import CASEBOOKS_DIR

ENTITIES = '<!DOCTYPE f [<!ENTITY l "lol"><!ENTITY l2 "&l;&l;&l;">]>'


def run_testbench(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """A separate process: a crash of libxml2 (a segmentation fault) fails the test, not the test run."""
    command = [sys.executable, "-m", "testbench", *argv]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, encoding="utf-8", timeout=120)


@pytest.fixture
def examples(tmp_path: Path) -> Path:
    shutil.copytree(CASEBOOKS_DIR / "examples", tmp_path / "examples")
    shutil.copytree(CASEBOOKS_DIR / "cards", tmp_path / "cards")
    shutil.copyfile(CASEBOOKS_DIR / "demo.xml", tmp_path / "demo.xml")
    return tmp_path


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "e.xml:2:1: déclaration DOCTYPE refusée : un fichier de fixtures ne doit contenir ni DTD ni entités"),
        ("en", "e.xml:2:1: DOCTYPE declaration refused: a fixtures file contains neither DTD nor entities"),
    ],
)
def test_a_fixtures_file_with_entities_is_refused(examples: Path, lang: str, said: str) -> None:
    folder = examples / "examples"
    fixtures = (folder / "cahier-exemple.fixtures.xml").read_text(encoding="utf-8")
    declaration_end = fixtures.index("?>") + 2
    assert 'value="PATIENTE' in fixtures
    fixtures = fixtures[:declaration_end] + "\n" + ENTITIES + fixtures[declaration_end:]
    (folder / "e.xml").write_text(fixtures.replace('value="PATIENTE', 'value="&l2;PATIENTE', 1), encoding="utf-8")
    mapping = (folder / "cahier-exemple.mapping.toml").read_text(encoding="utf-8")
    assert "cahier-exemple.fixtures.xml" in mapping
    (folder / "e.toml").write_text(mapping.replace("cahier-exemple.fixtures.xml", "e.xml"), encoding="utf-8")
    done = run_testbench(
        "--lang", lang, "import", "cahier-exemple.xlsx", "--mapping", "e.toml", "-o", "o.xml", cwd=folder
    )
    assert done.returncode == 3, done.stderr
    assert said in done.stderr and "Traceback" not in done.stderr
    assert not (folder / "o.xml").exists()


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "vitale2-adult-standard.xml:2:1: profil de carte invalide : déclaration DOCTYPE refusée : "
         "un profil de carte ne doit contenir ni DTD ni entités"),
        ("en", "vitale2-adult-standard.xml:2:1: invalid card profile: DOCTYPE declaration refused: "
         "a card profile contains neither DTD nor entities"),
    ],
)  # fmt: skip
def test_a_card_profile_with_an_entity_is_refused_at_its_place(examples: Path, lang: str, said: str) -> None:
    profile = examples / "cards" / "vitale2-adult-standard.xml"
    text = profile.read_text(encoding="utf-8")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n') and "<label>" in text
    text = text.replace("?>\n", '?>\n<!DOCTYPE x [<!ENTITY l "x">]>\n', 1).replace("<label>", "<label>&l;", 1)
    profile.write_text(text, encoding="utf-8")
    done = run_testbench("--lang", lang, "validate", "demo.xml", cwd=examples)
    assert done.returncode == 3, done.stderr
    assert said in done.stderr and "Traceback" not in done.stderr
