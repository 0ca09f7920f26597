"""A PIN cut in two by a dump's line break (audit s28).

An application that dumps its buffers 16 bytes a line writes a VERIFY's header and the first digits of the code on
one line and the rest on the next; each line alone shows a piece the one-line rules missed (« 0010: 33 34 FF FF »
kept the code's last digits readable). The capture stores PIN-free lines, the export too, whatever poll the two
lines are read in.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from testbench.traces.capture import TraceCapture
from testbench.traces.model import TraceLine
from testbench.traces.redact import Redactor, redact_pins, redact_pins_lines

CODE = "4719"
CODE8 = "47193852"


def _hexdump_c(data: bytes, width: int = 16) -> list[str]:
    """``hexdump -C``: offset, 8 bytes, two spaces, 8 bytes, the column of characters."""
    out = []
    for i in range(0, len(data), width):
        chunk = data[i : i + width]
        chars = "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)
        out.append(f"{i:08x}  {chunk[:8].hex(' ')}  {chunk[8:].hex(' '):<23}  |{chars}|")
    return out


def _xxd(data: bytes, width: int = 16) -> list[str]:
    """``xxd``: offset, bytes grouped two by two, the column of characters after two spaces."""
    out = []
    for i in range(0, len(data), width):
        chunk = data[i : i + width]
        groups = " ".join(chunk[j : j + 2].hex() for j in range(0, len(chunk), 2))
        chars = "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)
        out.append(f"{i:08x}: {groups:<39}  {chars}")
    return out


def _offset_colon(data: bytes, width: int = 16) -> list[str]:
    """An application's own dump: « 0010: 33 34 FF FF … », capitals."""
    return [f"{i:04X}: {data[i : i + width].hex(' ').upper()}" for i in range(0, len(data), width)]


def _frame(before: int, code: str, *, p2: int = 0x81) -> bytes:
    """``before`` bytes of a frame, then a VERIFY of ``code`` (ASCII digits padded with FF to 8 bytes), then 9000."""
    block = code.encode() + b"\xff" * (8 - len(code))
    return bytes(range(0x41, 0x41 + before)) + bytes([0x00, 0x20, 0x00, p2, 0x08]) + block + b"\x90\x00"


def _leaks(lines: Sequence[str], code: str) -> list[str]:
    """Every spelling of ``code`` (or of a piece of it of 2 digits or more cut by a line break) left in ``lines``."""
    text = "\n".join(lines)
    found = []
    for n in range(2, len(code) + 1):
        for i in range(len(code) - n + 1):
            piece = code[i : i + n]
            hexed = piece.encode().hex()
            spellings = {hexed, hexed.upper(), " ".join(hexed[k : k + 2] for k in range(0, len(hexed), 2))}
            spellings |= {s.upper() for s in spellings}
            found += [s for s in spellings if s in text]
    return found


#: where the break falls: after the header (0 digits on the first line), inside the code, inside the padding
@pytest.mark.parametrize("before", [6, 9, 10, 11, 13])
@pytest.mark.parametrize("dump", [_hexdump_c, _xxd, _offset_colon])
def test_a_code_cut_by_the_line_break_is_masked_on_both_lines(before: int, dump) -> None:
    lines = dump(_frame(before, CODE))
    assert len(lines) == 2
    out = redact_pins_lines(lines)
    assert not _leaks(out, CODE), (lines, out)
    assert any("‹PIN›" in line for line in out)
    # the column of characters of ``hexdump -C`` and ``xxd`` shows the digits as text
    if dump is not _offset_colon:
        tail = "".join(line.split("|")[1] if "|" in line else line.split("  ")[-1] for line in out)
        assert not any(CODE[i : i + 2] in tail for i in range(3)), out


def test_an_eight_digit_code_with_its_header_cut_is_masked() -> None:
    """« … 00 20 00 » then « 81 08 31 32 … 38 »: no FF padding, so no data block rule; the header says it."""
    data = bytes(range(0x41, 0x41 + 13)) + bytes([0x00, 0x20, 0x00, 0x81, 0x08]) + CODE8.encode() + b"\x90\x00"
    lines = _offset_colon(data)
    out = redact_pins_lines(lines)
    assert not _leaks(out, CODE8), out


def test_a_data_block_alone_cut_by_the_break_is_masked() -> None:
    """A code's data block alone (« PIN block » dumped without its command): 4 digits and FF, two on each line."""
    lines = ["0000: 41 42 43 44 45 46 47 48 49 4A 4B 4C 4D 4E 34 37", "0010: 31 39 FF FF FF FF 90 00"]
    out = redact_pins_lines(lines)
    assert not _leaks(out, CODE), out


