"""A known value a dump's line break cut in two (audit s29).

An application that logs a card's answer 16 bytes a line cuts a NIR, a birth date or a name anywhere: part of its
bytes (ASCII, BCD, UTF-16) end one line, the rest start the next, and each line alone holds a piece no one-line rule
takes for the value. The export reads the bytes that end a line with those that start the next line of the same
source and masks the value on both lines, in hex and in the dump's column of characters; the capture stores the
lines as written (only PINs never reach the session: a known value is the session's, known at export). Ordinary
dumps (random bytes, text, a two-letter name's letters, a one-word name in lower case) keep every byte.
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.report.personal import Scrubber
from testbench.store.read import read_session
from testbench.store.session import SessionStore
from testbench.traces.capture import TraceCapture
from testbench.traces.known import KnownValues
from testbench.traces.model import TraceLine
from testbench.traces.redact import Redactor

NIR = "180019999900168"
BIRTH = "19800115"
FILLER = bytes(range(1, 17))  # no byte of any value below, no letter nor digit, nothing printable in a column


def _chars(chunk: bytes) -> str:
    return "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)


def _hexdump_c(data: bytes, width: int = 16) -> list[str]:
    return [
        f"{i:08x}  {data[i : i + 8].hex(' ')}  {data[i + 8 : i + width].hex(' '):<23}  |{_chars(data[i : i + width])}|"
        for i in range(0, len(data), width)
    ]


def _xxd(data: bytes, width: int = 16) -> list[str]:
    out = []
    for i in range(0, len(data), width):
        chunk = data[i : i + width]
        groups = " ".join(chunk[j : j + 2].hex() for j in range(0, len(chunk), 2))
        out.append(f"{i:08x}: {groups:<39}  {_chars(chunk)}")
    return out


def _offset_colon(data: bytes, width: int = 16) -> list[str]:
    return [f"{i:04X}: {data[i : i + width].hex(' ').upper()}" for i in range(0, len(data), width)]


DUMPS: list[Callable[[bytes], list[str]]] = [_hexdump_c, _xxd, _offset_colon]

#: each value as the bytes a card or a program holds it in
VALUES = {
    "nir-ascii": ("nir", NIR.encode()),
    "nir-bcd": ("nir", bytes.fromhex(NIR + "F")),
    "birth-ascii": ("birth_date", BIRTH.encode()),
    "name-ascii": ("name", b"ESSAI"),
    "name-utf16": ("name", "Paul Essai".encode("utf-16-le")),
}


def _known() -> KnownValues:
    known = KnownValues()
    known.add("nir", NIR)
    known.add("birth_date", BIRTH)
    known.add_card_fields({"name": "ESSAI", "first_name": "PAUL"})
    known.add("name", "LI")  # two letters: too short to be told from two bytes across a break
    return known


def _left_bytes(lines: Sequence[str]) -> list[int]:
    """The bytes the lines still show (markers, offsets and columns of characters left out)."""
    out = []
    for line in lines:
        if line.endswith("|"):  # hexdump -C
            body = line.split("|")[0]
        elif re.match(r"[0-9a-f]{8}: ", line):  # xxd: its column after two spaces
            body = line.rsplit("  ", 1)[0]
        else:
            body = line
        body = re.sub(r"^[0-9A-Fa-f]{4,8}:? ", "", re.sub(r"‹[^›]*›", " ", body))
        out += [int(p, 16) for p in re.findall(r"[0-9A-Fa-f]{2}", body)]
    return out


def _columns(lines: Sequence[str]) -> str:
    """The columns of characters of ``hexdump -C`` lines, markers left out."""
    return "".join(re.sub(r"‹[^›]*›", "", line.rsplit("|", 2)[1]) for line in lines if line.endswith("|"))


@pytest.mark.parametrize("dump", DUMPS)
@pytest.mark.parametrize("value", sorted(VALUES))
def test_a_value_cut_anywhere_is_masked_on_both_lines(dump: Callable[[bytes], list[str]], value: str) -> None:
    kind, raw = VALUES[value]
    redactor = Redactor(known=_known())
    for cut in range(max(1, len(raw) - 16), min(len(raw), 17)):  # every place the break may fall, over two lines
        data = FILLER[: 16 - cut] + raw + FILLER[: 16 - (len(raw) - cut) % 16]
        lines = dump(data)
        assert len(lines) >= 2
        counts: Counter[str] = Counter()
        texts = list(lines)
        redactor.sub_cut_values(texts, ["app"] * len(texts), counts)
        assert counts == Counter({kind: 1}), (cut, lines, texts)
        assert "‹" in texts[0] and "‹" in texts[1], (cut, texts)
        assert texts[2:] == lines[2:]
        out, _ = redactor.redact_lines(lines)
        assert not set(_left_bytes(out)) & set(raw), (cut, out)
        assert not re.search(r"[A-Za-z0-9]", _columns(out)), (cut, out)


def test_the_marker_says_each_lines_piece() -> None:
    """« … 31 38 30 30 31 39 39 » then « 39 39 30 30 31 36 38 … »: each line's marker counts the bytes it hides, its
    column shows the value's marker."""
    data = b"READ BINARY ok: " + FILLER[:9] + NIR.encode() + b"\x90\x00"
    out, counts = Redactor(known=_known()).redact_lines(_hexdump_c(data))
    assert out[1] == "00000010  01 02 03 04 05 06 07 08  09 ‹NIR masqué, 7 octets›  |.........‹NIR›|"
    assert out[2] == "00000020  ‹NIR masqué, 8 octets›  90 00                    |‹NIR›..|"
    assert counts["nir"] == 1


