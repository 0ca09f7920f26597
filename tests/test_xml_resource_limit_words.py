"""Audit s22-robust: ``validate --max-size 100`` of a casebook holding 30 MB of text in one element printed libxml2's
« Resource limit exceeded: Text node too long, try XML_PARSE_HUGE » (an option of the library, not of testbench).
Now it is said in words, at the file:line:col where the parser stopped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR


@pytest.fixture(scope="module")
def huge(tmp_path_factory: pytest.TempPathFactory) -> Path:
    text = (CASEBOOKS_DIR / "demo.xml").read_text(encoding="utf-8")
    at = text.index("<title>") + len("<title>")
    path = tmp_path_factory.mktemp("huge") / "big.xml"
    path.write_text(text[:at] + "x" * 11_000_000 + text[at:], encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("lang", "words"),
    [("fr", "texte trop long pour l'analyseur XML"), ("en", "text too long for the XML parser")],
)
def test_a_text_too_long_for_the_parser_is_said_in_words(
    huge: Path, capsys: pytest.CaptureFixture[str], lang: str, words: str
) -> None:
    assert main(["validate", str(huge), "--max-size", "100", "--lang", lang]) == 3
    out = capsys.readouterr()
    said = out.out + out.err
    assert words in said
    assert "XML_PARSE_HUGE" not in said and "Resource limit" not in said
    assert re.search(rf"{re.escape(str(huge))}:\d+:\d+: ", said)
