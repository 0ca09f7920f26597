"""How a log's bytes become lines: the encoding each file is read in, where its lines end, their text.

One set of functions for the capture (:mod:`testbench.traces.tail`) and for ``testbench sut check`` and
``sut init``, so that a profile's log reads the same in both: what ``sut check`` shows is what the run
stores.

- **UTF-16** (``utf-16``, ``utf-16-le``, ``utf-16-be``), which Windows applications write, is read by
  two-byte units: a line ends with the unit ``\\n`` (``0A 00`` in little-endian), found at an even offset
  of the file only. ``utf-16`` takes its byte order from the file's byte order mark, else from where the
  NUL bytes of its first characters are, else little-endian (Windows).
- A file whose first bytes say UTF-16 — its byte order mark, or text with a NUL byte after (or before)
  every character — is read in UTF-16 whatever encoding was given: read as ``utf-8`` or ``cp1252`` its
  lines would hold a NUL between every letter, which no extractor and no redaction rule reads.
  Likewise a file that starts with UTF-8's byte order mark is read in UTF-8.
- A stored line never holds a NUL character (what is left of one in a file read in the wrong encoding).
- Any other encoding must be ASCII-compatible (``\\n`` is the byte ``0A``): utf-8, cp1252, latin-1…; in
  UTF-8 (the default) a line that is not UTF-8 is read in cp1252 (:func:`testbench.fmt.program_text`).
- A line ends at ``\\n``, ``\\r\\n`` or a lone ``\\r`` (old Windows and Mac tools, a progress line rewritten
  in place): :func:`last_break`, :func:`first_break`, :func:`split_lines`. A ``\\r`` that is the last character
  read so far ends its line at once; the ``\\n`` that may follow it is no line of its own (the reader skips it).
"""

from __future__ import annotations

import codecs
import os
import re
from pathlib import Path

from testbench.fmt import program_text

#: bytes at the start of a file that say its encoding (and identify it: the tail's signature of a file)
HEAD_BYTES = 64
#: the UTF-16 encodings, as :func:`codecs.lookup` names them: ``utf-16`` has its byte order in the file
UTF16 = ("utf-16", "utf-16-le", "utf-16-be")
_NEWLINES = {"utf-16-le": b"\n\x00", "utf-16-be": b"\x00\n"}


def check_encoding(encoding: str) -> str:
    """Normalised codec name of a log's encoding; refuses an unknown encoding, one that is no text encoding
    (rot13), and those that are neither ASCII-compatible nor UTF-16 (utf-32, EBCDIC's cp500)."""
    try:
        name = codecs.lookup(encoding).name
        if name == "utf-8-sig":  # the byte order mark is dropped anyway
            return "utf-8"
        readable = name in UTF16 or ("\n".encode(name) == b"\n" and "A".encode(name) == b"A")
    except (LookupError, TypeError):
        readable = False
    if not readable:
        raise ValueError(f"encodage non pris en charge pour le suivi de fichiers : « {encoding} »")
    return name


