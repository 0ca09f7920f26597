"""When an output file may be read: its size has stopped changing, or its closing record is its last line.

An application writes a lot or an FSE in several writes; reading it between two of them would extract
half a file. Polling stat (not inotify) works the same on Windows and Linux, like the log tailer. On
Windows an application may also keep the file open without sharing it while it writes: the file is not
ready until it can be opened (a sharing violation waits, like a size still changing).
"""

from __future__ import annotations

import codecs
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from testbench.extract.model import DOS_EOF
from testbench.i18n import _t

#: How much of a file's end is read to find its last line (a closing record is far shorter).
_TAIL_BYTES = 4096

#: :func:`closing_state`: the file's last line is its closing record, ended by a newline (complete now)
CLOSED = "closed"
#: the last line starts as the closing record but no newline ends it yet (complete once its size holds still)
UNTERMINATED = "unterminated"
#: the last line is not the closing record: the file is not complete, however long it stays unchanged
OPEN = "open"
#: the reason of a case whose product left a file with a closing record without it at the step's end (the run's
#: and ``sut check``'s one wording)
OUTPUT_UNCLOSED = _t(
    "sortie du logiciel incomplète : l'enregistrement de fin « {closing} » n'est pas la dernière ligne de {file}"
    " après {seconds} s d'attente"
)


def _unit(encoding: str, head: bytes) -> tuple[str, int]:
    """The codec that reads the file's bytes from anywhere in it, and its code unit in bytes (UTF-16 and UTF-32
    without an order in their name: the order their BOM says, little-endian without one, as Python reads)."""
    name = codecs.lookup(encoding).name
    if name in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"):
        return name, int(name[4:6]) // 8
    if name in ("utf-16", "utf-32"):
        bom = codecs.BOM_UTF16_BE if name == "utf-16" else codecs.BOM_UTF32_BE
        return f"{name}-{'be' if head.startswith(bom) else 'le'}", int(name[4:6]) // 8
    return ("utf-8" if name == "utf-8-sig" else name), 1


def closing_state(
    path: Path,
    closing: str,
    *,
    encoding: str = "ascii",
    type_at: tuple[int, int] | None = None,
    record_length: int | None = None,
) -> str:
    """Whether the file's last line is its closing record (type ``closing`` at the columns ``type_at``, 1-based
    start and length; the start of the line by default): :data:`CLOSED`, :data:`UNTERMINATED` or :data:`OPEN`
    (:func:`tail_state`). Raises ``OSError`` when the file cannot be read."""
    with path.open("rb") as f:
        head = f.read(4)
        size = f.seek(0, 2)
        offset = max(0, size - _TAIL_BYTES)
        offset -= offset % _unit(encoding, head)[1]
        f.seek(offset)
        tail = f.read()
    return tail_state(head, tail, closing, encoding=encoding, type_at=type_at, record_length=record_length)


def data_state(data: bytes, closing: str, **layout: Any) -> str:
    """:func:`closing_state` of a file read whole (``data``); ``layout``: :func:`tail_state`'s keywords."""
    offset = max(0, len(data) - _TAIL_BYTES)
    offset -= offset % _unit(layout.get("encoding", "ascii"), data[:4])[1]
    return tail_state(data[:4], data[offset:], closing, **layout)


def tail_state(
    head: bytes,
    tail: bytes,
    closing: str,
    *,
    encoding: str = "ascii",
    type_at: tuple[int, int] | None = None,
    record_length: int | None = None,
) -> str:
    """:func:`closing_state` of a file whose first bytes are ``head`` and last ones ``tail`` (read from a code unit's
    start): its last line ended by a newline and of the closing type is :data:`CLOSED`. A last line no newline ends
    yet is :data:`OPEN` when it has another length than ``record_length`` (« 999F » of a record of 20: still being
    written), else :data:`UNTERMINATED`: whole, or its newline still to come (the caller waits for its size to hold
    still)."""
    start, length = type_at or (1, len(closing))
    text = tail.decode(_unit(encoding, head)[0], errors="replace").lstrip("\ufeff").rstrip(DOS_EOF)
    ended = text.endswith("\n")
    lines = [line for line in text.replace("\r", "").split("\n") if line.strip()]
    if not lines or lines[-1][start - 1 : start - 1 + length].strip() != closing:
        return OPEN
    if ended:
        return CLOSED
    if record_length is not None and len(lines[-1]) != record_length:
        return OPEN
    return UNTERMINATED


