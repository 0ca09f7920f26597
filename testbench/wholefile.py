"""Write a file whole or not at all: a temporary file beside the target, synced, then renamed over it, so a
reader (a CI step publishing a JUnit file, a reviewer opening a diff) never meets an empty or cut file, and a
full disk leaves the previous file as it was. The rename is atomic on POSIX and on Windows."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_whole(target: Path, data: bytes, *, mode: int | None = None) -> None:
    """Write ``data`` at ``target`` whole or not at all (an ``OSError`` says why, nothing left beside it);
    ``mode``: the file's permissions (the temporary file is owner-only, as ``mkstemp`` makes it)."""
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if mode is not None:
            os.chmod(name, mode)
        os.replace(name, target)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
