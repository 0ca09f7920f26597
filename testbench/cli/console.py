"""Output streams that cannot spell every character (Windows writes a redirected command's output in its
ANSI code page, cp1252 in France; ``PYTHONIOENCODING=ascii``): a character outside it is written in plain ASCII
(:data:`testbench.fmt.PLAIN`: → as ->, ≥ as >=, « » as ", é as e, anything else « ? »), never a traceback.
Standard error's « testbench run: » prefixes take the French colon in French (:class:`Unread`).
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from typing import Any, TextIO

from testbench.fmt import PLAIN
from testbench.i18n import default_language
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


#: « testbench: », « testbench run: », « testbench sut init: » at a line's start: what every command writes before
#: its own refusal on standard error (argparse's « testbench run : erreur : » has its French colon already)
_PREFIX = re.compile(r"(?m)^(testbench(?: [a-z][a-z-]*){0,2}): ")


class Unread:
    """A standard stream that goes on once nobody reads it (``| head``, a ``| tee`` stopped by the same ^C): its
    writes are dropped instead of raising ``BrokenPipeError`` — which turned an interrupted run's « interrompu »
    into an internal error, before its JUnit and report were written — and its descriptor is pointed at the null
    device, so that the interpreter's last flush says nothing either.

    A full or failing disk (``> /dev/full``) is dropped the same way, but kept in :attr:`failure`: the command
    goes to its end and :func:`testbench.cli.main.main` says that its output was lost, not that it has a bug.

    ``prefixes``: the stream is standard error, whose « testbench run: » prefixes read « testbench run : » in French
    (a space before the colon, as French typography and argparse's French have it). The commands write the prefix
    in one way, some thirty places; this is where every line of them passes."""

    def __init__(self, stream: TextIO | None, *, prefixes: bool = False) -> None:
        # a closed descriptor (``>&-``, ``2>&-``): Python has no stream; nothing is read, and what asks the stream
        # (``isatty()``, its encoding) asks the null device's
        self._stream = stream if stream is not None else open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
        self._gone = stream is None
        self.failure: OSError | None = None
        self._prefixes = prefixes
        self._line_start = True  # the next write begins a line (print writes a line's text, then its end)

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
        written = len(text)
        if self._prefixes and text:
            if ": " in text and default_language() == "fr":
                text = _PREFIX.sub(self._french_colon, text)
            self._line_start = text.endswith("\n")
        if not self._gone:
            try:
                self._stream.write(text)
                return written
            except OSError as exc:
                self._refused(exc)
        return written

    def _french_colon(self, found: re.Match[str]) -> str:
        """« testbench run : » for a prefix at a line's start (not in the middle of a line written in parts)."""
        return found[0] if found.start() == 0 and not self._line_start else f"{found[1]} : "

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
        sys.stderr = Unread(sys.stderr, prefixes=True)  # type: ignore[assignment]
