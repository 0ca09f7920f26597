"""PINs in dumps and bare data blocks, and answers left alone (privacy audit f15, findings 1, 2 and 6).

The test PIN is 4719 (ASCII 34 37 31 39), padded with FF to 8 bytes as the bench's cards take it."""

from __future__ import annotations

import random

import pytest

from testbench.traces.pin_words import may_hold_pin
from testbench.traces.redact import redact_pins

LEAKS = [
    "00000000  00 20 00 81 08 34 37 31  39 ff ff ff ff           |. ...4719....|",  # hexdump -C
    "00000000: 0020 0081 0834 3731 39ff ffff ff         . ...4719....",  # xxd
    "Transmit: 00 20 00 81 08 | 34 37 31 39 FF FF FF FF",
    "PIN data: 34373139FFFFFFFF",
    "VERIFY P2=81 data=34373139FFFFFFFF",
    "Lc=08 Data=34373139FFFFFFFF INS=20",
    "pinBlock=NDcxOf////8=",
    "34373139FFFFFFFF",
    "<< 34 37 31 39 FF FF FF FF 90 00",  # a block is masked wherever it stands
    "data 3437 3139 FFFF FFFF",
    "pinblock=2447 19FF FFFF FFFF",  # ISO 9564 format 2 after its label, whole
    "PIN block: 24 47 19 FF FF FF FF FF",
]


@pytest.mark.parametrize("line", LEAKS)
def test_a_code_in_a_dump_or_a_data_block_is_masked_whole(line: str) -> None:
    assert may_hold_pin(line), line  # the store's cheap gate hands it to the rules
    masked = redact_pins(line)
    assert "‹PIN›" in masked, masked
    for left in ("4719", "19FF", "19ff", "19 FF", "39 ff", "39 FF", "39ff", "3139", "//8"):
        assert left not in masked, masked


def test_an_answer_line_keeps_its_bytes() -> None:
    """A card's answer holds no command: a header read inside its random bytes masked evidence for good."""
    line = "A<< 12 34 7E 20 01 62 04 AF B1 80 94 5F 90 00"
    assert redact_pins(line) == line
    assert redact_pins("R-APDU: 6F 10 7E 20 01 62 04 AF B1 80 94 5F 90 00").startswith("R-APDU: 6F 10 7E 20")
    assert redact_pins("Code: 9000 (CPS)") == "Code: 9000 (CPS)"  # a status word


def test_random_answers_are_never_masked() -> None:
    rng = random.Random(15)
    for _ in range(20_000):
        body = " ".join(f"{b:02X}" for b in rng.randbytes(60))
        for line in (f"A<< {body}", f"<< {body}", f"resp {body}"):
            assert "‹PIN›" not in redact_pins(line), line


def test_a_command_inside_a_run_needs_a_code_for_data() -> None:
    """Inside a run of bytes (no answer marker), a header is a command only when its data is a code."""
    assert "‹PIN›" not in redact_pins("data 12 7E 20 01 62 04 AF B1 80 94 5F")
    assert redact_pins(">> 00 20 00 81 08 34 37 31 39 FF FF FF FF") == ">> 00 20 00 81 08 ‹PIN›"
    assert redact_pins("A>> 00 20 00 81 04 12 34 56 78") == "A>> 00 20 00 81 04 ‹PIN›"  # starting its run
