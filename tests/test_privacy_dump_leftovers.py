"""PINs in dumps the last review left readable (privacy leftovers after s28).

- a code a dump cut over three lines or more (4 or 8 bytes a line: the header on one line, the digits on the next
  two), whatever poll of the capture each line is read in;
- a dump whose every line starts with a log's timestamp before its offset (« 2026-12-07 10:00:01.123 0000: … »,
  « [10:00:01] 0010  … »): its column of characters, and a code cut by its line break;
- an ``xxd`` group that glues a command's class byte to the byte before it (« 9900 2000 8108 … »).

The test code is 12345678 or 1234 (ASCII 31 32 33 34…), padded with FF when it is shorter than 8 digits.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from testbench.traces.capture import TraceCapture
from testbench.traces.model import TraceLine
from testbench.traces.pin_words import may_hold_pin
from testbench.traces.redact import Redactor, recent_lines, redact_pins, redact_pins_lines

CODE8 = "12345678"
CODE4 = "1234"


def _chars(chunk: bytes) -> str:
    return "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)


def offset_colon(data: bytes, width: int) -> list[str]:
    """An application's own dump: « 0008: 00 81 08 31 … », capitals."""
    return [f"{i:04X}: {data[i : i + width].hex(' ').upper()}" for i in range(0, len(data), width)]


def hexdump_c(data: bytes, width: int) -> list[str]:
    out = []
    for i in range(0, len(data), width):
        chunk = data[i : i + width]
        half = width // 2
        out.append(f"{i:08x}  {chunk[:half].hex(' ')}  {chunk[half:].hex(' '):<{3 * half - 1}}  |{_chars(chunk)}|")
    return out


def xxd(data: bytes, width: int) -> list[str]:
    out = []
    for i in range(0, len(data), width):
        chunk = data[i : i + width]
        groups = " ".join(chunk[j : j + 2].hex() for j in range(0, len(chunk), 2))
        out.append(f"{i:08x}: {groups:<{width * 5 // 2}}  {_chars(chunk)}")
    return out


def stamped(dump: Callable[[bytes, int], list[str]], stamp: str) -> Callable[[bytes, int], list[str]]:
    """``dump``'s lines each after a log's timestamp (the application dumps through its logger)."""

    def lines(data: bytes, width: int) -> list[str]:
        return [f"{stamp.format(n=n)} {line}" for n, line in enumerate(dump(data, width))]

    return lines


STAMPS = ["2026-12-07 10:00:01.{n:03d}", "[10:00:{n:02d}]", "10:00:01,987 DEBUG", "2026-12-07T10:00:01Z [INFO]"]


def _frame(before: int, code: str, *, ins: int = 0x20) -> bytes:
    """``before`` bytes of a frame, then a command of ``code`` (ASCII digits padded with FF to 8 bytes), then 9000."""
    block = code.encode() + b"\xff" * (8 - len(code))
    return bytes(range(0x41, 0x41 + before)) + bytes([0x00, ins, 0x00, 0x81, 0x08]) + block + b"\x90\x00"


def _leaks(lines: Sequence[str], code: str) -> list[str]:
    """Every spelling of ``code``, or of a piece of it of 2 digits or more, left in ``lines``: hex either case,
    spaced or packed, and as text (a dump's column of characters)."""
    text = "\n".join(lines)
    found = []
    for n in range(2, len(code) + 1):
        for i in range(len(code) - n + 1):
            piece = code[i : i + n]
            hexed = piece.encode().hex()
            spellings = {hexed, " ".join(hexed[k : k + 2] for k in range(0, len(hexed), 2))}
            spellings |= {s.upper() for s in spellings}
            found += [s for s in spellings if s in text]
            if n >= 3 and piece in text:
                found.append(piece)
    return found


# ------------------------------------------------------------------------------ three lines or more


@pytest.mark.parametrize("code", [CODE8, CODE4])
@pytest.mark.parametrize("width", [4, 6, 8])
@pytest.mark.parametrize("before", range(0, 9))
@pytest.mark.parametrize("dump", [offset_colon, hexdump_c, xxd])
def test_a_code_cut_over_three_lines_or_more_is_masked(dump, before: int, width: int, code: str) -> None:
    lines = dump(_frame(before, code), width)
    out = redact_pins_lines(lines)
    assert not _leaks(out, code), (lines, out)
    assert any("‹PIN›" in line for line in out), out
    export, counts = Redactor().redact_lines(lines)  # the report's rule for a trace's lines: the same
    assert not _leaks(export, code), export
    assert counts["pin"] >= 1


