"""A followed log file: its identity, how far it was delivered, and how to open it.

A file is known by ``(st_dev, st_ino)`` where the platform gives an inode number, else by a signature
of its first bytes (FAT, some network shares), so a rotated file (``app.log`` renamed ``app.log.1``)
is found again under its new path. Files are opened with :func:`open_shared`, which never blocks the
writer's rename or delete on Windows. The tailer that polls these files is :mod:`testbench.traces.tail`.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, BinaryIO

# HEAD_BYTES: the bytes kept as a file's signature (compared to detect truncation), which also say its encoding
from testbench.traces.logtext import HEAD_BYTES, last_break

FileKey = tuple[int, int | str]


@dataclass(frozen=True, slots=True)
class FilePosition:
    """How far a followed file was delivered: enough to resume after a restart or a crash.

    ``source`` is the path the file had when first followed (its lines' source), ``path`` where it is
    now (it may have been rotated), ``offset`` the byte after the last complete line delivered.
    """

    source: str
    path: str
    dev: int
    ino: int
    head: str  # hex of the first bytes: identity where there is no inode, truncation check
    offset: int
    # hex of the last bytes before ``offset`` (``Followed.guard``): on resume, a file truncated and rewritten past it
    # is seen, and its copy (copytruncate while the bench was closed) is found and read from ``offset``
    guard: str = ""

    @property
    def key(self) -> FileKey:
        """The file's identity: its inode, else (no inode on this file system) its path."""
        return (self.dev, self.ino) if self.ino else (self.dev, self.path)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "path": self.path,
            "dev": self.dev,
            "ino": self.ino,
            "head": self.head,
            "offset": self.offset,
            "guard": self.guard,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FilePosition:
        return cls(
            source=str(data["source"]),
            path=str(data["path"]),
            dev=int(data["dev"]),
            ino=int(data["ino"]),
            head=str(data["head"]),
            offset=int(data["offset"]),
            guard=str(data.get("guard", "")),  # a session saved before it had none
        )


@dataclass(slots=True)
class Followed:
    origin: str  # the path it had when first seen: names its lines' source even after a rename
    path: str
    dev: int
    ino: int  # 0 when the platform gives none: identity falls back on ``head``
    head: bytes
    offset: int
    partial: bytes = b""
    in_patterns: bool = True
    last_growth: float = field(default_factory=time.monotonic)
    at_start: bool = True  # offset 0 not yet passed: strip a byte order mark (UTF-8 or UTF-16)
    mtime_ns: int = -1
    codec: str = ""  # the encoding its lines are read in, once its first bytes said it (logtext.file_encoding)
    newline: bytes = b"\n"  # where its lines end in that encoding
    # the last bytes read before ``offset``: a file rewritten from its start past it, its first bytes the same (an
    # application's banner), no longer holds them there
    guard: bytes = b""
    # a copy of a followed file seen before its truncation (copytruncate), perhaps still being written: its bytes are
    # that file's, read there (or from the copy once the file is truncated), never as its own lines
    mirror: bool = False

    def same_file(self, dev: int, ino: int, head: bytes | None) -> bool:
        if self.ino and ino:
            return self.ino == ino and self.dev == dev
        if head is None or not self.head:
            return False
        n = min(len(self.head), len(head))
        return n > 0 and self.head[:n] == head[:n]


def open_shared(path: str) -> BinaryIO:
    """Open for reading without ever blocking the writer's rename or delete.

    On Windows, ``open()`` does not pass ``FILE_SHARE_DELETE``: an application renaming its log at the
    very moment we read it would fail. There the file is opened with CreateFileW and every share
    flag; anywhere else (or if that fails) with ``open()``.
    """
    if os.name == "nt":  # pragma: no cover - exercised on Windows only
        try:
            return _open_shared_windows(path)
        except OSError:
            pass
    return open(path, "rb")


def _open_shared_windows(path: str) -> BinaryIO:  # pragma: no cover - Windows only
    import ctypes
    import msvcrt
    from ctypes import wintypes

    generic_read, share_all, open_existing = 0x80000000, 0x1 | 0x2 | 0x4, 3
    create = ctypes.windll.kernel32.CreateFileW  # type: ignore[attr-defined]
    create.restype = wintypes.HANDLE
    create.argtypes = [
        wintypes.LPCWSTR,
        wintypes.DWORD,
        wintypes.DWORD,
        wintypes.LPVOID,
        wintypes.DWORD,
        wintypes.DWORD,
        wintypes.HANDLE,
    ]
    handle = create(os.path.abspath(path), generic_read, share_all, None, open_existing, 0x80, None)
    if handle in (None, wintypes.HANDLE(-1).value):
        raise ctypes.WinError()  # type: ignore[attr-defined]
    try:
        fd = msvcrt.open_osfhandle(handle, os.O_RDONLY | os.O_BINARY)  # type: ignore[attr-defined]
    except OSError:
        ctypes.windll.kernel32.CloseHandle(handle)  # type: ignore[attr-defined]
        raise
    return os.fdopen(fd, "rb")


#: (path, st_dev, inode or 0, size, head bytes when there is no inode, st_mtime_ns)
Candidate = tuple[str, int, int, int, bytes | None, int]


def position_of(followed: Followed) -> FilePosition:
    guard = followed.guard[: max(0, len(followed.guard) - len(followed.partial))]  # the bytes before the position
    return FilePosition(
        source=followed.origin,
        path=followed.path,
        dev=followed.dev,
        ino=followed.ino,
        head=followed.head.hex(),
        offset=followed.offset - len(followed.partial),
        guard=guard.hex(),
    )


def last_line_end(path: str, size: int, newline: bytes = b"\n") -> int:
    """Offset just after the last line end (``newline``: ``\\n`` in the file's encoding; a lone ``\\r`` ends a line
    too, :func:`~testbench.traces.logtext.last_break`): a line being written when following starts is read whole."""
    start = max(0, size - 65536)
    start -= start % len(newline)  # at a character boundary (UTF-16)
    try:
        with open_shared(path) as handle:
            handle.seek(start)
            tail = handle.read(size - start)
    except OSError:
        return size
    cut, end = last_break(tail, newline)
    if cut < 0:
        return size - (size - start) % len(newline) if start else 0
    return start + end


#: What a rotation appends to a log's name, after ``.``, ``-`` or ``_``, when it stamps it with a date: Python's
#: TimedRotatingFileHandler (``app.log.2026-12-07``, ``app.log.2026-12-07_08-30-15``), logrotate's ``dateext``
#: (``app.log-20261207``, ``app.log-2026120708``, ``app.log-1765096215`` for ``%s``).
_DATED = re.compile(r"[0-9]{4}-?[0-9]{2}-?[0-9]{2}(?:[_T-]?[0-9]{2}(?:-?[0-9]{2}(?:-?[0-9]{2})?)?)?|[0-9]{9,11}")
#: what a rotation that compresses old logs appends (``app.log.2.gz``): such a file is no text to read as lines
COMPRESSED = (".gz", ".bz2", ".xz", ".zst", ".zip", ".z")


def rotation_rank(path: str, base: str) -> tuple[str, int | str] | None:
    """How old ``path`` is among the files a rotation made of the log ``base``, by its name alone; None when it is no
    such file (another name, or compressed: no text to read as lines).

    A form and a rank in it, greater for a younger file: numbered (RotatingFileHandler, logrotate: ``app.log.1`` is
    younger than ``app.log.2``) or dated (``app.log.2026-12-07``, ``app.log-20261207``: a later date). Two ranks
    compare only within one form (the same separator, the same digits' layout); across forms only the files'
    modification times can tell."""
    if not path.startswith(base) or path.lower().endswith(COMPRESSED):
        return None
    sep, suffix = path[len(base) : len(base) + 1], path[len(base) + 1 :]
    if sep == "." and suffix.isascii() and suffix.isdigit():
        return "#", -int(suffix)
    if sep in (".", "-", "_") and _DATED.fullmatch(suffix):
        return sep + re.sub("[0-9]", "9", suffix), suffix
    return None


def read_head(path: str) -> bytes | None:
    try:
        with open_shared(path) as handle:
            return handle.read(HEAD_BYTES)
    except OSError:
        return None
