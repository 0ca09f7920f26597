"""Output streams that cannot spell every character (Windows writes a redirected command's output in its
ANSI code page, cp1252 in France): a character outside it is written in plain ASCII, never a traceback.

French letters, « », €, … and — are in cp1252 and pass as they are; the bench's few symbols outside it
(→ ≤ ≥ ≠ − ✔ ✘…) become their ASCII spelling, anything else « ? ».
"""

from __future__ import annotations

import codecs
import contextlib
import sys
from typing import TextIO

HANDLER = "testbench-plain"
PLAIN = {
    "→": "->",
    "←": "<-",
    "≤": "<=",
    "≥": ">=",
    "≠": "!=",
    "−": "-",
    "✔": "OK",
    "✘": "X",
    "⟨": "<",
    "⟩": ">",
    "☐": "[ ]",
    "█": "#",
    "░": ".",
}


def _plain(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    text = error.object[error.start : error.end]
    return "".join(PLAIN.get(char, "?") for char in text), error.end


codecs.register_error(HANDLER, _plain)


def spell_plainly(*streams: TextIO) -> None:
    """Give each stream whose encoding is not a Unicode one the plain-ASCII fallback (a UTF-8 stream, or one
    that cannot be reconfigured — a test's capture — is left as it is)."""
    for stream in streams:
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        if encoding.startswith("utf"):
            continue
        with contextlib.suppress(AttributeError, ValueError, OSError):
            stream.reconfigure(errors=HANDLER)  # type: ignore[attr-defined]


def spell_standard_streams() -> None:
    spell_plainly(sys.stdout, sys.stderr)
