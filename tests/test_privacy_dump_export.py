"""The dumps of the last review's leftovers, through the real path: a followed log, the capture, the session, the
exam book (redaction on, and ``--no-redact``).

An application logs a VERIFY in dumps the rules read badly before (testbench.traces.redact_rules): cut over three
and four lines (8 and 4 bytes a line, each line written apart, so each is read in a poll of its own), each line after
a timestamp (« 2026-12-07 10:00:01.987 0000: … », « [10:00:01] 00000010  … |…| »), an ``xxd`` group gluing the class
byte to the byte before it (« 4100 2000 8108 … »). No digit of the code is stored nor exported, in hex or in a
column of characters; the dump's other bytes and the lines around it are. And a card's identity dumped 8 bytes a line
(« … 80 05 45 53 53 41 » then « 49 81 04 50 41 55 4C 82 »): the holder's name leaves no letter, not even the one its
line break cut off.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.store.read import read_session
from testbench.store.session import SessionStore
from testbench.traces.capture import TraceCapture
from testbench.traces.model import TraceLine

CODE = "47193852"  # eight digits: no FF padding, so no data block rule finds them: only the command's
CODE4 = "4719"


def _chars(chunk: bytes) -> str:
    return "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)


def _verify(before: int, code: str) -> bytes:
    block = code.encode() + b"\xff" * (8 - len(code))
    return bytes(range(0x41, 0x41 + before)) + bytes([0x00, 0x20, 0x00, 0x81, 0x08]) + block + b"\x90\x00"


#: the demo card's holder as a Vitale record's fields hold them: surname, first name, birth date
IDENTITY = b"\x65\x19\x80\x05ESSAI\x81\x04PAUL\x82\x0819800115"


def _dumps() -> list[list[str]]:
    """Each dump, its lines as the application writes them."""
    eight = _verify(6, CODE)  # « … 00 20 » / « 00 81 08 34 37 31 39 38 » / « 35 32 90 00 »: three lines
    four = _verify(1, CODE)  # four bytes a line: five lines
    hexdump = _verify(13, CODE4)
    glued = _verify(3, CODE)  # an odd count of bytes before the class byte: xxd glues it
    return [
        [f"0x{i:04X}: {eight[i : i + 8].hex(' ').upper()}" for i in range(0, len(eight), 8)],
        [f"2026-12-07 10:00:01.987 {i:04X}: {four[i : i + 4].hex(' ')}" for i in range(0, len(four), 4)],
        [
            f"[10:00:01] {i:08x}  {hexdump[i : i + 8].hex(' ')}  {hexdump[i + 8 : i + 16].hex(' '):<23}  "
            f"|{_chars(hexdump[i : i + 16])}|"
            for i in range(0, len(hexdump), 16)
        ],
        [
            f"2026-12-07 10:00:02.987 {i:08x}: "
            + " ".join(glued[j : j + 2].hex() for j in range(i, min(i + 16, len(glued)), 2)).ljust(40)
            + f" {_chars(glued[i : i + 16])}"
            for i in range(0, len(glued), 16)
        ],
        [  # ``hexdump -C`` 8 bytes a line
            f"{i:08x}  {IDENTITY[i : i + 4].hex(' ')}  {IDENTITY[i + 4 : i + 8].hex(' '):<11}  "
            f"|{_chars(IDENTITY[i : i + 8])}|"
            for i in range(0, len(IDENTITY), 8)
        ],
    ]


#: digests (evidence, the journal's chain) and random ids carry no data, but a short needle matches them by chance
_DIGESTS = re.compile(r"(?<![0-9a-f])(?:[0-9a-f]{64}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})")


def _leaks(text: str) -> list[str]:
    """Pieces of the codes in hex (3 digits or more: spaced, grouped two by two, packed) or as a run of digits
    (4 or more)."""
    text = _DIGESTS.sub("‹digest›", text)
    found = []
    for code in (CODE, CODE4):
        for n in range(3, len(code) + 1):
            for i in range(len(code) - n + 1):
                piece = code[i : i + n]
                hexed = piece.encode().hex()
                spaced = " ".join(hexed[k : k + 2] for k in range(0, len(hexed), 2))
                for form in {hexed, spaced, hexed.upper(), spaced.upper()}:
                    if form in text:
                        found.append(form)
                # as text, a whole run of four digits or more only: a file's size or a time's milliseconds
                # (« 38566 », « 10:00:01.471 ») holds three of the code's digits by chance; a code left in a dump's
                # column of characters is a run of its own, whole on one line in these dumps
                if n >= 4 and re.search(rf"(?<![0-9]){piece}(?![0-9])", text):
                    found.append(piece)
    return found


class _Sink:
    def __init__(self) -> None:
        self.lines: list[TraceLine] = []
        self._lock = threading.Lock()

    def __call__(self, batch: Sequence[TraceLine]) -> None:
        with self._lock:
            self.lines.extend(batch)


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real run of the demo's first case; the application's log, followed by a real capture while it writes the
    dumps line by line, is stored in the session as the case's trace; then its exam book, with and without
    redaction."""
    root = tmp_path_factory.mktemp("dump-export")
    session = root / "s.tbsession"
    argv = ["run", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(session), "-k", "DEMO-FSE-001"]
    assert main([*argv, "--cards", "inprocess", "--engine", "inprocess"]) == 0
    with read_session(session) as view:
        attempt = view.cases[0].latest
        assert attempt is not None
    log = root / "app.log"
    log.write_text("", encoding="utf-8")
    sink = _Sink()
    written = 0
    with TraceCapture(sink, poll_interval=0.02, flush_interval=0.02) as capture:
        capture.set_context(attempt.id, "s-vitale", settle=False)
        capture.add_files(log, fmt="plain")
        time.sleep(0.1)
        for dump in _dumps():
            for line in ["2026-12-07 10:00:00,000 DEBUG VERIFY envoyé à la carte :", *dump]:
                with log.open("a", encoding="utf-8") as handle:
                    handle.write(line + "\n")
                written += 1
                deadline = time.monotonic() + 5
                while len(sink.lines) < written and time.monotonic() < deadline:
                    time.sleep(0.01)
    assert len(sink.lines) == written  # each line read in a poll of its own
    store = SessionStore.open(session)
    try:
        store.add_trace_lines(sink.lines)
    finally:
        store.close()
    assert main(["report", str(session), "-o", str(root / "rep")]) == 0
    assert main(["report", str(session), "-o", str(root / "raw"), "--no-redact"]) == 0
    return root


