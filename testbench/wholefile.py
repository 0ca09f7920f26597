"""Write a file whole or not at all: a temporary file beside the target, synced, then renamed over it, so a
reader (a CI step publishing a JUnit file, a reviewer opening a diff) never meets an empty or cut file, and a
full disk leaves the previous file as it was. The rename is atomic on POSIX and on Windows. The file gets the
permissions a plain write would leave: the replaced file's, else what the umask allows (a team folder's
colleagues read a casebook or a workbook written here as they read the rest)."""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Sequence
from pathlib import Path


class UnwrittenFile(Exception):
    """:func:`write_all` could not write ``target`` (``cause`` says why); none of its files was replaced."""

    def __init__(self, target: Path, cause: OSError) -> None:
        super().__init__(target, cause)
        self.target, self.cause = target, cause


def write_whole(target: Path, data: bytes, *, mode: int | None = None) -> None:
    """Write ``data`` at ``target`` whole or not at all (an ``OSError`` says why, nothing left beside it);
    ``mode``: the file's permissions, when not those of a plain write."""
    name = _staged(target, data, mode)
    try:
        os.replace(name, target)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def write_all(files: Sequence[tuple[Path, bytes]], *, mode: int | None = None) -> None:
    """Write every (target, data) whole, or none of them (:class:`UnwrittenFile` names the first that failed):
    all are written beside their targets and synced before the first is renamed, so a disk that fills on the
    second leaves the first target as it was too."""
    staged: list[tuple[str, Path]] = []
    try:
        for target, data in files:
            try:
                staged.append((_staged(target, data, mode), target))
            except OSError as exc:
                raise UnwrittenFile(target, exc) from exc
        for name, target in staged:
            try:
                os.replace(name, target)
            except OSError as exc:
                raise UnwrittenFile(target, exc) from exc
    finally:
        for name, _ in staged:
            Path(name).unlink(missing_ok=True)


def _staged(target: Path, data: bytes, mode: int | None) -> str:
    """``data`` in a synced temporary file beside ``target`` (its name); nothing left when it fails."""
    name = str(target.parent / f".{target.name}.{secrets.token_hex(6)}.tmp")
    # 0o666 as open() asks, so that the umask decides (mkstemp's 0o600 left every file owner-only)
    fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if mode is None:
            mode = _mode_of(target)
        if mode is not None:
            os.chmod(name, mode)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return name


def _mode_of(target: Path) -> int | None:
    """The permissions of the file ``target`` replaces, None when there is none."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        return None