#: path → (size, modification time in ns, when that pair was first seen on the monotonic clock)
_SEEN: dict[str, tuple[int, int, float]] = {}
#: past this many files watched, the oldest observations are forgotten (a long session sees many files)
_SEEN_MAX = 4096
_SEEN_LOCK = threading.Lock()  # the workstation polls from its worker threads


def _unchanged_for(path: Path, st: os.stat_result, stable_for: float) -> bool:
    """Whether ``path`` has kept its size and modification time for ``stable_for`` seconds.

    Its modification time is set by the clock of the machine that wrote it (a network share's may run minutes
    ahead or behind the bench's): a time at least ``stable_for`` in the past on the bench's clock is enough, as
    before; otherwise (a time in the future, or recent) the same size and time seen across observations
    ``stable_for`` apart on the bench's monotonic clock are, so that a file stamped ahead is not waited for
    forever.
    """
    now = time.monotonic()
    key, stamp = str(path), (st.st_size, st.st_mtime_ns)
    with _SEEN_LOCK:
        seen = _SEEN.get(key)
        if seen is None or seen[:2] != stamp:
            if len(_SEEN) >= _SEEN_MAX:
                del _SEEN[next(iter(_SEEN))]
            _SEEN[key] = seen = (*stamp, now)
    age = time.time() - st.st_mtime
    return age >= stable_for or now - seen[2] >= stable_for


def file_complete(path: Path, stable_for: float = 0.2, closing: bytes | None = None) -> bool:
    """Whether ``path`` may be read now: unchanged for ``stable_for`` seconds and open to reading; with a
    ``closing`` record (the bytes its last line starts with), only once that record is its last line.

    A file with a closing record is never complete before that record is there, however long it stays
    unchanged (an application writing a lot slowly pauses between its parts): its last line ended by a
    newline is enough, a last line not ended yet needs the stability too. "Unchanged" is read from the
    modification time against the clock now, or, when that time is not in the past (another machine's clock),
    from the observations of this function (:func:`_unchanged_for`); :func:`wait_complete` also watches the
    size itself. An empty or missing file is not complete.
    """
    try:
        st = path.stat()
        if st.st_size == 0:
            return False
        if closing is not None:
            state = closing_state(path, closing.decode("latin-1"), encoding="latin-1")
            if state == CLOSED:
                return True
            if state == OPEN:
                return False
    except OSError:
        return False
    return _unchanged_for(path, st, stable_for) and _openable(path)


def _openable(path: Path) -> bool:
    """Whether ``path`` opens for reading now: Windows refuses a file another process holds without sharing
    (``ERROR_SHARING_VIOLATION``) — it is still being written; POSIX opens it."""
    try:
        with path.open("rb"):
            return True
    except OSError:
        return False


def wait_complete(
    path: Path,
    timeout: float,
    stable_for: float = 0.2,
    closing: bytes | None = None,
    *,
    ready: Callable[[Path], bool] | None = None,
) -> bool:
    """Poll until :func:`file_complete` holds and the size seen at two polls is the same; False at ``timeout``.
    ``ready`` replaces :func:`file_complete` by the test the run reads a file by (``extract.run.file_ready``),
    so that ``sut check`` waits for what the run waits for.

    The size check guards file systems whose modification times are coarse (FAT: 2 s) or set by
    another machine's clock (network shares).
    """
    complete = ready or (lambda p: file_complete(p, stable_for, closing))
    deadline = time.monotonic() + timeout
    interval = min(0.05, max(stable_for / 4, 0.005))
    last: tuple[int, int] | None = None
    while True:
        try:
            st = os.stat(path)
            seen: tuple[int, int] | None = (st.st_size, st.st_mtime_ns)
        except OSError:
            seen = None
        if seen is not None and seen == last and complete(path):
            return True
        last = seen
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)
