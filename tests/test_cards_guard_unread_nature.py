"""A card whose nature is not read is not proven a test card (privacy audit, finding 5).

In test mode the guard refuses it and withholds its holder as for a real card; the words « ? » never reach a
person (« de nature non lue », "whose nature was not read"); ``cards probe`` and ``cards record`` treat it as a
card that may be a real person's.
"""

from __future__ import annotations

from typing import Any

import pytest

from testbench.cards import layout as L
from testbench.cards import tlv
from testbench.cards.guard import check_card
from testbench.cards.inprocess import InProcessBay
from testbench.cards.model import DF, EF
from testbench.cards.profile import load_profile
from testbench.cards.virtual import build_card
from testbench.cli import cards_cmd
from testbench.i18n import translator
from testbench.paths import CARD_PROFILES_DIR

PROFILE = load_profile(CARD_PROFILES_DIR / "vitale2-real-nature.xml")


class PhysicalBay(InProcessBay):
    """A bay whose cards are not emulated, as a physical reader's."""

    def emulated(self, slot: str) -> bool:
        return False


def _without_nature() -> Any:
    card = build_card(PROFILE)
    adf = next(d for d in card.mf.children.values() if isinstance(d, DF) and d.aid == L.AID_VITALE)
    ef = adf.children[L.FID_CARD]
    assert isinstance(ef, EF)
    (record,) = tlv.iter_tlv(ef.content)
    kids = [tlv.encode(k.tag, k.value) for k in record.children() if k.tag != L.TAG_CARD_NATURE]
    ef.content = tlv.encode(L.TAG_CARD, kids)
    return card


def _bay() -> PhysicalBay:
    bay = PhysicalBay()
    bay.insert_card("vitale", _without_nature())
    return bay


def test_the_guard_refuses_a_card_whose_nature_is_not_read_and_withholds_its_holder() -> None:
    check = check_card(_bay(), "vitale", PROFILE, allow_real=False)
    assert check.nature == "" and check.ok is False, check
    assert check.withheld is True and check.identity == "" and check.found_holder == {}, check
    holder = PROFILE.beneficiary(1)
    assert holder is not None
    said = " ".join([check.found_fr, *check.problems])  # the message names the holder expected, from the profile
    assert holder.name not in said and holder.nir not in said and "?" not in said + check.message, said
    assert "de nature non lue" in check.found_fr, check.found_fr
    assert "nature de la carte non lue : seules les cartes de test sont admises" in check.problems, check.problems
    english = translator("en")(check.message)
    assert "whose nature was not read" in english and "card nature not read" in english, english
    assert "?" not in english and "nature" in english, english


def test_allowed_real_cards_let_it_through_said_so() -> None:
    check = check_card(_bay(), "vitale", PROFILE, allow_real=True)
    assert check.ok is True and check.withheld is False, check
    assert "?" not in check.found_fr and "de nature non lue" in check.found_fr, check.found_fr


def test_probe_and_record_take_it_for_a_real_persons_card(capsys: pytest.CaptureFixture[str]) -> None:
    assert cards_cmd._real("", "vitale2") and cards_cmd._real("", "cps3") and cards_cmd._real("R", "vitale1")
    assert not cards_cmd._real("T", "vitale2") and not cards_cmd._real("", None)  # another card: no one's identity
    from testbench.cards.read import read_vitale

    data = read_vitale(_bay(), "vitale")
    assert data.nature == ""
    cards_cmd.print_vitale(data, withheld=True)
    out = capsys.readouterr().out
    assert "?" not in out and "de nature non lue" in out, out
    assert all(b.name not in out for b in PROFILE.beneficiaries), out
