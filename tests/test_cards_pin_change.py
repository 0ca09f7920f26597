"""CPS PIN change (CHANGE REFERENCE DATA) and unblock (RESET RETRY COUNTER), in process (issue 15 §3).

The card model answers both commands; ``testbench.cards.pin`` sends them with the codes of the profile
only, counting tries first; the channel masks their data before any trace sink. The same model serves
the vpcd emulator: tests/test_cards_pin_change_pcsc.py runs these steps through the real pcscd.
"""

from __future__ import annotations

import pytest

from testbench.cards import apdu as A
from testbench.cards import layout as L
from testbench.cards.api import ApduExchange, CardError
from testbench.cards.inprocess import InProcessBay
from testbench.cards.pin import change_test_pin, unblock_test_pin, verify_test_pin
from testbench.cards.profile import ProfileError, load_profile, next_test_pin, parse_profile
from testbench.cards.read import pin_tries_left
from testbench.cards.virtual import build_card
from testbench.domain.refusal import EngineRefusal
from testbench.paths import CARD_PROFILES_DIR as P

PSAD = P / "cps3-psad-lpp.xml"


def _card(name: str):
    card = build_card(P / name)
    card.power_on()
    return card


def _change(old: str, new: str) -> bytes:
    return A.build(0, A.INS_CHANGE_REFERENCE_DATA, 0, L.PIN_REFERENCE, L.pin_block(old) + L.pin_block(new))


def _verify(code: str) -> bytes:
    return A.build(0, A.INS_VERIFY, 0, L.PIN_REFERENCE, L.pin_block(code))


def _reset(unblock: str, new: str | None = None) -> bytes:
    data = L.pin_block(unblock) + (L.pin_block(new) if new else b"")
    return A.build(0, A.INS_RESET_RETRY_COUNTER, 0 if new else 1, L.PIN_REFERENCE, data)


def _bay(name: str) -> tuple[InProcessBay, list[ApduExchange]]:
    seen: list[ApduExchange] = []
    bay = InProcessBay(apdu_sink=seen.append)
    bay.present("cps", P / name)
    return bay, seen


# ---------------------------------------------------------------- the card model


def test_change_reference_data_replaces_the_pin_and_counts_a_wrong_old_one() -> None:
    pin = load_profile(PSAD).pin
    assert pin is not None
    card = _card("cps3-psad-lpp.xml")
    assert card.process(_change("0000", "1234")) == b"\x63\xc2"  # wrong old PIN: a try counted
    assert card.process(_change(pin.reveal(), "12a4")) == b"\x6a\x80"  # a new PIN that is not 4-8 digits
    assert card.process(_change(pin.reveal(), "1234")) == b"\x90\x00"
    assert card.pin_tries_left == 3  # a right old PIN gives the tries back
    assert card.process(_verify(pin.reveal())) == b"\x63\xc2"
    assert card.process(_verify("1234")) == b"\x90\x00"
    assert card.process(A.build(0, A.INS_CHANGE_REFERENCE_DATA, 0, L.PIN_REFERENCE, b"\x31" * 8)) == b"\x67\x00"


def test_change_reference_data_on_a_blocked_pin_is_refused_without_a_check() -> None:
    pin = load_profile(P / "cps3-pin-blocked.xml").pin
    assert pin is not None
    card = _card("cps3-pin-blocked.xml")
    assert card.process(_change(pin.reveal(), "1234")) == b"\x69\x83"