def test_lines_of_another_source_between_are_skipped() -> None:
    """Captures interleave: a line of the engine between the dump's two lines does not hide the cut."""
    lines = _offset_colon(FILLER[:11] + bytes.fromhex(NIR + "F") + b"\x90\x00")
    rows = [("app", lines[0]), ("engine", "20261207 10:00:00.000 INFO lecture"), ("app", lines[1])]
    scrub = Scrubber(True, _known())
    out = scrub.trace_lines(rows)
    assert out[0] == "0000: 01 02 03 04 05 06 07 08 09 0A 0B ‹NIR masqué, 5 octets›"
    assert out[2] == "0010: ‹NIR masqué, 3 octets› 90 00"
    assert out[1] == rows[1][1]
    assert scrub.counts["nir"] == 1
    # the bench's own lines are whole: two of its lines are never read as one dump
    assert Scrubber(True, _known()).trace_lines([("apdu", lines[0]), ("apdu", lines[1])])[1] == lines[1]


def test_a_message_of_several_lines_and_an_english_export() -> None:
    """A syslog message that holds the whole dump (its lines joined by « \\n ») is read alike; an English export says
    its markers in English."""
    lines = _offset_colon(FILLER[:9] + NIR.encode())
    out = Redactor(known=_known(), lang="en").redact("\n".join(lines))
    assert out == (
        "0000: 01 02 03 04 05 06 07 08 09 ‹NIR redacted, 7 bytes›\n0010: ‹NIR redacted, 8 bytes›"
    )


def test_the_opt_out_keeps_both_lines() -> None:
    lines = _hexdump_c(FILLER[:13] + NIR.encode())
    assert Scrubber(False, _known()).trace_lines([("app", line) for line in lines]) == lines


def test_a_value_over_three_lines_is_found() -> None:
    """A dump of fewer bytes a line than the value holds cuts it over three lines or more (audit s30 lifted the limit
    of two: tests/test_s30_redact_leftovers.py)."""
    lines = _offset_colon(FILLER[:2] + NIR.encode() + FILLER[:3], width=4)
    texts = list(lines)
    counts: Counter[str] = Counter()
    Redactor(known=_known()).sub_cut_values(texts, ["app"] * len(texts), counts)
    assert counts["nir"] == 1


