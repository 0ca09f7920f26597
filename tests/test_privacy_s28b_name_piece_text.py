"""A dump of text is no Vitale 1 record (audit s28b).

The s28 rule masks the last piece of a known name (2 bytes or more) at the start of a dump line's bytes, where the
line break cut a card's name field (« 05 52 4F 47 » then « 45 52 82 … »). It took any such piece followed by no
letter or digit: a ``hexdump -C`` of an FSE log whose line starts inside « PREMIER » (« 45 52 20 46 … », « ER F »)
lost « ER » in its hex and its column of characters for the holder ROGER — evidence hidden, no name there. A card
field's piece is followed by the next field's tag or length, never a printable character.
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
TEXT = b"FSE LOT 001 PREMIER FICHIER ENVOYE A LA CAISSE; FACTURATION TERMINEE OK"


@pytest.fixture(scope="module")
def known() -> KnownValues:
    """The holder of the virtual Vitale 1 (PROTO ROGER), as its card file tells the session."""
    known = KnownValues()
    known.add_card_file(V1._zones(load_profile(PROFILE))["identity"])
    assert "ROGER" in known.names, known.names
    return known


def _chars(chunk: bytes) -> str:
    return "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)


def hexdump_c(data: bytes) -> list[str]:
    return [
        f"{i:08x}  {data[i : i + 16][:8].hex(' ')}  {data[i : i + 16][8:].hex(' '):<23}  |{_chars(data[i : i + 16])}|"
        for i in range(0, len(data), 16)
    ]


def xxd(data: bytes) -> list[str]:
    out = []
    for i in range(0, len(data), 16):
        chunk = data[i : i + 16]
        groups = " ".join(chunk[j : j + 2].hex() for j in range(0, len(chunk), 2))
        out.append(f"{i:08x}: {groups:<39}  {_chars(chunk)}")
    return out


def offset_colon(data: bytes) -> list[str]:
    return [f"{i:04X}: {data[i : i + 16].hex(' ').upper()}" for i in range(0, len(data), 16)]


@pytest.mark.parametrize("dump", [hexdump_c, xxd, offset_colon])
@pytest.mark.parametrize("shift", [7, 15])  # a line starts at « ER ENVOYE », at « ER FICHIER »
def test_text_dump_line_starting_inside_a_word_is_kept(
    known: KnownValues, dump: Callable[[bytes], list[str]], shift: int
) -> None:
    lines = dump(b"x" * shift + TEXT)
    assert any(line[line.index(" ") :].lstrip(" :").startswith(("45 52", "4552")) for line in lines)
    out, counts = Redactor(known=known).redact_lines(lines)
    assert out == lines
    assert not counts


def test_name_piece_before_a_tag_is_still_masked(known: KnownValues) -> None:
    """The piece the rule is for: « OGER » then the birth date's tag 82 at the start of a line."""
    line = "00000010  4f 47 45 52 82 08 31 39  31 35 30 33 30 32 ff ff  |OGER..19150302..|"
    out = Redactor(known=known).redact(line)
    assert "4f 47 45 52" not in out and "OGER" not in out, out