def utf16_order(head: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when a file's first bytes are UTF-16 — a byte order mark, or a NUL byte
    beside nearly every character (Latin text) — else None. Only the first :data:`HEAD_BYTES` are looked at."""
    if head.startswith(codecs.BOM_UTF16_LE) and not head.startswith(codecs.BOM_UTF32_LE):
        return "utf-16-le"
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be"
    pairs = min(len(head), HEAD_BYTES) // 2
    if not pairs or b"\x00" not in head[: 2 * pairs]:
        return None
    even, odd = head[0 : 2 * pairs : 2].count(0), head[1 : 2 * pairs : 2].count(0)
    if 4 * odd >= 3 * pairs and 4 * even < pairs:
        return "utf-16-le"  # « a\0b\0 »
    if 4 * even >= 3 * pairs and 4 * odd < pairs:
        return "utf-16-be"  # « \0a\0b »
    return None


def file_encoding(head: bytes, encoding: str) -> str:
    """The encoding a file is read in, from its first bytes and the encoding given (as :func:`check_encoding`
    returns it): UTF-8 when it starts with UTF-8's byte order mark and UTF-16 when its first bytes say so, whatever
    was given (an application that moved to UTF-8 keeps its profile's « cp1252 »: its accents would read « Ã© » and
    no extractor's « à » would match); ``utf-16`` in its byte order."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8"
    if encoding in ("utf-16-le", "utf-16-be"):
        return encoding
    order = utf16_order(head)
    if order is not None:
        return order
    return "utf-16-le" if encoding == "utf-16" else encoding


def newline(encoding: str) -> bytes:
    """The bytes of ``\\n`` in a file's encoding (as :func:`file_encoding` gives it)."""
    return _NEWLINES.get(encoding, b"\n")


def carriage_return(nl: bytes) -> bytes:
    """The bytes of ``\\r`` in the encoding whose ``\\n`` is ``nl`` (:func:`newline`)."""
    return nl.replace(b"\n", b"\r")


def _rfind(data: bytes, unit: bytes, start: int, end: int) -> int:
    """Where the last ``unit`` within ``data[start:end]`` begins, at a character boundary, or -1."""
    cut = data.rfind(unit, start, end)
    while cut >= 0 and cut % len(unit):  # UTF-16: « \n\0 » across two characters
        cut = data.rfind(unit, start, cut + len(unit) - 1)
    return cut


def _find(data: bytes, unit: bytes, start: int, end: int) -> int:
    """Where the first ``unit`` within ``data[start:end]`` begins, at a character boundary, or -1."""
    cut = data.find(unit, start, end)
    while cut >= 0 and cut % len(unit):
        cut = data.find(unit, cut + 1, end)
    return cut


def last_break(data: bytes, nl: bytes, start: int = 0, end: int | None = None) -> tuple[int, int]:
    """Where the last line end within ``data[start:end]`` begins and where it ends — ``\\n``, ``\\r\\n`` or a lone
    ``\\r`` (``nl``: ``\\n`` in the file's encoding; ``data`` and ``start`` at character boundaries) — or (-1, -1).
    A ``\\r`` whose ``\\n`` lies just past ``end`` ends with that ``\\n``. The ``\\r`` are looked for after the last
    ``\\n`` only: a log of ``\\n`` lines costs one search, as before."""
    end = len(data) if end is None else end
    width, cr = len(nl), carriage_return(nl)
    lf = _rfind(data, nl, start, end)
    r = _rfind(data, cr, max(start, lf - width) if lf >= 0 else start, end)
    if r < 0 or (lf >= 0 and r < lf - width):
        return (lf, lf + width) if lf >= 0 else (-1, -1)
    if r + width == lf:
        return r, lf + width
    return r, r + 2 * width if data[r + width : r + 2 * width] == nl else r + width


def first_break(data: bytes, nl: bytes, start: int = 0) -> tuple[int, int]:
    """Where the first line end at or after ``start`` begins and ends (:func:`last_break`'s), or (-1, -1)."""
    width, cr = len(nl), carriage_return(nl)
    lf = _find(data, nl, start, len(data))
    r = _find(data, cr, start, lf if lf >= 0 else len(data))
    if r < 0:
        return (lf, lf + width) if lf >= 0 else (-1, -1)
    return r, r + 2 * width if r + width == lf else r + width


_BYTE_BREAKS = re.compile(b"(\r\n|\r|\n)")


def split_lines(text: str) -> list[str]:
    """Decoded complete lines, each without its end (``\\n``, ``\\r\\n`` or a lone ``\\r``): by string replaces,
    which cost a Windows log of CRLF lines little more than one of LF lines."""
    if "\r" not in text:
        return text.split("\n")
    text = text.replace("\r\n", "\n")
    return (text.replace("\r", "\n") if "\r" in text else text).split("\n")


def decoded(data: bytes, encoding: str) -> str:
    """Complete lines as text, without NUL characters: in UTF-8, each line that is not UTF-8 read as cp1252
    (one line at a time, so that a file mixing both keeps each line right)."""
    if encoding != "utf-8":
        text = data.decode(encoding, errors="replace")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            # each line alone, whatever ends it (a lone CR too): a UTF-8 line beside a cp1252 one keeps its accents
            parts = _BYTE_BREAKS.split(data)
            text = "".join(part.decode("ascii") if i % 2 else program_text(part) for i, part in enumerate(parts))
    return text.replace("\x00", "") if "\x00" in text else text


def last_lines(path: Path, count: int, encoding: str, tail_bytes: int) -> tuple[list[str], str]:
    """The last ``count`` complete, non-blank lines of a log (a line still being written is left out), read
    from its last ``tail_bytes`` as the capture reads them; and the encoding they were read in."""
    with path.open("rb") as f:
        head = f.read(HEAD_BYTES)
        encoding = file_encoding(head, check_encoding(encoding))
        nl = newline(encoding)
        size = f.seek(0, os.SEEK_END)
        start = max(0, size - tail_bytes)
        start -= start % len(nl)  # at a character boundary
        f.seek(start)
        data = f.read()
    if start:  # the first line read is a piece of a line
        first, after = first_break(data, nl)
        data = data[after:] if first >= 0 else b""
    end = last_break(data, nl)[0]
    text = decoded(data[:end], encoding) if end >= 0 else ""
    if not start and text.startswith("\ufeff"):
        text = text[1:]
    return [line for line in split_lines(text) if line.strip()][-count:], encoding
