"""Whether a session file lies on a network share, where SQLite cannot promise a safe write.

SQLite's write-ahead log needs shared memory and byte-range locks that network file systems (SMB/CIFS,
NFS, sshfs…) do not give reliably (sqlite.org, « WAL does not work over a network filesystem »). Offices
often redirect « Documents » to such a share: the bench says so when it opens a session there, and the
person moves it to a local disk (copied to the share afterwards, once closed). A folder a sync client
keeps (OneDrive, where Windows puts « Documents » and « Bureau » on many machines) is said too: the
client opens the files while it uploads them and makes conflict copies of a session being written.
"""

from __future__ import annotations

import ntpath
import os
import posixpath
import sys
from collections.abc import Callable, Mapping
from pathlib import Path, PurePath, PureWindowsPath

#: Linux file system types that are network shares (/proc/self/mounts, third field)
NETWORK_TYPES = frozenset(
    {"cifs", "smb3", "smbfs", "nfs", "nfs4", "afs", "ceph", "glusterfs", "9p", "davfs", "ncpfs", "lustre"}
)
NETWORK_FUSE = ("fuse.sshfs", "fuse.davfs2", "fuse.rclone", "fuse.s3fs", "fuse.glusterfs")
MOUNTS = Path("/proc/self/mounts")


def network_share(session: Path) -> str | None:
    """The network share the session file would be on (« cifs », « \\\\serveur\\partage », « Z: »), None on a
    local disk or when nothing can tell."""
    folder = _existing(session.absolute().parent)
    if sys.platform == "win32":
        return _windows_share(folder)
    try:
        table = MOUNTS.read_text(encoding="utf-8", errors="replace")
    except OSError:  # no /proc (macOS): nothing to tell
        return None
    return share_in_mounts(table, folder)


def share_in_mounts(table: str, folder: Path) -> str | None:
    """The network file system type of the mount that holds ``folder``, from a mounts table's text."""
    best, kind = "", ""
    target = folder.as_posix()
    for line in table.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point = _unescape(fields[1])
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):  # the deepest mount holding the folder decides
            best, kind = point, fields[2]
    return kind if kind in NETWORK_TYPES or kind.startswith(NETWORK_FUSE) else None


def _unescape(field: str) -> str:
    """A mount point as the kernel writes it (space, tab, newline and backslash in octal: ``\\040``)."""
    for code, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        field = field.replace(code, char)
    return field


#: the prefixes of Windows' long and device paths (``\\\\?\\C:\\…``, ``\\\\.\\C:\\…``): what follows is a drive, a
#: volume or, after ``UNC\\``, a share — a long local path (the form ``Path.resolve`` gives past 260 characters)
#: is not a share
_DEVICE_PREFIXES = ("\\\\?\\", "\\\\.\\")
#: GetDriveTypeW's answer for a mapped network drive (DRIVE_REMOTE)
_DRIVE_REMOTE = 4


def windows_root(path: str | PureWindowsPath) -> tuple[str | None, str]:
    """Where a Windows path lies: (``\\\\server\\share``, "") on a share, (None, its drive: ``C:``, or a volume's
    ``\\\\?\\Volume{…}``) on a local one, (None, "") for a relative path. Read from the text alone: ``\\\\?\\C:\\…``
    and ``\\\\.\\C:\\…`` are the drive ``C:``, ``\\\\?\\UNC\\server\\share\\…`` is the share ``\\\\server\\share``."""
    text = str(path).replace("/", "\\")
    if text[:4] in _DEVICE_PREFIXES:
        rest = text[4:]
        if rest[:4].upper() == "UNC\\":
            return _share(rest[4:]), ""
        first = rest.split("\\", 1)[0]
        return None, first if _is_drive(first) else text[:4] + first
    if text.startswith("\\\\"):
        return _share(text[2:]), ""
    return None, text[:2] if _is_drive(text[:2]) else ""


def without_device_prefix(path: str | PureWindowsPath) -> str:
    """A Windows path in its ordinary form, with backslashes: ``\\\\?\\C:\\…`` and ``\\\\.\\C:\\…`` as ``C:\\…``,
    ``\\\\?\\UNC\\nas\\…`` as ``\\\\nas\\…`` (:func:`windows_root`); a volume's ``\\\\?\\Volume{…}\\…``, which
    has no other name, as it is."""
    text = str(path).replace("/", "\\")
    if text[:4] in _DEVICE_PREFIXES:
        share, drive = windows_root(text)
        if share is not None:
            return "\\\\" + text[8:]  # \\?\UNC\nas\… is \\nas\…
        if _is_drive(drive):
            return text[4:]
    return text


