"""A fixed-width lot ended by MS-DOS's end-of-file mark (Ctrl-Z, 0x1A) reads as the same lot, and its closing
record is still its last line; a lot starting with a UTF-8 byte order mark is refused saying so, in either
language, rather than as « 129 caractères au lieu de 128 » or an unreadable byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.extract.complete import CLOSED, closing_state, data_state
from testbench.extract.model import ExtractError
from testbench.extract.run import extract_file
from testbench.i18n import translator
from tests.test_extract_fixed import lot, reference_spec


def values(path: Path) -> list[tuple[str, str]]:
    return [(e.path, e.value) for e in extract_file(reference_spec(), path)]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("end", [b"\x1a", b"\x1a\x1a"])
def test_a_lot_ended_by_a_dos_eof_mark_reads_as_the_same_lot(tmp_path: Path, newline: str, end: bytes) -> None:
    result, _ = lot()
    plain = tmp_path / "plain.b2"
    plain.write_bytes(result["b2"].replace("\n", newline).encode("ascii"))
    marked = tmp_path / "marked.b2"
    marked.write_bytes(plain.read_bytes() + end)
    assert values(marked) == values(plain) and values(plain)
    spec = reference_spec()
    layout = {"encoding": "ascii", "type_at": spec.record_type, "record_length": spec.record_length}
    assert closing_state(marked, spec.closing, **layout) == CLOSED
    assert data_state(marked.read_bytes(), spec.closing, **layout) == CLOSED


def test_a_dos_eof_mark_right_after_the_last_record_is_no_character_of_it(tmp_path: Path) -> None:
    result, _ = lot()
    text = result["b2"].rstrip("\n")
    path = tmp_path / "000001.b2"
    path.write_bytes(text.encode("ascii") + b"\x1a")
    assert ("lot.invoice_count", str(result["invoice_count"])) in values(path)


def test_a_lot_starting_with_a_byte_order_mark_is_refused_saying_so(tmp_path: Path) -> None:
    result, _ = lot()
    path = tmp_path / "000001.b2"
    path.write_bytes(b"\xef\xbb\xbf" + result["b2"].encode("ascii"))
    with pytest.raises(ExtractError) as err:
        extract_file(reference_spec(), path)
    message = str(err.value)
    assert message.startswith(f"{path}, enregistrement 1, octet 0 : le fichier commence par une marque d'ordre")
    english = translator("en")(message)
    assert english.endswith("a fixed-width record file (lot B2, NOEMIE) carries none, its columns would be shifted")
    assert "fichier" not in english
