"""A known value's hex glued to letters, or at the odd digit of a run, is masked; hex that only looks like it is not.

The search of hex runs read a run only when nothing alphanumeric touched it and its digits made whole bytes: an APDU
dump or a log line writing « DATA=x3138…38y », « …3638G », « tag31 38 30 … » or « 0313830… » (a nibble before the
value) showed a known NIR in hex. Such runs are now read at both alignments of their digits, for values of four bytes
or more (testbench.traces.redact_bytes.EncodedValues._glued).
"""

from __future__ import annotations

import pytest

from testbench.traces.known import KnownValues
from testbench.traces.redact import Redactor

NIR = "180019999900168"
HEX = NIR.encode().hex().upper()
SPACED = " ".join(HEX[i : i + 2] for i in range(0, len(HEX), 2))
UTF16 = NIR.encode("utf-16-le").hex()
NAME = "Sarah MODELE"
OTHER = b"180019999800168".hex().upper()
NIR_MARK = "‹NIR masqué, 15 octets›"


@pytest.fixture(scope="module")
def redactor() -> Redactor:
    known = KnownValues()
    known.add("nir", NIR)
    known.add("name", NAME)
    known.add("birth_date", "1961-03-17")
    return Redactor(known=known)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (f"DATA=x{HEX}y", f"DATA=x {NIR_MARK} y"),
        (f"DATA=x{HEX.lower()}Z", f"DATA=x {NIR_MARK} Z"),
        (f"RX {HEX}G", f"RX {NIR_MARK} G"),
        (f"DATA=A{HEX}", f"DATA=A {NIR_MARK}"),  # a hex letter before: the value at the run's odd digit
        (f"DATA=0{HEX}BC", f"DATA=0 {NIR_MARK} BC"),
        (f"DATA=0{HEX}A", f"DATA=0 {NIR_MARK} A"),  # even and apart, but the value after a nibble
        (f"LOG tag{SPACED} fin", f"LOG tag {NIR_MARK} fin"),
        (f"LOG abc{SPACED}", f"LOG abc {NIR_MARK}"),  # « abc31 38 … »: « c3 » is no byte of the run
        (f"x{SPACED.replace(' ', ':')}z", f"x {NIR_MARK} z"),
        (f"tok{UTF16}z", "tok ‹NIR masqué, 30 octets› z"),
    ],
)
def test_a_known_nir_in_hex_glued_to_letters_is_masked(redactor: Redactor, line: str, expected: str) -> None:
    result = redactor.redact_with_report(line)
    assert result.text == expected, result.text
    assert result.counts["nir"] == 1
    assert HEX[:26] not in result.text.upper().replace(" ", "").replace(":", "")


def test_a_known_name_in_hex_glued_to_letters_is_masked(redactor: Redactor) -> None:
    line = "id=x" + NAME.encode().hex() + "z"
    assert redactor.redact(line) == "id=x ‹nom masqué, 12 octets› z"


def test_a_fixed_width_record_keeps_its_width() -> None:
    known = KnownValues()
    known.add("nir", NIR)
    record = f"X{HEX}Y".ljust(40, "Z")  # no markup, one width: a fixed-width record
    out = Redactor(known=known, records=True).redact(record)
    assert len(out) == len(record) and HEX not in out and out.startswith("X") and out[len(HEX) + 1] == "Y", out


@pytest.mark.parametrize(
    "line",
    [
        f"DATA=x{OTHER}y",  # another NIR's hex (one digit of its body differs)
        f"DATA=x{HEX[2:]}y",  # the value less its first digit (its 13 digits of body too: no NIR)
        "SHA=x" + "ab" * 40 + "y",  # a digest glued to letters
        f"LOG abc{SPACED[1:]}",  # the value's digits set apart inside its bytes (« 13 83 … »): not its bytes
        "x" + SPACED[:-10].replace(" ", "  ", 3) + "z",  # hexdump's wider gaps, the body's end missing
        "facade deadbeef cafebabe0123456789abcdef",  # words and hex of letters a to f
    ],
)
def test_similar_hex_runs_are_untouched(redactor: Redactor, line: str) -> None:
    result = redactor.redact_with_report(line)
    assert result.text == line and not result.counts


def test_a_short_name_is_not_looked_for_among_letters() -> None:
    """Two or three bytes glued to letters are too often there by chance: a three-letter name stays unmasked there,
    as it is masked in a run standing apart."""
    redactor = Redactor(known=KnownValues({"LEA"}))
    assert redactor.redact("k=x4c4541y") == "k=x4c4541y"
    assert "4c4541" not in redactor.redact("k=4c4541 ")


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        ("DATA=A01961031700", True),  # a birth date in BCD in a run apart (its bytes A0 19 61 03 17 00)
        ("DATA=xA0196103170Fy", True),  # glued, at the odd digit
        ("carte 17 03 19 61", True),  # day first, spaced: the text rule's
        ("DATA=19610317ABCD", True),
        ("n=x0196103170y", False),  # the digits inside a decimal number: a number, never taken for a date
        ("ts=20196103170", False),
    ],
)
def test_birth_dates_in_bcd(redactor: Redactor, line: str, masked: bool) -> None:
    out = redactor.redact(line)
    assert ("19610317" not in out.replace(" ", "") and "17031961" not in out.replace(" ", "")) is masked, out
