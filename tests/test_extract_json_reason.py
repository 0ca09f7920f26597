"""A JSON file the extractor cannot parse: its reason in French (English with an English translator), never
Python's own English words (« Expecting property name enclosed in double quotes »)."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.extract.jsonfile import extract_json
from testbench.extract.model import ExtractError
from testbench.extract.spec import ExtractorSpec
from testbench.i18n import translator

SPEC = ExtractorSpec(name="j", kind="json", applies_to=("create_invoice",), fields={"/a": "invoice.totals.amo"})


def reason(text: bytes) -> str:
    with pytest.raises(ExtractError) as caught:
        extract_json(SPEC, Path("f.json"), text)
    return str(caught.value)


@pytest.mark.parametrize(
    ("text", "french", "english"),
    [
        (b'{"totaux": {amo: 1}}', "nom de propriété entre guillemets droits attendu", "property name in double quotes"),
        (b'{"a": }', "valeur attendue", "value expected"),
        (b'{"a" 1}', "« : » attendu", "“:” expected"),
        (b'{"a": 1 "b": 2}', "« , » attendu", "“,” expected"),
        (b'{"a": "x', "chaîne jamais fermée", "unterminated string"),
        (b'{"a": 1} x', "texte après la fin du document JSON", "text after the end of the JSON document"),
        (b'{"a": "\\q"}', "séquence d'échappement invalide", "invalid escape sequence"),
        (b'{"a": "\\u12"}', "séquence \\uXXXX invalide", "invalid \\uXXXX sequence"),
        (b'{"a": "x\x01"}', "caractère de contrôle dans une chaîne", "control character in a string"),
    ],
)
def test_json_syntax_errors_are_said_in_french_and_read_in_english(text: bytes, french: str, english: str) -> None:
    said = reason(text)
    assert said.startswith("f.json, octet ") and said.endswith(f" : JSON invalide : {french}"), said
    assert "Expecting" not in said and "Invalid" not in said
    shown = translator("en")(said)
    assert english in shown and ": invalid JSON: " in shown, shown