def test_reset_retry_counter_unblocks_with_the_unblock_code_only() -> None:
    pin = load_profile(P / "cps3-pin-blocked.xml").pin
    assert pin is not None and pin.reveal_unblock()
    card = _card("cps3-pin-blocked.xml")
    unblock_tries = A.build(0, A.INS_VERIFY, 0, L.UNBLOCK_REFERENCE)
    assert card.process(unblock_tries) == b"\x63\xca"  # 10 tries, counted without presenting anything
    assert card.process(_reset("00000000")) == b"\x63\xc9"
    assert card.process(unblock_tries) == b"\x63\xc9"
    assert card.pin_tries_left == 0
    assert card.process(_reset(pin.reveal_unblock())) == b"\x90\x00"
    assert card.pin_tries_left == 3 and card.process(unblock_tries) == b"\x63\xca"
    assert card.process(_verify(pin.reveal())) == b"\x90\x00"  # P1=01: the PIN itself is kept
    assert card.process(_reset(pin.reveal_unblock(), "2468")) == b"\x90\x00"  # P1=00: a new PIN with it
    assert card.process(_verify("2468")) == b"\x90\x00"


def test_reset_retry_counter_with_a_blocked_unblock_code_or_none() -> None:
    pin = load_profile(P / "cps3-unblock-blocked.xml").pin
    assert pin is not None
    card = _card("cps3-unblock-blocked.xml")
    assert card.process(_reset(pin.reveal_unblock())) == b"\x69\x83"  # even the right code: the card is dead
    no_puk = build_card(parse_profile(PSAD.read_bytes().replace(b' unblock-code="27183645"', b"")))
    no_puk.power_on()
    assert no_puk.process(_reset("27183645")) == b"\x6a\x88"


# ---------------------------------------------------------------- the bench's PIN steps


def test_change_pin_toggles_between_the_two_test_pins_and_verify_follows() -> None:
    bay, _ = _bay("cps3-psad-lpp.xml")
    first = change_test_pin(bay, "cps")
    assert first == {"status": "changed", "sent": True, "tries_before": 3, "tries_left": 3}
    assert verify_test_pin(bay, "cps")["status"] == "verified"  # with the new PIN: refused otherwise
    assert change_test_pin(bay, "cps")["status"] == "changed"  # and back
    assert bay.changed_pins == {}
    assert verify_test_pin(bay, "cps")["sent"] is True
    change_test_pin(bay, "cps")
    bay.present("cps", PSAD)  # a fresh card (the next case) holds the profile's PIN again
    assert bay.changed_pins == {} and verify_test_pin(bay, "cps")["verified"] is True


def test_change_pin_without_new_code_uses_the_documented_rule() -> None:
    assert next_test_pin("4719") == "5820" and next_test_pin("0999") == "1000"
    pin = load_profile(PSAD).pin
    assert pin is not None and pin.reveal_new() == next_test_pin(pin.reveal())
    last = load_profile(P / "cps3-pin-last-try.xml").pin
    assert last is not None and last.reveal_new() == "7031"  # new-code in the profile wins


def test_pin_steps_refuse_when_the_card_cannot_take_the_risk() -> None:
    bay, seen = _bay("cps3-pin-last-try.xml")
    with pytest.raises(EngineRefusal) as low:
        change_test_pin(bay, "cps")
    assert low.value.code == "PIN_TRIES_LOW" and low.value.details["sent"] is False
    assert not [x for x in seen if x.command[1] == A.INS_CHANGE_REFERENCE_DATA]  # nothing sent
    bay, _ = _bay("cps3-pin-blocked.xml")
    with pytest.raises(EngineRefusal) as blocked:
        change_test_pin(bay, "cps")
    assert blocked.value.code == "PIN_BLOCKED"


def test_unblock_pin_gives_the_tries_back_then_the_pin_verifies() -> None:
    bay, seen = _bay("cps3-pin-blocked.xml")
    with pytest.raises(EngineRefusal):
        verify_test_pin(bay, "cps")
    result = unblock_test_pin(bay, "cps")
    assert result == {"status": "unblocked", "sent": True, "tries_before": 0, "tries_left": 3}
    assert pin_tries_left(bay, "cps") == 3
    assert verify_test_pin(bay, "cps")["verified"] is True
    assert [x.command[:4] for x in seen if x.command[1] == A.INS_RESET_RETRY_COUNTER] == [b"\x00\x2c\x01\x81"]


