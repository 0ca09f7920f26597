"""One letter of a name a dump's line cut (privacy leftover after s28).

A Vitale 1 record dumped by another program keeps its holder's names masked when a line break cuts them (s28:
pieces of two letters or more, at a line's end after the field's length byte, at a line's start before the next
field). A cut that left a single letter on one side (« … 81 05 52 » then « 4F 47 45 52 82 … ») left that letter
readable, in hex and in the column of characters. One letter is no evidence alone (every dump line starts and ends
with some byte): it is masked with the card's bytes around it — its field's tag and length before it at a line's
end, the next field after it at a line's start (the birth date « 82 08 » and a digit, or the first name's tag, length
and first letter) — so random dumps and dumps of text keep theirs.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from testbench.cards import vitale1 as V1
from testbench.cards.profile import load_profile
from testbench.traces.known import KnownValues
from testbench.traces.redact import Redactor

PROFILE = Path(__file__).resolve().parents[1] / "casebooks" / "cards" / "vitale1-adult.xml"


@pytest.fixture(scope="module")
def record() -> bytes:
    return V1._zones(load_profile(PROFILE))["identity"]


@pytest.fixture(scope="module")
def redactor(record: bytes) -> Redactor:
    known = KnownValues()
    known.add_card_file(record)
    assert {"ROGER", "PROTO"} <= known.names, known.names
    return Redactor(known=known)


def _chars(chunk: bytes) -> str:
    return "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)


def _dump(data: bytes, width: int, hexdump: bool) -> list[str]:
    if hexdump:  # ``hexdump -C``
        return [
            f"{i:08x}  {data[i : i + width][:8].hex(' ')}  {data[i : i + width][8:].hex(' '):<23}  "
            f"|{_chars(data[i : i + width])}|"
            for i in range(0, len(data), width)
        ]
    return [
        f"{i:04X}: {data[i : i + width].hex(' ').upper()}   {_chars(data[i : i + width])}"
        for i in range(0, len(data), width)
    ]


def _name_spans(record: bytes) -> list[tuple[int, int]]:
    """Where the surname and the first name are in the record (« 80 05 PROTO 81 05 ROGER »)."""
    return [(record.index(name), record.index(name) + len(name)) for name in (b"PROTO", b"ROGER")]


@pytest.mark.parametrize("hexdump", [False, True])
@pytest.mark.parametrize("width", [5, 6, 8, 12, 15])  # widths that leave one letter of a name on a line
def test_no_letter_of_a_name_is_left_at_a_line_edge(record: bytes, redactor: Redactor, width: int, hexdump) -> None:
    lines = _dump(record, width, hexdump)
    out, counts = redactor.redact_lines(lines)
    singles = 0
    for n, masked in enumerate(out):
        start, end = n * width, n * width + width
        for a, b in _name_spans(record):
            piece = record[max(a, start) : min(b, end)]
            if not piece:
                continue
            singles += len(piece) == 1
            hexed = piece.hex(" ")
            area = masked.split("|")[0] if hexdump else masked.rsplit("   ", 1)[0]
            column = masked.split("|")[1] if hexdump else masked.rsplit("   ", 1)[1]
            assert hexed not in area.lower().split(": ", 1)[-1].replace("  ", " "), (piece, masked)
            assert not column.startswith(piece.decode()) and not column.endswith(piece.decode()), (piece, masked)
    assert singles, "no line holds a single letter of a name: the width proves nothing"
    assert counts["name"] >= 2


def test_a_letter_alone_is_masked_only_beside_the_cards_bytes(redactor: Redactor) -> None:
    """« 52 » (R, ROGER's first letter) at a line's end, but after no name's tag and length; « 52 » (its last) at a
    line's start, before no card field: bytes of another file, kept."""
    kept = [
        "0000: 41 42 43 44 45 46 47 48 49 4A 4B 4C 4D 4E 05 52",  # a length, no tag
        "0000: 41 42 43 44 45 46 47 48 49 4A 4B 4C 4D 30 06 52",  # another length
        "0010: 52 82 07 41 42 43 44 45 46 47 48 49 4A 4B 4C 4D",  # not a date's field
        "0010: 52 81 05 41 42 43 44 45 46 47 48 49 4A 4B 4C 4D",  # not a known name after
        "0010: 52 20 46 49 43 48 49 45 52 20 45 4E 56 4F 59 45",  # text: « R FICHIER ENVOYE »
    ]
    for line in kept:
        assert redactor.redact(line) == line
    assert "‹nom masqué, 1 octet›" in redactor.redact("0000: 41 42 43 44 45 46 47 48 49 4A 4B 4C 4D 81 05 52")
    assert redactor.redact("0010: 52 82 08 31 39 31 35").startswith("0010: ‹nom masqué, 1 octet› 82 08")


def test_random_dumps_keep_their_letters(redactor: Redactor) -> None:
    rng = random.Random(28)
    for _ in range(20_000):
        line = f"0010: {rng.randbytes(16).hex(' ').upper()}"
        assert "1 octet›" not in redactor.redact(line), line
