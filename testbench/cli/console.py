"""Output streams that cannot spell every character (Windows writes a redirected command's output in its
ANSI code page, cp1252 in France): a character outside it is written in plain ASCII (:data:`testbench.fmt.PLAIN`:
→ as ->, ≥ as >=, anything else « ? »), never a traceback.
"""

from __future__ import annotations

import contextlib
import sys
from typing import TextIO

from testbench.fmt import PLAIN


def spell_plainly(*streams: TextIO) -> None:
    """Give each stream whose encoding is not a Unicode one the plain-ASCII fallback (a UTF-8 stream, or one
    that cannot be reconfigured — a test's capture — is left as it is)."""
    for stream in streams:
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        if encoding.startswith("utf"):
            continue
        with contextlib.suppress(AttributeError, ValueError, OSError):
            stream.reconfigure(errors=PLAIN)  # type: ignore[attr-defined]


def spell_standard_streams() -> None:
    spell_plainly(sys.stdout, sys.stderr)
