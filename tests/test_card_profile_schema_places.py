"""A card profile's schema errors: all of them, at their own column, the PIN and PUK never quoted (audit s21, 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cards.profile import ProfileError, parse_profile

PROFILE = (Path(__file__).resolve().parent.parent / "casebooks" / "cards" / "cps3-psad-lpp.xml").read_text(
    encoding="utf-8"
)


def _errors(text: str) -> list[ProfileError]:
    with pytest.raises(ProfileError) as raised:
        parse_profile(text.encode("utf-8"), "p.xml")
    return list(raised.value.all)


def _place(text: str, needle: str) -> tuple[int, int]:
    offset = text.index(needle)
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


@pytest.mark.parametrize("attribute", ["code", "unblock-code"])
def test_a_bad_pin_is_placed_at_its_attribute_and_never_quoted(attribute: str) -> None:
    text = PROFILE.replace(f' {attribute}="', f' {attribute}="9x', 1)
    secret = text.split(f' {attribute}="', 1)[1].split('"', 1)[0]
    (error,) = _errors(text)
    line, col = _place(text, f' {attribute}="')
    assert (error.line, error.col) == (line, col + 1)  # the attribute's name, after the space
    for lang in ("fr", "en"):
        assert secret not in error.text(lang)
        assert "‹PIN›" in error.text(lang)


def test_every_schema_error_is_reported() -> None:
    text = PROFILE.replace("<nature>T</nature>", "<natur>T</natur>").replace("profession-code=", "profesion-code=")
    errors = _errors(text)
    assert (errors[0].line, errors[0].col) == _place(text, "<natur>")
    assert any("profesion-code" in e.message and (e.line, e.col) == _place(text, "profesion-code") for e in errors)
