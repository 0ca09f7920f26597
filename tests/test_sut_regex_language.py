"""Audit 9, finding 10: a profile's regular expression that does not compile is said in the person's
language, with its place, never in Python's English (« missing >, unterminated name at position 16 »)."""

from __future__ import annotations

import re

import pytest

from testbench.cli.main import main
from testbench.fmt import regex_reason
from testbench.i18n import translator

PYTHON_WORDS = ("missing", "unterminated", "position", "nothing to repeat", "unbalanced", "bad ", "unknown ")

LOG = """\
[product]
name = "X"

[[logs]]
path = "journal/*.log"
pattern = '{pattern}'
"""

EXTRACTOR = """\
[product]
name = "X"

[[extractors]]
name = "journal facture"
kind = "regex"
applies_to = ["create_invoice"]
pattern = 'AMO=(?P<amo>[\\d,]+'
fields = { amo = "invoice.totals.amo" }
"""


def _check(tmp_path, capsys, text: str, lang: str) -> str:
    profile = tmp_path / "sut.toml"
    profile.write_text(text, encoding="utf-8")
    assert main(["sut", "check", str(profile), "--lang", lang]) == 3
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "[logs][1].pattern : motif invalide (nom de groupe jamais fermé, caractère 17)"),
        ("en", "[logs][1].pattern: invalid pattern (group name never closed, character 17)"),
    ],
)
def test_a_log_pattern_that_does_not_compile_is_said_in_the_persons_language(tmp_path, capsys, lang, said) -> None:
    err = _check(tmp_path, capsys, LOG.format(pattern=r"(?P<ts>\d+) (?P<msg"), lang)
    assert said in err, err
    assert not any(word in err for word in PYTHON_WORDS), err


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "[logs][1].pattern : le motif doit avoir un groupe nommé « msg » (le message)"),
        ("en", "[logs][1].pattern: the pattern must have a group named “msg” (the message)"),
    ],
)
def test_a_log_pattern_without_msg_is_said_in_the_persons_language(tmp_path, capsys, lang, said) -> None:
    err = _check(tmp_path, capsys, LOG.format(pattern=r"^(?P<ts>.{10})(?P<rest>.*)$"), lang)
    assert said in err and "'profil'" not in err, err


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "[extractors][1] : expression régulière invalide : parenthèse ouverte jamais fermée, caractère 5"),
        ("en", "[extractors][1]: invalid regular expression: parenthesis opened and never closed, character 5"),
    ],
)
def test_an_extractors_pattern_that_does_not_compile_is_said_in_the_persons_language(
    tmp_path, capsys, lang, said
) -> None:
    err = _check(tmp_path, capsys, EXTRACTOR, lang)
    assert said in err, err
    assert not any(word in err for word in PYTHON_WORDS), err


@pytest.mark.parametrize(
    "pattern",
    ["(a", "a)", "[a", "*a", "a**", r"\q", "[z-a]", "(?P<a>x)(?P<a>y)", "(?P<1a>x)", "(?P=zz)", "(?z)", "a{3,1}",
     "(?", "(?<=a+)b", "(?#x"],
)
def test_every_reason_reads_in_french_and_in_english(pattern: str) -> None:
    with pytest.raises(re.error) as caught:
        re.compile(pattern)
    french, english = regex_reason(caught.value), regex_reason(caught.value, translator("en"))
    assert french != english and "syntaxe invalide" not in french, (french, english)
    assert not any(word in french for word in PYTHON_WORDS), french