def test_no_digit_of_the_code_is_stored(work: Path) -> None:
    conn = sqlite3.connect(work / "s.tbsession")
    try:
        texts = [text for (text,) in conn.execute("SELECT text FROM trace_lines WHERE channel = 'app'")]
    finally:
        conn.close()
    assert sum("VERIFY envoyé" in text for text in texts) == len(_dumps())  # and the lines stored as written
    assert sum("‹PIN›" in text for text in texts) == 7, texts  # every line a code ran through: 2, 3, 1 and 1
    assert _leaks("\n".join(texts)) == [], texts


@pytest.mark.parametrize("folder", ["rep", "raw"])
def test_no_digit_of_the_code_leaves_in_the_exam_book(work: Path, folder: str) -> None:
    files = [p for p in (work / folder).rglob("*") if p.is_file() and p.suffix in (".html", ".json", ".txt", ".xml")]
    exported = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in files)
    assert "VERIFY envoyé" in exported and "‹PIN›" in exported  # the dumps reached the export
    assert "[10:00:01] 00000000  41 42 43 44 45 46 47 48" in exported  # the dump's other bytes stay
    assert _leaks(exported) == []


def test_no_letter_of_the_holders_name_leaves(work: Path) -> None:
    """The session knows its holder from the card it read (its APDU lines): the dump's names are masked whole, and
    the « I » of ESSAI the line break left alone, in hex and in the column of characters."""
    files = [p for p in (work / "rep").rglob("*") if p.is_file() and p.suffix in (".html", ".json", ".txt")]
    exported = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in files)
    assert "00000008  ‹nom masqué, 1 octet› 81 04 ‹nom masqué, 4 octets› 82  |‹NOM›..‹NOM›.|" in exported
    assert "00000000  65 19 80 05  ‹nom masqué, 4 octets›  |e...‹NOM›|" in exported
    for piece in ("ESSA", "45 53 53 41", "49 81 04", "50 41 55 4c", "|I..", "PAUL"):
        assert piece not in exported, piece
