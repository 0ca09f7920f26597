"""The English catalogue quotes a value one way: “…” where the French says « … », as a reader sees both in one
line (``unknown refusal code "X"`` beside ``unknown step “X”`` was the mix). Straight quotes stay where they are
syntax the person copies: a TOML or XML value after ``=`` (``encoding = "cp1252"``, ``xmlns="…"``), inside an
XML tag, the empty ``""`` of CSV, or any quoting the French writes straight too; and such a TOML value is never
curly (``sheet = “x”`` would not parse if typed as shown).
"""

from __future__ import annotations

import re

from babel.messages.catalog import Catalog, Message

from testbench.locale import FOLDER
from tests.test_catalogue import load

EN = FOLDER / "en" / "LC_MESSAGES" / "testbench.po"
STRAIGHT = re.compile(r'"([^"]*)"')
CURLY_TOML_VALUE = re.compile(r"\b[a-z_-]+ = “")


def _forms(message: Message) -> tuple[str, tuple[str, ...]]:
    french = message.id[0] if isinstance(message.id, tuple) else message.id
    english = message.string if isinstance(message.string, tuple) else (message.string,)
    return french, english


def _is_syntax(text: str, match: re.Match[str], french: str) -> bool:
    before = text[: match.start()]
    return (
        match.group(1) == ""
        or re.search(r"=\s*$", before) is not None
        or before.rfind("<") > before.rfind(">")
        or match.group(0) in french
    )


def mixed_quotes(catalogue: Catalog) -> list[str]:
    """English forms that quote with straight quotes where the French quotes with « … »."""
    found = []
    for message in catalogue:
        french, english = _forms(message)
        if message.id and "«" in french:
            for text in english:
                if any(not _is_syntax(text, m, french) for m in STRAIGHT.finditer(text)):
                    found.append(text)
    return found


def curly_toml_values(catalogue: Catalog) -> list[str]:
    """English forms that show a TOML value to type with curly quotes."""
    return [text for message in catalogue if message.id for text in _forms(message)[1] if CURLY_TOML_VALUE.search(text)]


def test_the_english_catalogue_quotes_a_value_with_curly_quotes() -> None:
    assert mixed_quotes(load(EN)) == []


def test_a_toml_value_to_type_keeps_its_straight_quotes() -> None:
    assert curly_toml_values(load(EN)) == []


def test_each_check_sees_the_mix_it_is_about() -> None:
    catalogue = Catalog(locale="en")
    catalogue.add("étape inconnue « {phrase} »", 'unknown step "{phrase}"')
    catalogue.add("mettez sheet = « {title} »", "set sheet = “{title}”")
    catalogue.add("écrivez encoding = « cp1252 »", 'write encoding = "cp1252"')  # syntax: stays straight
    catalogue.add('<right name="nir" …/> attendu', '<right name="nir" …/> expected')  # straight in the French too
    assert mixed_quotes(catalogue) == ['unknown step "{phrase}"']
    assert curly_toml_values(catalogue) == ["set sheet = “{title}”"]
