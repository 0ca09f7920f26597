"""``-k mode:degraded`` / ``mode:secured`` (English words; English keeps the French mode terms, so -k and the
workstation's filter refuse them alike) are refused with the code they are near, to copy (audit s24)."""

from __future__ import annotations

import pytest

from testbench.casebook.selection import SelectionError, compile_keyword, nearest_code
from testbench.i18n import english


@pytest.mark.parametrize(
    ("word", "near"),
    [("mode:degraded", "mode:degrade"), ("mode:secured", "mode:securise"), ("domain:lots", "domain:lot")],
)
def test_a_word_near_a_code_is_refused_with_it(word: str, near: str) -> None:
    with pytest.raises(SelectionError) as info:
        compile_keyword(word)
    said = str(info.value)
    assert f"— vouliez-vous dire « {near} » ?" in said, said
    assert f"— did you mean “{near}”?" in english(said), english(said)


def test_a_word_near_nothing_keeps_the_known_codes_alone() -> None:
    assert nearest_code("mode", "zzz") is None
    with pytest.raises(SelectionError) as info:
        compile_keyword("mode:zzz")
    assert "vouliez-vous dire" not in str(info.value) and "(modes connus\u00a0: securise, " in str(info.value)
    assert "(known modes: securise, " in english(str(info.value))


def test_a_name_in_either_language_is_still_taken() -> None:
    for word in ("mode:dégradé", "mode:securise", "domain:cards", "domain:cartes"):
        compile_keyword(word)