#: lines that hold no known value across their break, and stay as written
ORDINARY = [
    # a two-letter known name's letters each side of a break: any two bytes may read so
    _offset_colon(FILLER[:15] + b"LI" + FILLER[:5]),
    # a one-word name in lower case is the language's word (« 1 essai restant »), in a dump too
    _hexdump_c(b"Code porteur : 1 essai restant, carte valide"),
    # part of a known value only: 1980 then a day of another date
    _xxd(FILLER[:14] + b"19800116" + FILLER[:4]),
    # the NIR's first 12 digits, then others: no known value
    _offset_colon(FILLER[:10] + b"180019999900" + b"777"),
]


@pytest.mark.parametrize("lines", ORDINARY)
def test_ordinary_dumps_keep_every_byte(lines: list[str]) -> None:
    texts = list(lines)
    counts: Counter[str] = Counter()
    Redactor(known=_known()).sub_cut_values(texts, ["app"] * len(texts), counts)
    assert texts == lines and not counts


def test_random_dumps_are_never_masked_across_their_breaks() -> None:
    """3,000 dumps of random bytes and random capitals (where a name could hide by chance), 16 bytes a line, in each
    shape: no break is taken for a value's."""
    rnd = random.Random(29)
    redactor = Redactor(known=_known())
    counts: Counter[str] = Counter()
    breaks = 0
    for n in range(3000):
        size = rnd.randint(17, 96)
        if n % 2:
            data = bytes(rnd.randrange(256) for _ in range(size))
        else:  # text in capitals and digits: the alphabet of names, dates and numbers
            data = bytes(rnd.choice(b"AEILMPRSU0123456789 ") for _ in range(size))
        lines = DUMPS[n % 3](data)
        texts = list(lines)
        redactor.sub_cut_values(texts, ["app"] * len(texts), counts)
        assert texts == lines, lines
        breaks += len(lines) - 1
    assert not counts and breaks > 6000


# ----------------------------------------------------------------------------------------------- the real path

#: the dumps the application logs, each line after its own timestamp (« [10:00:0N] »), so that the export's lines are
#: found again: an identity record with the NIR in ASCII (``hexdump -C``), the NIR in BCD (« 0000: … »), the birth
#: date in ASCII (``xxd``), the holder's whole name in UTF-16
_APP_DUMPS: dict[str, list[str]] = {
    "1": _hexdump_c(b"READ BINARY ok: " + FILLER[:9] + NIR.encode() + b"\x90\x00"),
    "2": _offset_colon(FILLER[:11] + bytes.fromhex(NIR + "F") + b"\x90\x00"),
    "3": _xxd(FILLER[:13] + BIRTH.encode() + b"\x90\x00"),
    "4": _hexdump_c(FILLER[:12] + "PAUL ESSAI".encode("utf-16-le")),
}


def _stamped() -> list[str]:
    return [f"[10:00:0{name}] {line}" for name, lines in _APP_DUMPS.items() for line in lines]


