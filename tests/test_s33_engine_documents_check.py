"""``testbench engine check`` reads the lot the engine builds as ``run`` does (docs/engine-protocol.md, « The
documents an engine returns »): its ``lot`` check fails a truncated B2 record, a record of the wrong length or a
number field holding a letter, in the same placed words as ``run``, in French and English; its ``fse`` check says
the same as ``run`` of an FSE outside our XSD; well-formed documents pass both.

The engine is a real process: the reference engine behind the real protocol server, one document spoiled.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from testbench.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
ENGINE = ROOT / "tests" / "data" / "engines" / "document_spoiling_reference.py"


def _check(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], spoil: str, lang: str = "fr"
) -> tuple[int, dict[str, str]]:
    """The exit code, and each check's line by its id."""
    monkeypatch.setenv("DOC_SPOIL", spoil)
    code = main(["engine", "check", "--lang", lang, "--timeout", "10", "--", sys.executable, str(ENGINE)])
    out = "".join(capsys.readouterr())
    lines = {found[1]: found[0] for found in re.finditer(r"^\S+ +(\S+) .*$", out, re.MULTILINE)}
    return code, lines


LOTS = [
    ("b2-truncated", r"lot B2, enregistrement 3 : 100 caractères au lieu de 128 : « 200\d{6}"),
    ("b2-length", r"lot B2, enregistrement 2 : 129 caractères au lieu de 128 : « 100"),
    ("b2-letter", r"lot B2, enregistrement \d+, colonnes 36–46 : champ amo : « \d{5}A\d{5} » n'est pas un nombre"),
]


@pytest.mark.parametrize(("spoil", "said"), LOTS, ids=[lot[0] for lot in LOTS])
def test_the_lot_check_reads_the_b2_lot(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], spoil: str, said: str
) -> None:
    code, lines = _check(monkeypatch, capsys, spoil)
    assert code == 1, lines
    assert lines["lot"].startswith("ÉCHEC"), lines
    assert re.search(said, lines["lot"]), lines["lot"]
    assert lines["fse"].startswith("RÉUSSI") and lines["retours"].startswith("RÉUSSI"), lines  # the rest goes on


def test_the_lot_check_reads_in_english(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = _check(monkeypatch, capsys, "b2-truncated", "en")
    assert code == 1, lines
    assert lines["lot"].startswith("FAIL"), lines
    assert "B2 lot, record 3: 100 characters instead of 128: “200" in lines["lot"], lines["lot"]


def test_the_fse_check_says_what_run_says(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = _check(monkeypatch, capsys, "fse-xsd")
    assert code == 1, lines
    assert lines["fse"].startswith("ÉCHEC"), lines
    assert (
        "FSE (XSD testbench), ligne 1, élément /fse/lignes/ligne : non conforme au schéma : <ligne>, attribut « amo »"
        " : la valeur « 33,6x33.60 »" in lines["fse"]
    ), lines["fse"]


@pytest.mark.parametrize("spoil", ["none", "b2-crlf"])
def test_a_well_formed_lot_passes(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], spoil: str
) -> None:
    code, lines = _check(monkeypatch, capsys, spoil)
    assert lines["lot"].startswith("RÉUSSI"), lines
    assert lines["fse"].startswith("RÉUSSI"), lines
    assert code == 0, lines