def test_a_log_line_with_a_command_then_its_continuation() -> None:
    """The bench's own APDU line shape in an application's log, its code wrapped to an indented next line."""
    lines = ["2026-12-06 10:00:00,123 DEBUG A>> 00 20 00 81 08 34 37", "    31 39 FF FF FF FF FF FF"]
    out = redact_pins_lines(lines)
    assert not _leaks(out, CODE), out


def test_the_export_masks_it_too() -> None:
    """The report redacts a trace's lines again: the same rule there (``Redactor.redact_lines``), and in a
    multi-line text (a syslog message, a note)."""
    lines = _hexdump_c(_frame(10, CODE))
    out, counts = Redactor().redact_lines(lines)
    assert not _leaks(out, CODE), out
    assert counts["pin"] >= 1
    assert not _leaks([redact_pins("\n".join(_offset_colon(_frame(10, CODE))))], CODE)


def test_ordinary_lines_and_answers_are_kept() -> None:
    """Numbers that are no code stay: a card's answer that reads like a command, an amount then a line of FF, a
    dump whose bytes are no code's, timestamps."""
    kept = [
        ["<< 00 20 00 81 08 34 37", "31 39 FF FF FF FF FF FF"],  # a card's answer: never a command
        ["2026-12-06 10:00:00,123 INFO facture 3137 montant 12,50", "2026-12-06 10:00:01,123 INFO FF"],
        ["0000: 41 42 43 44 45 46 47 48 49 4A 4B 4C 4D 00 20 00", "0010: 81 08 41 42 43 44 45 46 47 48 90 00"],
        ["0000: 41 42 43 44 45 46 47 48 49 4A 4B 4C 4D 4E 31 32", "0010: 33 34 35 36 37 38 39 40 41 42"],
    ]
    for lines in kept:
        assert redact_pins_lines(lines) == lines
    # a command cut by its line's end: its digits so far were masked before (one line's rule), the next line is no
    # continuation of it and stays
    assert redact_pins_lines(["10:00:00 lecture 00 20 00 81 08 34 37", "10:00:01 fin 3139"])[1] == "10:00:01 fin 3139"


class _Sink:
    def __init__(self) -> None:
        self.lines: list[TraceLine] = []
        self._lock = threading.Lock()

    def __call__(self, batch: Sequence[TraceLine]) -> None:
        with self._lock:
            self.lines.extend(batch)


def test_the_capture_follows_the_dump_across_two_polls(tmp_path: Path) -> None:
    """A real log followed by the capture: the dump's first line read in one poll, its second in the next (the
    application flushed between them); the stored lines hold no digit of the code."""
    log = tmp_path / "app.log"
    log.write_text("")
    lines = _offset_colon(_frame(9, CODE))
    sink = _Sink()
    with TraceCapture(sink, poll_interval=0.02, flush_interval=0.02) as capture:
        capture.add_files(log, fmt="plain")
        time.sleep(0.1)
        with log.open("a") as handle:
            handle.write("2026-12-06 10:00:00,123 DEBUG VERIFY envoyé :\n" + lines[0] + "\n")
        deadline = time.monotonic() + 5
        while len(sink.lines) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(sink.lines) == 2  # the first poll ended after the dump's first line
        with log.open("a") as handle:
            handle.write(lines[1] + "\n")
    stored = [line.text for line in sink.lines]
    assert len(stored) == 3
    assert not _leaks(stored, CODE), stored
    assert "‹PIN›" in stored[2]


@pytest.mark.parametrize("dump", [_hexdump_c, _xxd, _offset_colon])
@pytest.mark.parametrize("code", [CODE8, CODE])
def test_a_command_cut_between_its_class_byte_and_its_ins_is_masked(dump, code: str) -> None:
    """« … 00 » then « 20 00 81 08 34 37 … »: the class byte ends the first line, the INS starts the next; with or
    without FF padding (verification round, s28)."""
    block = code.encode() + b"\xff" * (8 - len(code))
    data = bytes(range(0x41, 0x41 + 15)) + bytes([0x00, 0x20, 0x00, 0x81, 0x08]) + block + b"\x90\x00"
    lines = dump(data)
    out = redact_pins_lines(lines)
    assert not _leaks(out, code), (lines, out)
