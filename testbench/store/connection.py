"""Connections to a session file: its errors, its pragmas, its WAL folded back, read-only opening.

A session stays one file: a writer or the last reader to close folds the WAL into it
(:func:`fold_wal`). SQLite's failures reach a person as :class:`SessionError` in words
(:func:`sqlite_reason`), a failing disk as :class:`SessionWriteError`.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path, PurePath
from urllib.parse import quote

from filelock import FileLock, Timeout

from testbench.store import codec
from testbench.store.schema import SCHEMA_VERSION, ForeignDatabase, refuse_foreign


class SessionError(Exception):
    """The session file cannot be used as asked (locked, unreadable, too new, missing)."""


class SessionLocked(SessionError):
    pass


class SessionWriteError(SessionError):
    """A write failed (disk full, I/O error): nothing of it was kept, everything before it is intact."""


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


#: how long a writer waits for the lock: a closing reader holds it for the few milliseconds of a checkpoint
WRITER_WAIT = 0.5
#: SQLite's primary result codes that mean the disk, not the file, failed a write
_WRITE_FAILURES = (sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR)


def is_write_failure(exc: sqlite3.Error) -> bool:
    return ((getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF) in _WRITE_FAILURES


def write_error(path: Path, exc: sqlite3.Error) -> SessionWriteError:
    return SessionWriteError(
        f"{path}: écriture impossible ({sqlite_reason(exc)}) ; la session est intacte jusqu'au dernier "
        "événement enregistré : libérez de l'espace disque puis reprenez avec --resume"
    )


#: What SQLite said, in French (its own words are English); by its primary result code
_SQLITE_REASONS = {
    sqlite3.SQLITE_NOTADB: "pas une base SQLite",
    sqlite3.SQLITE_CORRUPT: "base SQLite endommagée",
    sqlite3.SQLITE_FULL: "disque plein",
    sqlite3.SQLITE_IOERR: "erreur d'entrée-sortie du disque",
    sqlite3.SQLITE_CANTOPEN: "ouverture impossible",
    sqlite3.SQLITE_PERM: "accès refusé (droits insuffisants)",
    sqlite3.SQLITE_READONLY: "accès refusé (droits insuffisants)",
    sqlite3.SQLITE_BUSY: "base occupée par un autre processus",
    sqlite3.SQLITE_LOCKED: "base occupée par un autre processus",
}


def damage_reason(exc: BaseException) -> str | None:
    """Why a session file could not be read, when ``exc`` is SQLite saying so mid-command (a page damaged on
    disk shows only when a query reaches it); None for any other exception."""
    return sqlite_reason(exc) if isinstance(exc, sqlite3.DatabaseError) else None


def sqlite_reason(exc: sqlite3.Error) -> str:
    """Why SQLite failed, worded for a person (French; the translator reads it in English)."""
    code = (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF
    if code in _SQLITE_REASONS:
        return _SQLITE_REASONS[code]
    return f"erreur SQLite {getattr(exc, 'sqlite_errorname', None) or type(exc).__name__}"


class WriterConnection(sqlite3.Connection):
    """The one writer's connection. It remembers the journal chain's head (seq, hash) from its own
    appends, so an entry is linked without reading the head back: nobody else writes the file (the
    writer lock). The store forgets it (``chain_tip = None``) at every rollback."""

    chain_tip: tuple[int, str] | None = None


#: ``PRAGMA synchronous`` of the writer's commits: what a person gives and every write outside a case
#: is synced to the disk when committed; a case's batched commits are only handed to the system
#: (a killed process loses none of them; see ``SessionStore``'s docstring for the rule)
SYNC_DURABLE = "FULL"
SYNC_BATCH = "NORMAL"


def connect_writer(path: Path) -> WriterConnection:
    try:
        conn = sqlite3.connect(
            path, isolation_level=None, check_same_thread=False, timeout=10, factory=WriterConnection
        )
        refuse_foreign(conn)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute(f"PRAGMA synchronous = {SYNC_DURABLE}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 10000")
    except sqlite3.DatabaseError as exc:
        if is_write_failure(exc):
            raise write_error(path, exc) from exc
        raise SessionError(f"{path}: n'est pas un fichier de session lisible ({sqlite_reason(exc)})") from None
    except ForeignDatabase as exc:
        conn.close()
        raise SessionError(f"{path}: {exc}") from None
    return conn


def checkpoint(conn: sqlite3.Connection) -> None:
    """Copy the WAL into the file and empty it; a no-op (never a wait) while another connection reads.

    A checkpoint only copies committed pages, so it cannot lose anyone's data; when a reader holds
    the WAL, the last one to close folds it (:func:`fold_wal`).
    """
    with contextlib.suppress(sqlite3.Error):
        timeout = conn.execute("PRAGMA busy_timeout").fetchone()[0]
        conn.execute("PRAGMA busy_timeout = 0")
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        finally:
            conn.execute(f"PRAGMA busy_timeout = {int(timeout)}")


def sqlite_uri(path: PurePath, mode: str) -> str:
    """The ``file:`` URI SQLite opens ``path`` (absolute) with in ``mode`` (``ro``, ``rw``).

    Not ``Path.as_uri()``: a Windows UNC path (``\\\\serveur\\partage\\s.tbsession``, and a mapped drive once
    resolved) becomes ``file://serveur/partage/…``, whose authority SQLite refuses (« invalid uri authority »).
    SQLite's rules: an empty authority, then the path; on Windows a leading ``/X:`` loses its ``/`` and
    ``//serveur/partage`` is a UNC path; ``%HH`` is decoded, and ``?`` and ``#`` end the path, so those three are
    escaped (as are spaces and letters outside ASCII, which it decodes back)."""
    text = path.as_posix()  # C:/…, //serveur/partage/… or /home/…
    if not text.startswith("/"):
        text = "/" + text  # a drive: file:///C:/…
    return f"file://{quote(text, safe='/:')}?mode={mode}"


def fold_wal(path: Path) -> None:
    """Fold a leftover WAL into the session file when nobody writes it; best effort, never blocks.

    Holding the writer lock proves no writer is running; readers still open make the checkpoint
    report busy, and the last of them folds it when it closes. A read-only medium is left as is.
    """
    wal = path.with_name(path.name + "-wal")
    try:
        if not wal.exists():
            return
        lock = FileLock(lock_path(path), timeout=0)
        lock.acquire()
    except (OSError, Timeout):
        return
    try:
        conn = sqlite3.connect(sqlite_uri(path.resolve(), "rw"), uri=True, isolation_level=None, timeout=0)
        try:
            checkpoint(conn)
        finally:
            conn.close()  # the last connection to close also removes the emptied WAL
    except sqlite3.Error:
        pass
    finally:
        lock.release()


class ReaderConnection(sqlite3.Connection):
    """A read-only connection whose close leaves the session in its one file when it was the last user."""

    session_path: Path | None = None

    def close(self) -> None:
        super().close()
        if self.session_path is not None:
            path, self.session_path = self.session_path, None
            fold_wal(path)


def connect_readonly(path: Path) -> ReaderConnection:
    """A read-only connection to ``path``, after folding a WAL nobody writes any more."""
    fold_wal(path)
    conn = sqlite3.connect(
        sqlite_uri(path.resolve(), "ro"), uri=True, check_same_thread=False, factory=ReaderConnection
    )
    conn.session_path = path
    return conn


def open_readonly(path: str | Path) -> sqlite3.Connection:
    """Open a session for reading only (reports, TUI, diff); works while a run writes it."""
    path = Path(path)
    if path.is_dir():  # a folder given for a session (merge s1 cards…) is not said « introuvable »
        raise SessionError(f"{path}: est un dossier, pas un fichier de session")
    if not path.is_file():
        raise SessionError(f"{path}: fichier de session introuvable")
    try:
        conn = connect_readonly(path)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise SessionError(f"{path}: n'est pas un fichier de session lisible ({sqlite_reason(exc)})") from None
    if version == 0 or version > SCHEMA_VERSION:
        conn.close()
        raise SessionError(f"{path}: schéma de session {version} non pris en charge (attendu 1..{SCHEMA_VERSION})")
    return conn


def describe_writer(path: Path) -> str:
    try:
        conn = open_readonly(path)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = 'writer'").fetchone()
        finally:
            conn.close()
    except (SessionError, sqlite3.DatabaseError):
        return ""
    if not row:
        return ""
    writer = codec.loads(row[0])
    return f" (pid {writer.get('pid')} sur {writer.get('host')})"
