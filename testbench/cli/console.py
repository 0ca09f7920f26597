"""Output streams that cannot spell every character (Windows writes a redirected command's output in its
ANSI code page, cp1252 in France): a character outside it is written in plain ASCII (:data:`testbench.fmt.PLAIN`:
→ as ->, ≥ as >=, anything else « ? »), never a traceback.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Any, TextIO

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


class Unread:
    """A standard stream that goes on once nobody reads it (``| head``, a ``| tee`` stopped by the same ^C): its
    writes are dropped instead of raising ``BrokenPipeError`` — which turned an interrupted run's « interrompu »
    into an internal error, before its JUnit and report were written — and its descriptor is pointed at the null
    device, so that the interpreter's last flush says nothing either."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._gone = False

    def _lost(self) -> None:
        self._gone = True
        with contextlib.suppress(OSError, ValueError, AttributeError):
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, self._stream.fileno())
            os.close(null)

    def write(self, text: str) -> int:
        if not self._gone:
            try:
                return self._stream.write(text)
            except BrokenPipeError:
                self._lost()
        return len(text)

    def flush(self) -> None:
        if not self._gone:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._lost()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def keep_writing_when_unread() -> None:
    """Wrap the standard output and error streams in :class:`Unread` (once)."""
    if not isinstance(sys.stdout, Unread):
        sys.stdout = Unread(sys.stdout)  # type: ignore[assignment]
    if not isinstance(sys.stderr, Unread):
        sys.stderr = Unread(sys.stderr)  # type: ignore[assignment]
