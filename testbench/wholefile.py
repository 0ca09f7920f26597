"""Write a file whole or not at all: a temporary file beside the target, synced, then renamed over it, so a
reader (a CI step publishing a JUnit file, a reviewer opening a diff) never meets an empty or cut file, and a
full disk leaves the previous file as it was. The rename is atomic on POSIX and on Windows. The file gets the
permissions a plain write would leave: the replaced file's, else what the umask allows (a team folder's
colleagues read a casebook or a workbook written here as they read the rest).

Windows refuses to rename over a file another program holds open, and says so as a lack of rights
(``ERROR_ACCESS_DENIED``): a moment's hold (an antivirus scanning the new file, the search indexer, a sync client)
is waited out, and a lasting one (the JUnit file or the workbook open in Excel, the report in a PDF reader) is
raised as the sharing violation it is, which :func:`testbench.fmt.os_reason` words « fichier ouvert dans un
autre programme »."""

from __future__ import annotations

import os
import secrets
import stat
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from testbench.fmt import WINDOWS_FILE_IN_USE

#: Windows: the pauses (seconds) before the rename is tried again, about a second in all: a moment's hold on
#: the new file or the replaced one by another program ends within it, a person's open file does not
WINDOWS_RETRIES = (0.05, 0.1, 0.15, 0.3, 0.4)
#: what a temporary file's name adds to the target's: ``.``, ``.``, twelve hexadecimal digits, ``.tmp``
_MARKS = 18
#: the start of the target's name a temporary file keeps at least, so that one left behind says whose it was
_KEPT = 32


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
        replace_over(name, target)
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
                replace_over(name, target)
            except OSError as exc:
                raise UnwrittenFile(target, exc) from exc
    finally:
        for name, _ in staged:
            Path(name).unlink(missing_ok=True)


def replace_over(name: str | Path, target: Path) -> None:
    """``os.replace(name, target)``, for every rename over, or away from, a file a person may have open; on
    Windows, tried again while another program holds a file a moment, and a file still held open (the target,
    else the one renamed: a report's ``report.pdf`` moved aside while a PDF reader shows it, or a file in the
    folder renamed) raised as the sharing violation opening it gives (the rename's own error reads as a lack of
    rights)."""
    if sys.platform != "win32":
        os.replace(name, target)
        return
    for pause in (*WINDOWS_RETRIES, None):
        try:
            os.replace(name, target)
            return
        except PermissionError as exc:
            if pause is None:
                held = _held_open(target) or _held_open(Path(name))
                if held is None:
                    raise
                raise held from exc
            time.sleep(pause)


def _held_open(target: Path) -> OSError | None:
    """The sharing violation Windows gives when ``target`` is opened for writing while another program holds it
    (Excel, a PDF reader), None when it is not so held or is absent. A folder (a report's ``evidence/``) cannot
    be renamed while a file in it is held: the first such file's. Opened without truncating or creating: nothing
    in it changes."""
    if os.path.isdir(target):
        for folder, _, names in os.walk(target):
            for name in names:
                if (held := _held_open(Path(folder) / name)) is not None:
                    return held
        return None
    try:
        fd = os.open(target, os.O_WRONLY | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        return exc if getattr(exc, "winerror", None) in WINDOWS_FILE_IN_USE else None
    os.close(fd)
    return None


def _staged(target: Path, data: bytes, mode: int | None) -> str:
    """``data`` in a synced temporary file beside ``target`` (its name); nothing left when it fails."""
    # a long name cut so that the temporary's is no longer than the target's: a name of 50 characters or more that
    # fits the file system's limits (255 a name; 260 a path on Windows) fits for its temporary file as well (a
    # shorter one keeps its first 32 characters, and may still pass a path's limit that the target just met)
    kept = target.name[: max(len(target.name) - _MARKS, _KEPT)]
    name = str(target.parent / f".{kept}.{secrets.token_hex(6)}.tmp")
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
