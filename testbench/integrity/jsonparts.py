"""Some members of a large JSON document (a report's ``report.json``), read without holding the whole of it.

A 754-case ``report.json`` is tens of megabytes; read whole by :func:`json.loads` it took about 300 MB of memory,
while ``verify`` or the check of whose report a folder holds need a few small members and a field or two of each
case. :func:`read_members` reads the file a chunk at a time and each top-level member's list one element at a
time, keeping only what it is asked for: memory stays that of the largest element. The same UTF-8 text is
accepted and refused as :func:`json.loads` would (the skipped parts are still parsed).

Each value is decoded by the standard library's own decoder (:meth:`json.JSONDecoder.raw_decode`, in C); only the
walk over the document's top object and its arrays is ours. A streaming parser (ijson) was tried in its place:
its events, handled in Python, made ``verify`` of a 754-case report 0.57 → 1.75 s of CPU.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Iterator, Mapping
from pathlib import Path
from typing import Any, TextIO

_CHUNK = 1 << 20
_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


class _Cursor:
    """A position in a text read on demand: what has been read past is dropped at each new chunk."""

    def __init__(self, stream: TextIO) -> None:
        self.stream, self.text, self.pos, self.ended = stream, "", 0, False

    def _more(self) -> bool:
        """Read on (at least as much as is held: an element longer than a chunk is not re-parsed chunk by chunk)."""
        if self.ended:
            return False
        chunk = self.stream.read(max(_CHUNK, len(self.text) - self.pos))
        if not chunk:
            self.ended = True
            return False
        self.text, self.pos = self.text[self.pos :] + chunk, 0
        return True

    def peek(self) -> str:
        """The next character after spaces, without taking it ("" at the end of the file)."""
        while True:
            self.pos = _SPACE.match(self.text, self.pos).end()  # type: ignore[union-attr]  # always matches
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self._more():
                return ""

    def take(self, char: str) -> None:
        if self.peek() != char:
            raise ValueError(f"JSON : {char!r} attendu")
        self.pos += 1

    def value(self) -> Any:
        """The next JSON value, whole."""
        self.peek()
        while True:
            try:
                value, end = _DECODER.raw_decode(self.text, self.pos)
            except json.JSONDecodeError:
                if self._more():  # cut by the chunk's end (or invalid: then the whole rest is read to say so)
                    continue
                raise
            if end == len(self.text) and self._more():  # a number or a literal may go on in the next chunk
                continue
            self.pos = end
            return value

    def items(self) -> Iterator[Any]:
        """The elements of the array that starts here, one at a time."""
        self.take("[")
        if self.peek() == "]":
            self.pos += 1
            return
        while True:
            yield self.value()
            if self.peek() == "]":
                self.pos += 1
                return
            self.take(",")


def read_members(
    path: Path, names: Collection[str], each: Mapping[str, Callable[[Any], Any]] | None = None
) -> dict[str, Any]:
    """The members ``names`` of the JSON object in ``path`` (those it has). A member named in ``each`` whose value
    is an array is read one element at a time, each kept as its function returns it (a case cut to the fields a
    reader uses). Any other array is walked the same way and dropped when not asked for.

    Raises ``OSError`` when the file cannot be read, ``ValueError`` when it is no JSON object (as ``json.loads``).
    """
    each = each or {}
    found: dict[str, Any] = {}
    with path.open(encoding="utf-8") as stream:
        cursor = _Cursor(stream)
        cursor.take("{")
        more = cursor.peek() != "}"
        while more:
            name = cursor.value()
            if not isinstance(name, str):
                raise ValueError("JSON : nom de membre attendu")
            cursor.take(":")
            if cursor.peek() == "[":
                if name in names:
                    keep = each.get(name, lambda item: item)
                    found[name] = [keep(item) for item in cursor.items()]
                else:
                    for _ in cursor.items():
                        pass
            else:
                value = cursor.value()
                if name in names:
                    found[name] = value
            more = cursor.peek() == ","
            if more:
                cursor.pos += 1
        cursor.take("}")
        if cursor.peek() != "":
            raise ValueError("JSON : données après le document")
    return found
