"""Audit s25 (4): a known value written as a byte array — ``0x32,0x39,…`` (C, C#), ``\\x32\\x39…`` (Python),
``[50, 57, …]`` (Java's ``Arrays.toString``) — is masked as in a hex run, the array's other bytes kept."""

from __future__ import annotations

import pytest

from testbench.traces.known import KnownValues
from testbench.traces.redact import Redactor

NIR = "291049999900904"


@pytest.fixture(scope="module")
def redactor() -> Redactor:
    known = KnownValues()
    known.add("nir", NIR)
    known.add_card_fields({"name": "MODELE", "first_name": "SARAH"})
    return Redactor(known=known)


def _hex0x(data: bytes, sep: str = ",") -> str:
    return sep.join(f"0x{b:02X}" for b in data)


@pytest.mark.parametrize(
    "line",
    [
        "resp " + _hex0x(NIR.encode()),
        "resp {" + _hex0x(b"\x65\x11" + NIR.encode() + b"\x90\x00", ", ").lower() + "}",
        "resp " + _hex0x(NIR.encode(), " "),
        "resp " + "".join(f"\\x{b:02x}" for b in NIR.encode()),
        "resp " + str(list(NIR.encode())),
        "resp " + str([b - 256 if b > 127 else b for b in "SARAH MODELE".encode("utf-16-le")]),
    ],
)
def test_a_known_value_in_a_byte_array_is_masked(redactor: Redactor, line: str) -> None:
    out = redactor.redact(line)
    assert "masqué" in out
    assert "0x39,0x39,0x39" not in out.replace(" ", "") and "57, 57, 57" not in out and "\\x39\\x39" not in out


def test_the_other_bytes_and_separators_stay_as_written(redactor: Redactor) -> None:
    line = "rx {0x65, 0x11, " + _hex0x(NIR.encode(), ", ") + ", 0x90, 0x00}"
    assert redactor.redact(line) == "rx {0x65, 0x11, ‹NIR masqué, 15 octets›, 0x90, 0x00}"


def test_an_array_without_a_known_value_is_kept(redactor: Redactor) -> None:
    for line in ("send 0x00,0xA4,0x04,0x00", "[1, 2, 3, 300]", "{0x01, 0x02}", "[INFO] 12, 13"):
        assert redactor.redact(line) == line


def test_a_fixed_width_record_keeps_the_arrays_width() -> None:
    known = KnownValues()
    known.add("nir", NIR)
    line = "X " + _hex0x(NIR.encode())
    out = Redactor(known=known, records=True).redact(line)
    assert len(out) == len(line) and "0x39" not in out
