"""Audit s25 (1): the code of a VERIFY, CHANGE REFERENCE DATA or RESET RETRY COUNTER logged as a program writes
bytes — a Python bytes literal, ``\\x`` escapes, a C array of ``0x..``, a list of numbers — is masked at capture,
as in hex: the rule took hex with a space, « - » or « : » between bytes only, and stored these in clear."""

from __future__ import annotations

import base64

import pytest

from testbench.traces.redact import redact_pins

VERIFY = bytes.fromhex("002000810834373139FFFFFFFF")  # PIN 4719, padded
CHANGE = bytes.fromhex("002400811034373139FFFFFFFF37303331FFFFFFFF")  # 4719 → 7031


def _c_array(data: bytes, sep: str = ",") -> str:
    return sep.join(f"0x{b:02X}" for b in data)


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        ("send " + repr(VERIFY), "send b'\\x00 \\x00\\x81\\x08‹PIN›'"),
        ("send " + "".join(f"\\x{b:02x}" for b in VERIFY), "send \\x00\\x20\\x00\\x81\\x08‹PIN›"),
        ("send " + _c_array(VERIFY), "send 0x00,0x20,0x00,0x81,0x08,‹PIN›"),
        ("send {" + _c_array(VERIFY, ", ").lower() + "}", "send {0x00, 0x20, 0x00, 0x81, 0x08, ‹PIN›}"),
        ("send " + _c_array(VERIFY, " ") + " 0x90 0x00", "send 0x00 0x20 0x00 0x81 0x08 ‹PIN› 0x90 0x00"),
        ("send " + str(list(VERIFY)), "send [0, 32, 0, 129, 8, ‹PIN›]"),
        ("apdu=" + str(list(CHANGE)).replace(" ", ""), "apdu=[0,36,0,129,16,‹PIN›]"),
        ("send [0, 32, 0, -127, 8, 52, 55, 49, 57, -1, -1, -1, -1]", "send [0, 32, 0, -127, 8, ‹PIN›]"),  # Java
    ],
)
def test_a_code_command_in_a_programs_byte_form_is_masked_as_written(line: str, masked: str) -> None:
    assert redact_pins(line) == masked
    assert "4719" not in masked and "52, 55, 49, 57" not in masked


@pytest.mark.parametrize(
    "line",
    [
        "SCardTransmit failed 0x80100069",
        "err=0x00000020, 0x00, 0x20",
        "2026-11-25 10:00:32,123 INFO FSE 53796 créée, lot 537, 12,50 EUR",
        "resp " + _c_array(b"\x61\x10\x90\x00\x01\x02"),  # no command
        "read " + repr(bytes.fromhex("00B0000020")),  # READ BINARY: no code
    ],
)
def test_other_bytes_and_numbers_stay(line: str) -> None:
    assert redact_pins(line) == line


def test_such_a_form_in_base64_is_masked_whole() -> None:
    line = "req=" + base64.b64encode(("send " + _c_array(VERIFY)).encode()).decode()
    assert redact_pins(line) == "req=‹PIN›"
