"""``testbench export`` to .csv: the document's bytes as they were — a UTF-8 byte order mark only when the
document had one (the mapping's default encoding, utf-8-sig, reads both)."""

from __future__ import annotations

import codecs
import subprocess
import sys
from pathlib import Path

import pytest

from testbench.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "casebooks" / "examples"
MAPPING = EXAMPLES / "cahier-exemple.mapping.toml"
CSV = EXAMPLES / "cahier-exemple.csv"


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bom")
    for args in (
        ["import", CSV, "--mapping", MAPPING, "-o", "cahier.xml"],
        ["run", "cahier.xml", "--session", "s.tbsession", "--engine", "inprocess", "--cards", "inprocess"],
    ):
        done = subprocess.run([sys.executable, "-m", "testbench", *map(str, args)], cwd=folder, capture_output=True)
        assert done.returncode in (0, 1), done.stderr
    return folder / "s.tbsession"


def export(session: Path, document: Path, target: Path) -> int:
    return main(["export", str(session), "--to", str(target), "--document", str(document), "--mapping", str(MAPPING)])


def test_a_csv_without_bom_is_written_without_one(session: Path, tmp_path: Path) -> None:
    assert CSV.read_bytes().startswith(codecs.BOM_UTF8)  # the sample has one: the test removes it
    document = tmp_path / "cahier.csv"
    document.write_bytes(CSV.read_bytes().removeprefix(codecs.BOM_UTF8))
    target = tmp_path / "resultats.csv"
    assert export(session, document, target) == 0
    written = target.read_bytes()
    assert not written.startswith(codecs.BOM_UTF8)
    assert written.startswith(document.read_bytes()[:20])


def test_a_csv_with_a_bom_keeps_it(session: Path, tmp_path: Path) -> None:
    target = tmp_path / "resultats.csv"
    assert export(session, CSV, target) == 0
    assert target.read_bytes().startswith(codecs.BOM_UTF8) and not target.read_bytes()[3:].startswith(codecs.BOM_UTF8)
