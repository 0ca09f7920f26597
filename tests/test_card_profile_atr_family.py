"""A card profile whose ATR belongs to another card family than its ``kind`` is refused at the ATR element
(audit s26-cards, E4): a Vitale 2 profile with the CPS3 ATR was listed as « CPS3 » and failed later with SW 6A82."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cards.profile import ProfileError, load_profile
from testbench.i18n import english
from testbench.paths import CARD_PROFILES_DIR as P

VITALE_ATR = "3B 75 13 00 00 44 09 EA 90 00"
CPS3_ATR = "3B AC 00 40 2A 00 12 25 00 64 80 00 03 10 00 90 00"


def _with_atr(tmp_path: Path, source: str, old: str, new: str) -> Path:
    text = (P / source).read_text(encoding="utf-8")
    assert f"<atr>{old}</atr>" in text
    path = tmp_path / source
    path.write_text(text.replace(f"<atr>{old}</atr>", f"<atr>{new}</atr>"), encoding="utf-8")
    return path


def _atr_line(path: Path) -> tuple[int, int]:
    lines = path.read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, 1) if "<atr>" in text)
    return line, lines[line - 1].index("<atr>") + 1


def test_a_vitale_profile_with_a_cps3_atr_is_refused_at_its_atr(tmp_path: Path) -> None:
    path = _with_atr(tmp_path, "vitale2-adult-standard.xml", VITALE_ATR, CPS3_ATR)
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    said = str(info.value)
    line, col = _atr_line(path)
    assert said == (
        f"{path}:{line}:{col}: l'ATR est celui d'une carte CPS3, pas d'une carte Vitale 2 (kind=vitale2)"
    ), said
    assert english(info.value.message) == "the ATR is a CPS3 card's, not a Vitale 2 card's (kind=vitale2)"


def test_a_cps_profile_with_a_vitale_atr_is_refused(tmp_path: Path) -> None:
    path = _with_atr(tmp_path, "cps3-psad-lpp.xml", CPS3_ATR, VITALE_ATR)
    with pytest.raises(ProfileError, match="l'ATR est celui d'une carte Vitale 2, pas d'une carte CPS3"):
        load_profile(path)


def test_an_atr_of_no_known_family_is_left_to_the_guard(tmp_path: Path) -> None:
    path = _with_atr(tmp_path, "vitale2-adult-standard.xml", VITALE_ATR, "3B 88 80 01 43 41 52 44 4C 41 42 00 52")
    assert load_profile(path).kind == "vitale2"


def test_every_shipped_profile_still_loads() -> None:
    for path in sorted(P.glob("*.xml")):
        load_profile(path)