@pytest.mark.parametrize("ins", [0x20, 0x24, 0x2C])
def test_a_change_of_code_over_four_lines_is_masked(ins: int) -> None:
    """CHANGE REFERENCE DATA (old and new codes: 16 bytes of data) dumped 8 bytes a line spans four lines."""
    data = bytes([0x41, 0x42, 0x43, 0x00, ins, 0x00, 0x81, 0x10]) + b"1234\xff\xff\xff\xff5678\xff\xff\xff\xff\x90\x00"
    lines = offset_colon(data, 8)
    assert len(lines) == 4
    out = redact_pins_lines(lines)
    assert not _leaks(out, "1234") and not _leaks(out, "5678"), out
    assert out[0] == lines[0]  # the header and the bytes before it stay


def test_each_poll_of_the_capture_masks_its_lines() -> None:
    """The capture reads a dump's lines in whatever polls the application's writes fall: each line stored at once, its
    code's bytes masked with what the lines before it (kept from the earlier polls) tell."""
    lines = offset_colon(_frame(6, CODE8), 4)
    for cut in range(1, len(lines)):  # every split into two polls, and one line a poll
        first = redact_pins_lines(lines[:cut])
        second = redact_pins_lines(lines[cut:], recent_lines(None, lines[:cut]))
        assert not _leaks(first + second, CODE8), (cut, first, second)
    previous, stored = None, []
    for line in lines:
        stored += redact_pins_lines([line], previous) if previous else [redact_pins(line)]
        previous = recent_lines(previous, [line])
    assert not _leaks(stored, CODE8), stored


def test_recent_lines_keeps_the_last_six() -> None:
    kept = recent_lines(recent_lines(None, ["a", "b", "c", "d"]), ["e", "f", "g"])
    assert kept.split("\n") == ["b", "c", "d", "e", "f", "g"]


def test_ordinary_dumps_over_many_lines_are_kept() -> None:
    """Bytes that are no code's stay: a command whose data are no digits, a card's answer, random frames."""
    kept = [
        offset_colon(bytes([0x41, 0x42, 0x43, 0x44, 0x00, 0x20, 0x00, 0x81, 0x08]) + b"ABCDEFGH\x90\x00", 4),
        ["<< 41 42 00 20", "00 81 08 31", "32 33 34 35", "36 37 38 90"],  # a card's answer: never a command
        ["0000: 00 20 00 81", "08 31 32 33 suite du texte", "0008: 34 35 36 37"],  # the bytes do not run on
    ]
    rng = random.Random(28)
    kept += [offset_colon(bytes(rng.randbytes(40)), 8) for _ in range(2_000)]
    for lines in kept:
        assert redact_pins_lines(lines) == lines, lines


# ------------------------------------------------------------------------------ a timestamp before the offset


@pytest.mark.parametrize("stamp", STAMPS)
@pytest.mark.parametrize("dump", [hexdump_c, xxd, offset_colon])
@pytest.mark.parametrize("before", [0, 3, 9, 11, 13, 15])
def test_a_stamped_dump_is_read_as_a_dump(dump, stamp: str, before: int) -> None:
    """On one line its column of characters, across the break its next line: the code masked on every one."""
    lines = stamped(dump, stamp)(_frame(before, CODE4), 16)
    out = redact_pins_lines(lines)
    assert not _leaks(out, CODE4), (lines, out)
    assert out[0].startswith(stamp.format(n=0))  # the timestamp stays
    export, _ = Redactor().redact_lines(lines)
    assert not _leaks(export, CODE4), export


def test_the_examples_of_the_review() -> None:
    line = "2026-12-07 10:00:01.123 0000: 00 20 00 80 08 31 32 33 34 FF FF FF FF"
    assert redact_pins(line) == "2026-12-07 10:00:01.123 0000: 00 20 00 80 08 ‹PIN›"
    line = "[10:00:01] 0010  00 20 00 80 08 31 32 33  34 ff ff ff ff 90 00     |. ..1234......|"
    assert redact_pins(line) == "[10:00:01] 0010  00 20 00 80 08 ‹PIN› 90 00     |. ..‹PIN›......|"