def _share(rest: str) -> str:
    """``\\\\server\\share`` from ``server\\share\\…`` (what follows a UNC path's leading backslashes)."""
    return "\\\\" + "\\".join(rest.split("\\")[:2])


def _is_drive(text: str) -> bool:
    return len(text) == 2 and text[1] == ":" and text[0].isascii() and text[0].isalpha()


def _windows_share(folder: PurePath, drive_type: Callable[[str], int] | None = None) -> str | None:
    """The share ``folder`` is on (``\\\\server\\share``, or a mapped drive's ``Z:``), None on a local disk;
    ``drive_type``: GetDriveTypeW (the system's, unless a test gives its own)."""
    share, drive = windows_root(folder)
    if share is not None:
        return share
    if not drive:
        return None
    if drive_type is None:
        import ctypes

        drive_type = ctypes.windll.kernel32.GetDriveTypeW  # type: ignore[attr-defined]
    return drive if drive_type(drive + "\\") == _DRIVE_REMOTE else None


def _existing(folder: Path) -> Path:
    """The folder, or its nearest existing parent (a session in a folder not made yet). ``os.path.exists``:
    it answers False where ``Path.exists`` raises (a parent the user may not walk, Python 3.11)."""
    while not os.path.exists(folder) and folder.parent != folder:
        folder = folder.parent
    try:
        return folder.resolve()  # a symbolic link to a share is on the share
    except OSError:
        return folder


#: where the sync clients say their folder is (OneDrive sets these on Windows)
SYNCED_FOLDERS = ("OneDrive", "OneDriveCommercial", "OneDriveConsumer")


def synced_folder(session: Path, environ: Mapping[str, str] = os.environ) -> str | None:
    """The synced folder (OneDrive) that holds ``session``, as its variable names it; None elsewhere. The folder is
    looked at as given and resolved: a link or a substituted drive into OneDrive is in it too."""
    given = session.absolute().parent
    windows = sys.platform == "win32"
    for folder in (given, _existing(given)):
        if (name := synced_root(str(folder), environ, windows=windows)) is not None:
            return name
    return None


def synced_root(folder: str, environ: Mapping[str, str], *, windows: bool) -> str | None:
    """The variable of :data:`SYNCED_FOLDERS` whose folder holds the absolute ``folder``, from the text alone. On
    Windows the comparison ignores case (as NTFS does), the separator written and the ``\\\\?\\`` and
    ``\\\\.\\`` forms (:func:`windows_root`), so ``c:/users/x/onedrive/`` holds
    ``\\\\?\\C:\\Users\\x\\OneDrive\\Documents``; elsewhere paths are compared as they are written. A variable that
    is unset, empty or relative names no folder."""
    inside = _comparable(folder, windows=windows)
    separator, isabs = ("\\", ntpath.isabs) if windows else ("/", posixpath.isabs)
    for name in SYNCED_FOLDERS:
        root = (environ.get(name) or "").strip().strip('"')  # set with its quotes: set OneDrive="C:\…"
        if not isabs(root):  # unset, empty, or relative: names no folder
            continue
        top = _comparable(root, windows=windows).rstrip(separator)
        if inside == top or inside.startswith(top + separator):
            return name
    return None


def _comparable(path: str, *, windows: bool) -> str:
    """``path`` in the one written form two names of a folder share: normalised, and on Windows without its device
    prefix on a drive or a share (``\\\\?\\C:\\…`` is ``C:\\…``, ``\\\\?\\UNC\\nas\\…`` is
    ``\\\\nas\\…``) and in lower case."""
    if not windows:
        return posixpath.normpath(path)
    return ntpath.normcase(ntpath.normpath(without_device_prefix(path)))


def share_warning(session: Path) -> str | None:
    """What the bench says when ``session`` is on a network share or in a synced folder (French, as every
    notice), else None."""
    share = network_share(session)
    if share is not None:
        return (
            f"{session} : session sur un partage réseau ({share}) ; SQLite n'y garantit pas une écriture sûre"
            " — gardez la session sur un disque local et copiez-la ensuite"
        )
    synced = synced_folder(session)
    if synced is not None:
        return (
            f"{session} : session dans un dossier synchronisé ({synced}) ; le client de synchronisation ouvre"
            " les fichiers pendant l'envoi et fait des copies en conflit — gardez la session dans un dossier"
            " local non synchronisé et copiez-la ensuite"
        )
    return None
