"""Audit s36: ``cards probe`` of a Vitale whose beneficiary lacks fields (no birth date, no name, no qualité, no
NIR: a card of another layout, a badly personalised one). Before, the line read « né(e) le None, qualité , NIR »:
Python's None and blanks reached the person. Each missing field is now said empty, in both languages."""

from __future__ import annotations

import pytest

from testbench.cards import layout as L
from testbench.cards.decode import decode_cps, decode_vitale
from testbench.cli.cards_cmd import print_cps, print_vitale
from testbench.i18n import use_language


def _tlv(tag: int, value: bytes) -> bytes:
    return bytes([tag, len(value)]) + value


#: one beneficiary: its identity object holds no field, its NIR object no NIR; the card data says a test card
IDENTITY = _tlv(L.TAG_BENEFICIARY, b"")
NIRS = _tlv(L.TAG_BENEFICIARY, b"")
CARD = _tlv(L.TAG_CARD, _tlv(L.TAG_CARD_NATURE, b"T") + _tlv(L.TAG_CARD_TYPE, b"3"))
EMPTY = {"fr": "(vide : non écrit sur la carte)", "en": "(empty: not written on the card)"}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_beneficiarys_missing_fields_are_said_empty(lang: str, capsys: pytest.CaptureFixture[str]) -> None:
    with use_language(lang):
        print_vitale(decode_vitale(IDENTITY, NIRS, CARD))
    lines = capsys.readouterr().out.splitlines()
    line = next(x for x in lines if x.startswith(("  Bénéficiaire 1", "  Beneficiary 1")))
    empty = EMPTY[lang]
    expected = {
        "fr": f"  Bénéficiaire 1 : {empty}, né(e) le {empty}, qualité {empty}, NIR {empty}",
        "en": f"  Beneficiary 1: {empty}, born {empty}, qualité {empty}, NIR {empty}",
    }[lang]
    assert line == expected
    assert "None" not in line


def test_a_cps_situations_missing_fields_are_said_empty(capsys: pytest.CaptureFixture[str]) -> None:
    identity = _tlv(L.TAG_CPS_IDENTITY, _tlv(L.TAG_P_NAME, b"ESSAI") + _tlv(L.TAG_P_NATURE, b"T"))
    situation = _tlv(L.TAG_CPS_SITUATION, _tlv(L.TAG_S_NUMBER, b"00"))
    print_cps(decode_cps(identity, [situation]))
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith("  Situation"))
    assert line == f"  Situation 0 : {EMPTY['fr']}  mode {EMPTY['fr']}  FINESS —  n° AM —", out
