"""``cards probe`` of a card whose files are left erased (all FF, as a blank card's EEPROM reads): each field
the card holds no value for is said empty, never printed blank (« Régime   caisse   centre »)."""

from __future__ import annotations

import pytest

from testbench.cards.decode import decode_cps, decode_vitale
from testbench.cli.cards_cmd import print_cps, print_vitale

ERASED = b"\xff" * 64


def test_an_erased_vitale_says_its_empty_fields(capsys: pytest.CaptureFixture[str]) -> None:
    print_vitale(decode_vitale(ERASED, ERASED, ERASED[:32], ERASED))
    out = capsys.readouterr().out
    empty = "(vide : non écrit sur la carte)"
    assert f"  Immatriculation : {empty}" in out.splitlines(), out
    assert f"  Régime {empty}  caisse {empty}  centre {empty}  code gestion {empty}" in out.splitlines(), out


def test_an_erased_cps_says_its_empty_fields_in_english(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TESTBENCH_LANG", "en")
    print_cps(decode_cps(ERASED))
    lines = capsys.readouterr().out.splitlines()
    empty = "(empty: not written on the card)"
    assert any(line.startswith(f"  Holder: {empty}  RPPS {empty}") for line in lines), lines
    assert any(line.startswith(f"  Profession: {empty} (code {empty})") for line in lines), lines
    assert all(line == line.rstrip() for line in lines), lines  # no field left blank at a line's end
