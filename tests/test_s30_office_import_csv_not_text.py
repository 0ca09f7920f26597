"""A ``.csv`` that is no 8-bit or UTF-8 text says what it is: Excel's « Texte Unicode » (UTF-16) was told to set
``encoding = "cp1252"``, which then read every header garbled (« aucune des colonnes attendues »); a workbook
renamed ``.csv`` was told a pasted character was to be retyped."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "casebooks" / "examples"


def _import(work: Path, document: Path, encoding: str | None = None, *options: str) -> subprocess.CompletedProcess:
    mapping = (EXAMPLES / "cahier-exemple.mapping.toml").read_text(encoding="utf-8")
    if encoding is not None:
        mapping = mapping.replace('encoding = "utf-8-sig"', f'encoding = "{encoding}"')
    (work / "cahier.mapping.toml").write_text(mapping, encoding="utf-8")
    shutil.copy(EXAMPLES / "cahier-exemple.fixtures.xml", work)
    out = work / "out.xml"
    return subprocess.run(
        [sys.executable, "-m", "testbench", "import", str(document), "--mapping", str(work / "cahier.mapping.toml"),
         "-o", str(out), *options],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """A folder beside a copy of the sample's card profiles, where the fixtures file finds them (../cards)."""
    shutil.copytree(EXAMPLES.parent / "cards", tmp_path / "cards")
    (tmp_path / "examples").mkdir()
    return tmp_path / "examples"


@pytest.fixture
def utf16(work: Path) -> Path:
    """The sample CSV saved as Excel's « Texte Unicode » does: UTF-16 with its byte order mark."""
    text = (EXAMPLES / "cahier-exemple.csv").read_text(encoding="utf-8-sig")
    path = work / "cahier.csv"
    path.write_bytes(text.encode("utf-16"))
    return path


def test_a_utf16_csv_is_told_to_read_as_utf16_not_cp1252(work: Path, utf16: Path) -> None:
    done = _import(work, utf16)
    assert done.returncode == 3, done.stderr
    assert 'texte en UTF-16 (le « Texte Unicode » d\'Excel) : encoding = "utf-16"' in done.stderr, done.stderr
    assert "cp1252" not in done.stderr and "Traceback" not in done.stderr
    english = _import(work, utf16, None, "--lang", "en")
    assert 'UTF-16 text (Excel\'s “Unicode Text”): encoding = "utf-16" in the mapping' in english.stderr
    assert not (work / "out.xml").exists()


def test_a_utf16_csv_under_an_8_bit_encoding_is_refused_not_read_garbled(work: Path, utf16: Path) -> None:
    done = _import(work, utf16, "cp1252")
    assert done.returncode == 3, done.stderr
    assert "aucune des colonnes attendues" not in done.stderr
    assert 'encoding = "utf-16"' in done.stderr, done.stderr
    no_mark = work / "sans-bom.csv"
    no_mark.write_bytes(utf16.read_bytes()[2:])  # UTF-16 without its byte order mark: a null every other byte
    bare = _import(work, no_mark, "cp1252")
    assert f"{no_mark}:1:2: document CSV illisible : caractères nuls : un texte en UTF-16" in bare.stderr, bare.stderr


def test_the_utf16_csv_imports_with_the_encoding_said(work: Path, utf16: Path) -> None:
    done = _import(work, utf16, "utf-16")
    assert done.returncode == 0, done.stderr
    assert "13 cas écrits" in done.stdout + done.stderr


def test_a_workbook_renamed_csv_says_so(work: Path) -> None:
    renamed = work / "cahier.csv"
    shutil.copy(EXAMPLES / "cahier-exemple.xlsx", renamed)
    done = _import(work, renamed)
    assert done.returncode == 3
    assert "c'est un classeur (XLSX, ODS ou XLS), pas un texte : importez-le sous son extension" in done.stderr
    assert "retapez-le" not in done.stderr, done.stderr
