"""s25 verification (R2): the PIN rules the session added masked numbers that are no code, at capture (gone for good,
--no-redact cannot bring them back). « ancien/nouveau/old/new code N » is a PIN's only on a line that speaks of a PIN,
a card or a change of code; a program's list of bytes is a command only when its Lc data are all there, end the run
or are padded with FF, and are a code as a card takes it; a status word after « refusé », « rejected » is the card's
answer."""

from __future__ import annotations

import pytest

from testbench.traces.redact import redact_pins


@pytest.mark.parametrize(
    "line",
    [
        "ancien code 1234 du produit remplace ; le nouveau code 2024 est livre",
        "le nouveau code 2024 est livré",
        "old code 12 345",
        "code d'accès refusé 6982",
        "CPS code rejected 6983",
        "code porteur rejeté 6983",
        "stats [0, 32, 0, 128, 5, 1, 2, 3, 4, 5]",
        "hours [0, 32, 0, 5, 3, 4, 5, 6]",
        "ports 0x00 0x20 0x00 0x81 0x08 0x10 0x11 0x12 0x13",  # Lc 8, four bytes after it
        "mask 0x00,0x24,0x00,0x01,0x08,0x12,0x34,0x56,0x78,0x9a",
        '{"vals":[0, 32, 0, 129, 8, 52, 55, 49, 57, 255]}',  # Lc 8, five bytes: no whole command
    ],
)
def test_numbers_that_are_no_code_stay(line: str) -> None:
    assert redact_pins(line) == line


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        (
            "changement de code : ancien code 1234 nouveau code 5678",
            "changement de code : ancien code ‹PIN› nouveau code ‹PIN›",
        ),
        ("change of the code: old code 4719 new code 7031", "change of the code: old code ‹PIN› new code ‹PIN›"),
        ("carte CPS : nouveau code 7031", "carte CPS : nouveau code ‹PIN›"),
        ("nouveau code porteur 7031", "nouveau code porteur ‹PIN›"),
        ("send [0, 32, 0, 129, 8, 36, 71, 25, 255, 255, 255, 255, 255]", "send [0, 32, 0, 129, 8, ‹PIN›]"),  # ISO 2
        ("send [0, 32, 0, 129, 4, 52, 55, 49, 57]", "send [0, 32, 0, 129, 4, ‹PIN›]"),  # unpadded, ends the run
        ("PIN saisi : 1234, code porteur refusé 6983", "PIN saisi : ‹PIN›, code porteur refusé 6983"),
    ],
)
def test_a_pins_codes_are_still_masked(line: str, masked: str) -> None:
    assert redact_pins(line) == masked
