"""PIN change and unblock through the real stack: pyscard → pcscd → vpcd → our emulator (issue 15 §3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cards.bay import PcscBay
from testbench.cards.pin import change_test_pin, unblock_test_pin, verify_test_pin
from testbench.cards.profile import load_profile
from testbench.cards.read import pin_tries_left
from testbench.paths import CARD_PROFILES_DIR as P

pytestmark = pytest.mark.integration


def test_change_unblock_and_a_fresh_card_through_pcscd(pcsc_bay: PcscBay, tmp_path: Path) -> None:
    pcsc_bay.present("cps", P / "cps3-pin-blocked.xml")
    assert unblock_test_pin(pcsc_bay, "cps")["tries_before"] == 0
    assert pin_tries_left(pcsc_bay, "cps") == 3
    assert change_test_pin(pcsc_bay, "cps")["status"] == "changed"
    assert verify_test_pin(pcsc_bay, "cps")["sent"] is True  # the new PIN, or the card would refuse it
    pcsc_bay.present("cps", P / "cps3-pin-blocked.xml")  # the next case: the emulator reloads a fresh card
    assert pcsc_bay.changed_pins == {} and pin_tries_left(pcsc_bay, "cps") == 0
    pcsc_bay.release()
    trace = (tmp_path / "emulator" / "emulator-cps.jsonl").read_text(encoding="utf-8")
    assert "002C0181082A2A2A2A2A2A2A2A" in trace
    assert "0024008110" + "2A" * 16 in trace
    pin = load_profile(P / "cps3-pin-blocked.xml").pin
    assert pin is not None
    for code in (pin.reveal(), pin.reveal_new(), pin.reveal_unblock() or ""):
        assert code.encode().hex().upper() not in trace  # commands are traced in hex; clear digits would
        # match the timings by chance, and hex of the ASCII digits is what an unmasked command would show