def test_unblock_refusals_send_nothing_when_too_few_tries_remain() -> None:
    bay, seen = _bay("cps3-unblock-blocked.xml")
    with pytest.raises(EngineRefusal) as dead:
        unblock_test_pin(bay, "cps")
    assert dead.value.code == "UNBLOCK_BLOCKED" and dead.value.details["sent"] is False
    one_left = PSAD.read_bytes().replace(b'unblock-code="27183645"', b'unblock-code="27183645" unblock-tries-left="1"')
    bay = InProcessBay(apdu_sink=seen.append)
    bay.present("cps", parse_profile(one_left))
    with pytest.raises(EngineRefusal) as low:
        unblock_test_pin(bay, "cps")
    assert low.value.code == "UNBLOCK_TRIES_LOW" and low.value.details == {"unblock_tries_before": 1, "sent": False}
    assert not [x for x in seen if x.command[1] == A.INS_RESET_RETRY_COUNTER]
    bay = InProcessBay()
    bay.present("cps", parse_profile(PSAD.read_bytes().replace(b' unblock-code="27183645"', b"")))
    with pytest.raises(CardError, match="aucun code de déblocage"):
        unblock_test_pin(bay, "cps")


def test_unblock_pin_refused_when_the_card_holds_another_code() -> None:
    """A physical card whose unblock code is not the profile's: UNBLOCK_WRONG, the card's count given."""
    bay, _ = _bay("cps3-pin-blocked.xml")
    other = P / "cps3-pin-blocked.xml"
    bay.present("cps", parse_profile(other.read_bytes().replace(b"16180339", b"99999999")))
    # the bay's profile says one code, the card another: swap the profile the bench reads
    bay.profiles["cps"] = load_profile(other)
    with pytest.raises(EngineRefusal) as wrong:
        unblock_test_pin(bay, "cps")
    assert wrong.value.code == "UNBLOCK_WRONG" and wrong.value.details["unblock_tries_after"] == 9


# ---------------------------------------------------------------- no code leaves the card


def test_change_and_unblock_data_are_masked_before_any_sink() -> None:
    bay, seen = _bay("cps3-pin-blocked.xml")
    unblock_test_pin(bay, "cps")
    verify_test_pin(bay, "cps")
    change_test_pin(bay, "cps")
    pin = load_profile(P / "cps3-pin-blocked.xml").pin
    assert pin is not None
    secrets = [pin.reveal(), pin.reveal_new(), pin.reveal_unblock() or ""]
    sent = {x.command[1] for x in seen}
    assert {A.INS_VERIFY, A.INS_CHANGE_REFERENCE_DATA, A.INS_RESET_RETRY_COUNTER} <= sent
    for x in seen:
        if x.command[1] in (A.INS_CHANGE_REFERENCE_DATA, A.INS_RESET_RETRY_COUNTER):
            assert set(x.command[5:]) == {A.MASK_BYTE}, x.command.hex()
        for secret in secrets:
            assert secret.encode() not in x.command + x.response
            assert secret.encode().hex() not in (x.command + x.response).hex()


def test_the_profile_hides_the_new_pin_and_the_unblock_code() -> None:
    profile = load_profile(P / "cps3-pin-last-try.xml")
    pin = profile.pin
    assert pin is not None
    text = repr(profile) + repr(pin) + str(pin)
    for secret in (pin.reveal(), pin.reveal_new(), pin.reveal_unblock() or ""):
        assert secret not in text


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (b'new-code="7031"', b'new-code="2956"', "new-code doit différer de code"),
        (b'unblock-code="57721566"', b'unblock-code="5772"', "unblock-code"),
        (b'unblock-code="57721566"', b'unblock-code="57721566" unblock-tries-left="11"', "unblock-tries-left"),
    ],
)
def test_bad_pin_attributes_are_placed_errors(old: bytes, new: bytes, message: str) -> None:
    data = (P / "cps3-pin-last-try.xml").read_bytes()
    assert old in data
    with pytest.raises(ProfileError, match=message) as exc:
        parse_profile(data.replace(old, new), "x.xml")
    assert str(exc.value).startswith("x.xml:11:")
