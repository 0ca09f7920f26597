"""A Vitale 1 record's names in another program's dump (audit s28).

The bench masks a Vitale 1 read by structure in its own ``A>> BC B0 …  A<< …`` lines; an application that logs
the card's memory in its own shape (``hexdump -C``, ``xxd``, « 0200: 4F 54 … », packed « RX … ») left the holder's
names readable: a name is followed by the next field's tag (80, 81, 82: letters in Latin-1, which the edge of a
known word rejected), ``hexdump -C``'s middle gap cut its hex run, and a piece the dump's line (or the reader's
piece size) cut was no whole known name. The export now masks them, in hex and in the column of characters, when
the session knows the names (its card files).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from testbench.cards import vitale1 as V1
from testbench.cards.profile import load_profile
from testbench.traces.known import KnownValues
from testbench.traces.redact import Redactor

PROFILE = Path(__file__).resolve().parents[1] / "casebooks" / "cards" / "vitale1-adult.xml"


@pytest.fixture(scope="module")
def record() -> bytes:
    """The identity zone as the virtual Vitale 1 holds it (testbench.cards.vitale1), read from 0200h."""
    zones = V1._zones(load_profile(PROFILE))
    directory = bytes(V1.DIRECTORY_LENGTH)  # the directory's bytes: addresses, no personal data
    return directory + zones["identity"] + b"\x90\x00"


@pytest.fixture(scope="module")
def names(record: bytes) -> list[str]:
    known = KnownValues()
    known.add_card_file(record[V1.DIRECTORY_LENGTH :])
    words = sorted(n for n in known.names if " " not in n)
    assert len(words) >= 2, known.names  # a surname and a first name
    return words


@pytest.fixture(scope="module")
def redactor(record: bytes) -> Redactor:
    known = KnownValues()
    known.add_card_file(record[V1.DIRECTORY_LENGTH :])
    return Redactor(known=known)


def _chars(chunk: bytes) -> str:
    return "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)


def hexdump_c(data: bytes, width: int) -> list[str]:
    return [
        f"{0x200 + i:08x}  {data[i : i + width][:8].hex(' ')}  {data[i : i + width][8:].hex(' '):<23}  "
        f"|{_chars(data[i : i + width])}|"
        for i in range(0, len(data), width)
    ]


def xxd(data: bytes, width: int) -> list[str]:
    out = []
    for i in range(0, len(data), width):
        chunk = data[i : i + width]
        groups = " ".join(chunk[j : j + 2].hex() for j in range(0, len(chunk), 2))
        out.append(f"{0x200 + i:08x}: {groups:<39}  {_chars(chunk)}")
    return out


def spaced_upper(data: bytes, width: int) -> list[str]:
    return [
        f"{0x200 + i:04X}: {data[i : i + width].hex(' ').upper()}   {_chars(data[i : i + width])}"
        for i in range(0, len(data), width)
    ]


def packed(data: bytes, width: int) -> list[str]:
    return [
        f"2026-12-06 10:00:00,123 DEBUG RX[{i:03d}] {data[i : i + width].hex().upper()}"
        for i in range(0, len(data), width)
    ]


DUMPS: list[Callable[[bytes, int], list[str]]] = [hexdump_c, xxd, spaced_upper, packed]


def _pieces(name: str) -> set[str]:
    """A name and its pieces of 2 letters or more that a dump's line break can leave at a line's edge."""
    return {name[:k] for k in range(2, len(name) + 1)} | {name[-k:] for k in range(2, len(name) + 1)}


def _spellings(piece: str) -> set[str]:
    hexed = piece.encode("latin-1").hex()
    spaced = " ".join(hexed[i : i + 2] for i in range(0, len(hexed), 2))
    return {hexed, hexed.upper(), spaced, spaced.upper()}


@pytest.mark.parametrize("width", [8, 12, 13, 14, 16])
@pytest.mark.parametrize("dump", DUMPS)
def test_names_of_a_vitale1_record_are_masked_in_any_dump(record, names, redactor, dump, width) -> None:
    lines = dump(record, width)
    out, counts = redactor.redact_lines(lines)
    text = "\n".join(out)
    for name in names:
        assert not any(s in text for s in _spellings(name)), (name, out)  # the whole name, in hex
        assert name not in text, out  # and as text
    assert counts["name"] >= len(names)
    # a piece a line break cut, in hex on either side of the break (the record's other bytes hold none of them)
    for name in names:
        for piece in _pieces(name):
            assert not any(s in text for s in _spellings(piece)), (piece, out)
    # and at the edges of the column of characters
    for line in out:
        column = line.split("|")[1] if "|" in line else line.split("  ")[-1] if dump is not packed else ""
        for name in names:
            assert not any(column.startswith(name[-k:]) for k in range(2, len(name) + 1)), line
            assert not any(column.endswith(name[:k]) for k in range(2, len(name) + 1)), line


def test_a_name_after_its_length_byte_is_masked_whatever_follows(redactor, names) -> None:
    """The next field's tag after a name (82, a « ‚ » in cp1252) no longer hides it; a name glued to letters
    (« xPROTOx » in a text dumped in hex) is still another word."""
    name = names[0].encode()
    line = "RX: " + (bytes([0x80, len(name)]) + name + b"\x82\x08").hex(" ").upper()
    out = redactor.redact(line)
    assert name.hex(" ").upper() not in out, out
    other = "RX: " + (b"xx" + name + b"xx").hex(" ").upper()
    assert redactor.redact(other) == other


def test_ordinary_dumps_are_kept(redactor) -> None:
    """A dump that holds no known name is unchanged: no piece of two letters at a line's start is taken for a name
    unless it ends one of the session's names."""
    data = b"FACTURE 2026-0042 MONTANT 12,50 EUR LOT 17 " * 2
    for dump in DUMPS:
        lines = dump(data, 16)
        assert redactor.redact_lines(lines)[0] == lines
