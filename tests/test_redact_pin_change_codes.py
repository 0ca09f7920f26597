"""Audit s25 (3): each code of a PIN change after a masked one is masked, with or without a comma between, however
many there are (« ancien ‹PIN› nouveau 7031 » stored the new PIN in clear)."""

from __future__ import annotations

import pytest

from testbench.traces.pin_words import may_hold_pin
from testbench.traces.redact import redact_pins


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        ("changement code PIN ancien 4719 nouveau 7031", "changement code PIN ancien ‹PIN› nouveau ‹PIN›"),
        (
            "changement de PIN : ancien 1234 nouveau 5678 confirmation 5678",
            "changement de PIN : ancien ‹PIN› nouveau ‹PIN› confirmation ‹PIN›",
        ),
        ("changement de PIN : ancien 1234 et nouveau 5678", "changement de PIN : ancien ‹PIN› et nouveau ‹PIN›"),
        (
            "Camille Martin code CPS 4719 ancien code 4719 nouveau code 7031",  # cover --operator
            "Camille Martin code CPS ‹PIN› ancien code ‹PIN› nouveau code ‹PIN›",
        ),
        ("changement de PIN : ancien 1234, nouveau 5678", "changement de PIN : ancien ‹PIN›, nouveau ‹PIN›"),
    ],
)
def test_every_code_of_a_pin_change_is_masked(line: str, masked: str) -> None:
    assert may_hold_pin(line)
    assert redact_pins(line) == masked
