"""When an output file may be read: its size has stopped changing, or its closing record is there.

An application writes a lot or an FSE in several writes; reading it between two of them would extract
half a file. Polling stat (not inotify) works the same on Windows and Linux, like the log tailer. On
Windows an application may also keep the file open without sharing it while it writes: the file is not
ready until it can be opened (a sharing violation waits, like a size still changing).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

#: How much of a file's end is read to find its last line (a closing record is far shorter).
_TAIL_BYTES = 4096


def _ends_with_closing(path: Path, size: int, closing: bytes) -> bool:
    """True if the file's last complete line (ended by a newline) starts with ``closing``."""
    with path.open("rb") as f:
        f.seek(max(0, size - _TAIL_BYTES))
        tail = f.read(_TAIL_BYTES)
    if not tail.endswith(b"\n"):
        return False
    last = tail.rstrip(b"\r\n").rsplit(b"\n", 1)[-1]
    return last.startswith(closing)


def file_complete(path: Path, stable_for: float = 0.2, closing: bytes | None = None) -> bool:
    """Whether ``path`` may be read now: its closing record seen, or unchanged for ``stable_for`` seconds.

    "Unchanged" is read from the modification time against the clock now (one stat, no state kept);
    :func:`wait_complete` also watches the size itself. An empty or missing file is not complete.
    """
    try:
        st = path.stat()
        if st.st_size == 0:
            return False
        if closing is not None and _ends_with_closing(path, st.st_size, closing):
            return True
    except OSError:
        return False
    return time.time() - st.st_mtime >= stable_for and _openable(path)


def _openable(path: Path) -> bool:
    """Whether ``path`` opens for reading now: Windows refuses a file another process holds without sharing
    (``ERROR_SHARING_VIOLATION``) — it is still being written; POSIX opens it."""
    try:
        with path.open("rb"):
            return True
    except OSError:
        return False


def wait_complete(path: Path, timeout: float, stable_for: float = 0.2, closing: bytes | None = None) -> bool:
    """Poll until :func:`file_complete` holds and the size seen at two polls is the same; False at ``timeout``.

    The size check guards file systems whose modification times are coarse (FAT: 2 s) or set by
    another machine's clock (network shares).
    """
    deadline = time.monotonic() + timeout
    interval = min(0.05, max(stable_for / 4, 0.005))
    last: tuple[int, int] | None = None
    while True:
        try:
            st = os.stat(path)
            seen: tuple[int, int] | None = (st.st_size, st.st_mtime_ns)
        except OSError:
            seen = None
        if seen is not None and seen == last and file_complete(path, stable_for, closing):
            return True
        last = seen
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)
