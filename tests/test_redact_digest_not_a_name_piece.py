"""A digest is no dump line cut inside a name (the CI failure of session 30).

The rules that mask a known name's piece at a hex run's edge (a last piece at its start before the next field's tag,
a first piece after its length byte at its end) are for a dump whose line break cut a card's name field. An FSE's
SHA-256 written as one unbroken token began, by chance, with the two bytes of the holder's last letters followed by
a byte no letter (« 4552 93… » for ROGER) and lost them: ``‹nom masqué, 2 octets› 93…`` in the report. One token of
hex digits is more often a value of its own than a dump's line: a piece at its edges is masked only with four bytes
of evidence (a random digest holds them once in four billion), as a packed dump's line cut inside a name field gives
them (test_privacy_s28_vitale1_dump). The same bytes set apart as a dump's are masked as before.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from testbench.cards import vitale1 as V1
from testbench.cards.profile import load_profile
from testbench.traces.known import KnownValues
from testbench.traces.redact import Redactor

PROFILE = Path(__file__).resolve().parents[1] / "casebooks" / "cards" / "vitale1-adult.xml"


@pytest.fixture(scope="module")
def known() -> KnownValues:
    """The holder of the virtual Vitale 1 (PROTO ROGER), as its card file tells the session."""
    known = KnownValues()
    known.add_card_file(V1._zones(load_profile(PROFILE))["identity"])
    assert "ROGER" in known.names, known.names
    return known


def _digest_starting(head: bytes, size: int = 32) -> bytes:
    """A digest of ``size`` bytes whose first bytes are ``head`` (a real hash's tail after them)."""
    return head + hashlib.sha256(head).digest()[: size - len(head)]


def _digest_ending(tail: bytes, size: int = 32) -> bytes:
    return hashlib.sha256(tail).digest()[: size - len(tail)] + tail


DIGESTS = [
    _digest_starting(b"ER\x93"),  # « ER » then a byte no character: a last piece at a run's start
    _digest_starting(b"GER\x00", size=20),  # three letters of it (SHA-1's size)
    _digest_ending(b"\x05RO"),  # a first piece after its length byte at a run's end
    _digest_ending(b"\x81\x05R", size=16),  # a first letter after its field's tag and length (MD5's size)
]


@pytest.mark.parametrize("digest", DIGESTS, ids=lambda d: d.hex()[:12])
@pytest.mark.parametrize(
    "shape",
    [
        "{hex}",
        "{HEX}",
        "fse_sha256={hex}",
        '{{"fse_sha256": "{hex}"}}',
        "SHA-256 du lot : {HEX}",
    ],
)
def test_an_unbroken_hex_token_keeps_its_edges(known: KnownValues, digest: bytes, shape: str) -> None:
    line = shape.format(hex=digest.hex(), HEX=digest.hex().upper())
    out, counts = Redactor(known=known).redact_lines([line])
    assert out == [line]
    assert not counts


@pytest.mark.parametrize(
    "head", [b"OGER\x93", b"ER\x82\x081", b"R\x81\x05R", b"GER\x81\x05R"], ids=lambda b: b.hex()
)
def test_a_piece_with_four_bytes_of_evidence_at_a_tokens_start_is_masked(known: KnownValues, head: bytes) -> None:
    line = "RX " + (head + b"\x00" * 8).hex().upper()
    out = Redactor(known=known).redact(line)
    assert "‹" in out and not out.startswith("RX " + head[:1].hex().upper()), out


def test_the_whole_name_after_its_length_byte_in_a_token_is_still_masked(known: KnownValues) -> None:
    """A card's field read whole and logged packed (``bytes.hex()``): the name after its length byte is evidence
    wherever it stands, edge or not."""
    line = "R-APDU " + (b"\x80\x05ROGER\x82\x0819150302").hex().upper() + "9000"
    out = Redactor(known=known).redact(line)
    assert "524F474552" not in out, out


@pytest.mark.parametrize(
    "line",
    [
        "00000000  45 52 82 08 31 39 31 35  30 33 30 32 ff ff ff ff  |ER..19150302....|",
        "0000: 4552 8208 3139 3135 3033 3032 ffff ffff",
        "45:52:82:08:31:39:31:35",
    ],
)
def test_the_same_bytes_set_apart_as_a_dumps_are_still_masked(known: KnownValues, line: str) -> None:
    out = Redactor(known=known).redact(line)
    assert not out.replace(" ", "").replace(":", "").lower().startswith(("0000000045520", "000045528", "4552")), out
    assert "ER.." not in out, out
