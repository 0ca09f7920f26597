"""A log line over 1 MiB is stored in pieces of at most 1 MiB whether the bench read it in one go (the application
wrote it whole between two polls) or over several reads (it was still being written): the same line is never
stored whole one time and cut the next (docs/traces.md: « A line longer than 1 MiB is cut »)."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.traces.clock import RawLine
from testbench.traces.tail import MAX_LINE_BYTES, FileTailer

LONG = "Facture F1 : " + "<ligne code=\"3F0\" montant=\"12,34\"/> " * 100_000  # 3.6 MB, where a cut may fall


def stored(path: Path, writes: list[str], encoding: str) -> list[str]:
    """The lines a tailer delivers when ``writes`` reach the file one poll apart."""
    got: list[RawLine] = []
    path.write_bytes(b"")
    tailer = FileTailer([path], got.extend, encoding=encoding)
    tailer.poll_now()  # the (empty) file is known: what comes is read from its start
    for text in writes:
        with path.open("ab") as handle:
            handle.write(text.encode(encoding))
        tailer.poll_now()
    tailer.close()
    return [line.text for line in got]


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16-le"])
def test_a_long_line_read_in_one_go_is_cut_as_one_read_in_two(tmp_path: Path, encoding: str) -> None:
    text = f"avant\r\n{LONG}\r\naprès\r\n"
    whole = stored(tmp_path / "one.log", [text], encoding)
    half = len(text) // 2
    in_two = stored(tmp_path / "two.log", [text[:half], text[half:]], encoding)
    assert whole == in_two
    assert whole[0] == "avant" and whole[-1] == "après"
    pieces = whole[1:-1]
    assert len(pieces) >= len(LONG.encode(encoding)) / MAX_LINE_BYTES
    assert all(len(piece.encode(encoding)) <= MAX_LINE_BYTES for piece in pieces)
    assert "".join(pieces) == LONG  # nothing lost, nothing added
    assert all(piece.endswith("/> ") or piece is pieces[-1] for piece in pieces)  # cut after a tag, not in a value


def test_short_lines_around_long_ones_keep_their_order(tmp_path: Path) -> None:
    lines = ["un", LONG, "deux", "", LONG, "trois"]
    got = stored(tmp_path / "app.log", ["\n".join(lines) + "\n"], "utf-8")
    assert got[0] == "un" and got[-1] == "trois"
    assert "".join(got[1:-1]) == LONG + "deux" + LONG
    assert got.count("deux") == 1 and got.count("") == 1
    assert all(len(line.encode()) <= MAX_LINE_BYTES for line in got)