def test_a_stamped_log_line_is_no_dump() -> None:
    """A timestamp then words or a number: no continuation, no column of characters."""
    kept = [
        ["2026-12-06 10:00:00,123 INFO facture 3137 montant 12,50", "2026-12-06 10:00:01,123 INFO FF FF 31"],
        ["[10:00:00] lecture 00 20 00 81 08 31 32", "[10:00:01] fin de lecture 3334 FFFF"],
    ]
    for lines in kept:
        assert redact_pins_lines(lines)[1] == lines[1]


# ------------------------------------------------------------------------------ xxd's groups


@pytest.mark.parametrize("code", [CODE8, CODE4])
@pytest.mark.parametrize("before", [1, 3, 5, 9, 13])
@pytest.mark.parametrize("stamp", ["", "2026-12-07 10:00:01.987 "])
def test_a_class_byte_glued_in_an_xxd_group_is_read(code: str, before: int, stamp: str) -> None:
    """An odd number of bytes before the command: xxd writes its class byte in the group of the byte before it."""
    lines = [stamp + line for line in xxd(_frame(before, code), 16)]
    assert any(f"{before + 0x40:02x}00 20" in line for line in lines) or before == 15, lines
    out = redact_pins_lines(lines)
    assert not _leaks(out, code), (lines, out)
    assert all(may_hold_pin(line) for line in lines if "2000 8108" in line)  # the store gate hands it on


def test_the_glued_example_of_the_review() -> None:
    line = "00000000: 9900 2000 8108 3132 3334 3536 3738 9000  .. ...12345678.."
    out = redact_pins(line)
    assert "‹PIN›" in out and not _leaks([out], CODE8), out
    assert out.startswith("00000000: 9900 2000 8108 ")


def test_a_glued_header_needs_a_code_for_data() -> None:
    """Inside a group, the « command » is inside a run: masked only when its data are a code (hashes, random bytes
    that read « xx00 2003 05… » stay)."""
    for line in ("00000000: 9900 2000 8105 4142 4344 4590 00", "hash ab002003051a2b3c4d5e6f", "ab0020000212"):
        assert redact_pins(line) == line
    rng = random.Random(7)
    for _ in range(5_000):
        token = rng.randbytes(1).hex() + "0020" + rng.randbytes(14).hex()  # a command only once glued
        assert "‹PIN›" not in redact_pins(f"data {token}") or _is_code_shaped(token), token


def _is_code_shaped(token: str) -> bool:
    data = bytes.fromhex(token)[1:]
    lc = data[4]
    block = data[5 : 5 + lc].replace(b"\xff", b"")
    return len(block) >= 4 and block.isdigit()


# ------------------------------------------------------------------------------ through a real capture


class _Sink:
    def __init__(self) -> None:
        self.lines: list[TraceLine] = []
        self._lock = threading.Lock()

    def __call__(self, batch: Sequence[TraceLine]) -> None:
        with self._lock:
            self.lines.extend(batch)


def test_the_capture_follows_a_dump_over_four_lines_and_four_polls(tmp_path: Path) -> None:
    """A real log followed by the capture, the dump's lines written one at a time (a poll each): the stored lines
    hold no digit of the code."""
    log = tmp_path / "app.log"
    log.write_text("")
    lines = stamped(offset_colon, "2026-12-07 10:00:01.{n:03d}")(_frame(2, CODE8), 4)
    sink = _Sink()
    with TraceCapture(sink, poll_interval=0.02, flush_interval=0.02) as capture:
        capture.add_files(log, fmt="plain")
        time.sleep(0.1)
        for n, line in enumerate(lines, 1):
            with log.open("a") as handle:
                handle.write(line + "\n")
            deadline = time.monotonic() + 5
            while len(sink.lines) < n and time.monotonic() < deadline:
                time.sleep(0.02)
            assert len(sink.lines) == n  # each line read in a poll of its own
    stored = [line.text for line in sink.lines]
    assert not _leaks(stored, CODE8), stored
    assert sum("‹PIN›" in text for text in stored) >= 2
