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
from testbench.tools.result import DISK_FAULTS


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
    device, so that the interpreter's last flush says nothing either.

    A full or failing disk (``> /dev/full``) is dropped the same way, but kept in :attr:`failure`: the command
    goes to its end and :func:`testbench.cli.main.main` says that its output was lost, not that it has a bug."""

    def __init__(self, stream: TextIO | None) -> None:
        # a closed descriptor (``>&-``, ``2>&-``): Python has no stream; nothing is read, and what asks the stream
        # (``isatty()``, its encoding) asks the null device's
        self._stream = stream if stream is not None else open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
        self._gone = stream is None
        self.failure: OSError | None = None

    def _refused(self, exc: OSError) -> None:
        """A write nobody reads (a closed pipe) or the disk refused: drop this and what follows; else raise."""
        if not isinstance(exc, BrokenPipeError):
            if exc.errno not in DISK_FAULTS:
                raise exc
            self.failure = exc
        self._lost()

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
            except OSError as exc:
                self._refused(exc)
        return len(text)

    def flush(self) -> None:
        if not self._gone:
            try:
                self._stream.flush()
            except OSError as exc:
                self._refused(exc)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def lost_output(stream: object) -> OSError | None:
    """The disk fault that lost ``stream``'s output (flushed first, so that a buffered end is tried), or None."""
    if not isinstance(stream, Unread):
        return None
    with contextlib.suppress(ValueError):  # a stream already closed
        stream.flush()
    return stream.failure


def keep_writing_when_unread() -> None:
    """Wrap the standard output and error streams in :class:`Unread` (once)."""
    if not isinstance(sys.stdout, Unread):
        sys.stdout = Unread(sys.stdout)  # type: ignore[assignment]
    if not isinstance(sys.stderr, Unread):
        sys.stderr = Unread(sys.stderr)  # type: ignore[assignment]
