"""Whether a file the application writes has changed since the bench last looked: its signature.

A file's modification time and size are what a stat gives, and most files cost no more. But a coarse clock (FAT:
2 s, an SMB share) leaves a file rewritten at the same size within one tick with the same time and size: an FSE or
a lot the application writes again for the next step, with other amounts in it. So a file modified lately
(:data:`HOT_S`) is known by a digest of its content as well. One rule for both operator modes: the plain one
capturing a step's files, and the assisted one reading them.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

#: what says a file changed: its modification time, its size, and, for a file modified lately (:data:`HOT_S`), a
#: digest of its content (:func:`digest`), else ""
Signature = tuple[float, int, str]
Snapshot = dict[Path, Signature]
#: how near now (either way: a share's server has its own clock, a client caches a file's times a while) a file's
#: modification time must be for a rewrite to keep it; a file older than that that is rewritten gets another time
HOT_S = 60.0
#: up to this size a file's digest is of its whole content (256 KiB: 0.4 ms); beyond it, of its first and last
#: :data:`DIGEST_ENDS` bytes with its size (0.1 ms, a 1 MB lot included): it is taken at each poll for each file
#: modified lately, while the bench waits for a step's outputs
DIGEST_WHOLE = 256 << 10
DIGEST_ENDS = 64 << 10


def snapshot(paths: Sequence[Path], *, digests: bool = True) -> Snapshot:
    """Each file's :data:`Signature`: a stat, and a digest of those modified lately only (few: the step's outputs);
    a file gone meanwhile is left out. ``digests=False``: stats only, for a listing compared to one that has them
    (:func:`same` takes a digest then only where it matters)."""
    out: Snapshot = {}
    for path in paths:
        try:
            st = path.stat()
        except OSError:
            continue
        out[path] = (st.st_mtime, st.st_size, digest(path) if digests and hot(st.st_mtime) else "")
    return out


def hot(mtime: float) -> bool:
    """Whether a file modified at ``mtime`` may still be rewritten with that very time (:data:`HOT_S`)."""
    return abs(time.time() - mtime) < HOT_S


def same(then: Sequence[Any] | None, now: Signature, path: Path) -> bool:
    """Whether ``path``, found at ``now``, is as it was at ``then`` (None: not there then): the same time and size, and,
    when ``then`` holds a digest (the file was modified lately), the same content — rewritten at the same size within
    one tick of a coarse clock (FAT, an SMB share), a file keeps its time and size. The digest is taken now only then:
    a stat is all most files cost."""
    if then is None or (then[0], then[1]) != (now[0], now[1]):
        return False
    kept = then[2] if len(then) > 2 else ""
    return not kept or kept == (now[2] or digest(path))


def digest(path: Path) -> str:
    """The digest :func:`data_digest` gives of the file's bytes, reading only the bytes it hashes; "" if it cannot be
    read (then the file counts as changed, and is looked at again)."""
    try:
        with path.open("rb") as handle:
            handle.seek(0, 2)
            size = handle.tell()
            handle.seek(0)
            if size <= DIGEST_WHOLE:
                return data_digest(handle.read())
            head = handle.read(DIGEST_ENDS)
            handle.seek(size - DIGEST_ENDS)
            return _ends_digest(head, handle.read(DIGEST_ENDS), size)
    except OSError:
        return ""


def data_digest(data: bytes) -> str:
    """A digest of a file's content: of all of it up to :data:`DIGEST_WHOLE` bytes, else of its ends and size."""
    if len(data) <= DIGEST_WHOLE:
        return hashlib.blake2b(data, digest_size=16).hexdigest()
    return _ends_digest(data[:DIGEST_ENDS], data[-DIGEST_ENDS:], len(data))


def _ends_digest(head: bytes, tail: bytes, size: int) -> str:
    hashed = hashlib.blake2b(head, digest_size=16)
    hashed.update(tail)
    hashed.update(str(size).encode("ascii"))
    return hashed.hexdigest()