class _Sink:
    def __init__(self) -> None:
        self.lines: list[TraceLine] = []
        self._lock = threading.Lock()

    def __call__(self, batch: Sequence[TraceLine]) -> None:
        with self._lock:
            self.lines.extend(batch)


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real run of the demo's first case (its card reads make the holder known), the application's log followed by
    a real capture and stored as the case's trace, an engine line between two lines of a dump; then its exam book
    with redaction and with ``--no-redact``."""
    root = tmp_path_factory.mktemp("cut-values")
    session = root / "s.tbsession"
    argv = ["run", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(session), "-k", "DEMO-FSE-001"]
    assert main([*argv, "--cards", "inprocess", "--engine", "inprocess"]) == 0
    with read_session(session) as view:
        attempt = view.cases[0].latest
        assert attempt is not None
    log = root / "app.log"
    log.write_text("", encoding="utf-8")
    sink = _Sink()
    lines = _stamped()
    with TraceCapture(sink, poll_interval=0.02, flush_interval=0.02) as capture:
        capture.set_context(attempt.id, "s-vitale", settle=False)
        capture.add_files(log, fmt="plain")
        time.sleep(0.1)
        with log.open("a", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
        deadline = time.monotonic() + 10
        while len(sink.lines) < len(lines) and time.monotonic() < deadline:
            time.sleep(0.02)
    captured = sorted(sink.lines, key=lambda line: line.mono_ns)
    assert [line.text for line in captured] == lines  # stored as written: the capture masks PINs only
    first, second = captured[2], captured[3]  # dump 2's lines: the engine writes between them
    between = TraceLine(
        "engine", (first.mono_ns + second.mono_ns) // 2, first.wall, "20261207 10:00:02.500 INFO lecture carte",
        attempt_id=attempt.id, step_id="s-vitale",
    )  # fmt: skip
    store = SessionStore.open(session)
    try:
        store.add_trace_lines([*captured, between])
    finally:
        store.close()
    assert main(["report", str(session), "-o", str(root / "rep")]) == 0
    assert main(["report", str(session), "-o", str(root / "raw"), "--no-redact"]) == 0
    return root


def _exported(folder: Path) -> list[str]:
    """Every trace line text the export wrote: the JSON's strings, the evidence files' lines."""
    texts: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, str):
            texts.append(node)
        elif isinstance(node, dict):
            for item in node.values():
                walk(item)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for path in folder.rglob("*"):
        if path.suffix == ".json":
            walk(json.loads(path.read_text(encoding="utf-8")))
        elif path.suffix == ".txt":
            texts += path.read_text(encoding="utf-8").splitlines()
    return texts


def _line(texts: list[str], prefix: str) -> list[str]:
    """The exported forms of the line that starts with ``prefix`` (its timestamp and offset)."""
    found = [text[text.index(prefix) :] for text in texts if prefix in text]
    assert found, prefix
    return found


def test_the_export_masks_each_value_on_both_lines(work: Path) -> None:
    texts = _exported(work / "rep")
    expected = [
        "[10:00:01] 00000000  52 45 41 44 20 42 49 4e  41 52 59 20 6f 6b 3a 20  |READ BINARY ok: |",
        "[10:00:01] 00000010  01 02 03 04 05 06 07 08  09 ‹NIR masqué, 7 octets›  |.........‹NIR›|",
        "[10:00:01] 00000020  ‹NIR masqué, 8 octets›  90 00                    |‹NIR›..|",
        "[10:00:02] 0000: 01 02 03 04 05 06 07 08 09 0A 0B ‹NIR masqué, 5 octets›",
        "[10:00:02] 0010: ‹NIR masqué, 3 octets› 90 00",
        "[10:00:03] 00000000: 0102 0304 0506 0708 090a 0b0c 0d ‹date de naissance masquée, 3 octets›"
        "  .............‹DATE_NAISSANCE›",
        "[10:00:03] 00000010: ‹date de naissance masquée, 5 octets› 90 00                        ‹DATE_NAISSANCE›..",
        "[10:00:04] 00000000  01 02 03 04 05 06 07 08  09 0a 0b 0c ‹nom masqué, 4 octets›  |............‹NOM›|",
        "[10:00:04] 00000010  ‹nom masqué, 16 octets›  |‹NOM›|",
    ]
    assert len(expected) == len(_stamped())
    for line in expected:
        assert set(_line(texts, line[:20])) == {line}, line[:20]
    assert "20261207 10:00:02.500 INFO lecture carte" in texts  # the engine's line between them, as written


def test_the_opt_out_keeps_the_dumps_as_written(work: Path) -> None:
    texts = _exported(work / "raw")
    for line in _stamped():
        assert set(_line(texts, line[:20])) == {line}
