"""Connections to a session file: its errors, its pragmas, its WAL folded back, read-only opening.

A session stays one file: a writer or the last reader to close folds the WAL into it
(:func:`fold_wal`). SQLite's failures reach a person as :class:`SessionError` in words
(:func:`sqlite_reason`), a failing disk as :class:`SessionWriteError`. A session on a read-only medium
(a write-protected USB stick, a CD, a read-only share, a folder without write permission) is read as it
is (:func:`connect_readonly`).
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import json
import os
import re
import shutil
import sqlite3
import stat
import sys
import tempfile
import threading
import weakref
from collections.abc import Iterable
from pathlib import Path, PurePath, PureWindowsPath
from urllib.parse import quote

from filelock import FileLock, Timeout

from testbench.fmt import byte_size, os_reason
from testbench.i18n import _t
from testbench.store import codec
from testbench.store.location import without_device_prefix
from testbench.store.schema import SCHEMA_VERSION, ForeignDatabase, refuse_foreign


class SessionError(Exception):
    """The session file cannot be used as asked (locked, unreadable, too new, missing)."""


class SessionLocked(SessionError):
    pass


class SessionWriteError(SessionError):
    """A write failed (disk full, I/O error): nothing of it was kept, everything before it is intact."""


class SessionVanished(SessionWriteError):
    """The session file left its path while a run wrote it (deleted, its drive pulled or unmounted): SQLite
    goes on writing into the open, unreachable file, so the run must stop rather than report a success that
    nothing on disk keeps."""


#: what a run says when its session file is gone from under it (:meth:`SessionStore.check_present`)
SESSION_VANISHED = _t(
    "le fichier de session {path} a disparu (supprimé ou son support retiré) : la campagne est arrêtée, ses"
    " derniers enregistrements ne sont pas dans le fichier ; remettez le support en place puis reprenez-la (run"
    " --resume), ou relancez-la si le fichier a été supprimé"
)
#: the same, said in the workstation (:func:`testbench.tui.execution.run_cases`): its user reopens the
#: session there, no command to type
SESSION_VANISHED_WORKSTATION = _t(
    "le fichier de session {path} a disparu (supprimé ou son support retiré) : la campagne est arrêtée, ses"
    " derniers enregistrements ne sont pas dans le fichier ; remettez le support en place, quittez le poste"
    " d'examen et rouvrez-y la session pour la reprendre, ou relancez la campagne si le fichier a été supprimé"
)


def file_identity(path: Path) -> tuple[int, int] | None:
    """The identity of the file at ``path`` (device, inode; a volume and a file index on Windows): another file
    put at the path (a copy put back) has another one; None when there is no file to reach there (deleted, its
    drive pulled or unmounted: the system refuses the look-up)."""
    try:
        status = os.stat(path)
    except (OSError, ValueError):
        return None
    return status.st_dev, status.st_ino


#: what the system says of one file (device, inode, size, modification and change times in ns — the change time
#: follows a copy that set the modification time back, ``cp -p``), None when it cannot reach it
FileStamp = tuple[int, int, int, int, int] | None


def session_stamp(path: Path) -> tuple[FileStamp, FileStamp]:
    """What the system says of the session file and of its ``-wal`` (:data:`FileStamp`, no SQLite read): every write
    changes it — a commit lands in the ``-wal``, a checkpoint in the file — and so does a file copied over the session
    or put at its path, which no SQLite connection sees as a commit. Compared between two looks, it tells the session
    changed in between, however briefly its writer held it. An empty ``-wal`` counts as none: each reader's close
    empties it again (:func:`fold_wal`), which changes nothing of the session."""
    wal = _stamp(companion(path, "-wal"))
    return _stamp(path), wal if wal is not None and wal[2] else None


def _stamp(path: Path) -> FileStamp:
    try:
        status = os.stat(path)
    except (OSError, ValueError):
        return None
    return status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns


def lock_path(path: Path) -> Path:
    """The writer's lock beside the session file itself: through a symbolic link to it (the file or its folder)
    it is the same lock, so two names of one file never let two writers in."""
    real = Path(os.path.realpath(path))
    return real.with_name(real.name + ".lock")


#: how long a writer waits for the lock: a closing reader holds it for the few milliseconds of a checkpoint
WRITER_WAIT = 0.5
#: SQLite's primary result codes that mean the disk, not the file, failed a write
_WRITE_FAILURES = (sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR)


def is_write_failure(exc: sqlite3.Error) -> bool:
    return ((getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF) in _WRITE_FAILURES


#: a write the disk refused in a session that holds its records so far: resumed once its cause is gone
WRITE_FAILED = _t(
    "{path} : écriture impossible ({reason}) ; la session est intacte jusqu'au dernier événement enregistré : {fix}"
    " puis reprenez-la (run --resume ; le poste d'examen la reprend en la rouvrant)"
)
#: the same refused before the session existed: nothing to resume, the command is run again
NOT_CREATED = _t(
    "{path} : écriture impossible ({reason}) ; la session n'a pas pu être créée, rien n'a été écrit : {fix} puis"
    " relancez la commande (sans --resume)"
)
#: what frees the write, by its cause (:func:`write_cause`)
FREE_SPACE = _t("libérez de l'espace disque")
RAISE_SIZE_LIMIT = _t("levez la limite de taille des fichiers (ulimit -f)")
UNPROTECT = _t("retirez la protection du fichier (chattr -i)")
ALLOW_WRITES = _t("donnez le droit d'écrire dans le fichier et son dossier")
#: a write refused by the file-size limit of the process (``ulimit -f``): SQLite says only « disk I/O error »; the
#: limit as :func:`testbench.fmt.byte_size` writes a size (« 100 Kio », « 102 401 octets »), read back in English
SIZE_LIMIT = _t("fichier trop grand pour la limite de taille des fichiers, {limit}")
#: a file the system forbids to change whoever asks (``chattr +i``): SQLite says only « disk I/O error »
NOT_PERMITTED = _t("opération non permise, fichier protégé contre toute modification")


def write_error(path: Path, exc: sqlite3.Error, *, created: bool = True) -> SessionWriteError:
    """The write SQLite failed, its real cause named (:func:`write_cause`); ``created`` False: the session could
    not even be made (nothing to resume)."""
    reason, fix = write_cause(path, exc)
    said = WRITE_FAILED if created else NOT_CREATED
    return SessionWriteError(said.format(path=path, reason=reason, fix=fix))


def _try_write(part: Path) -> None:
    """Raise the :class:`OSError` a write to ``part`` meets. A file SQLite holds open in this process is asked by
    ``access(2)`` (EPERM for an immutable file too), never opened: closing a descriptor of it would drop SQLite's
    locks (:func:`held`)."""
    if not held(part):
        os.close(os.open(part, os.O_WRONLY | os.O_APPEND))
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        refused = libc.access(os.fsencode(part), os.W_OK) != 0
        code = ctypes.get_errno() if refused else 0
    except (OSError, AttributeError, TypeError):  # no C library to ask (Windows): its locks are no POSIX ones
        os.close(os.open(part, os.O_WRONLY | os.O_APPEND))
        return
    if refused:
        raise OSError(code, os.strerror(code), str(part))


#: free space under which a disk error is the disk being full: SQLite says « disk I/O error », not « database or
#: disk is full », when the ``-shm`` file cannot grow (SQLITE_IOERR_SHMSIZE: 32 Kio at a session's creation)
_LOW_SPACE = 1 << 20


def _nearly_full(path: Path) -> bool:
    """Whether the disk of ``path``'s folder has less than :data:`_LOW_SPACE` free (False when it cannot say)."""
    try:
        return shutil.disk_usage(path.absolute().parent).free < _LOW_SPACE
    except (OSError, ValueError):
        return False


def _file_size_limit() -> int | None:
    """The largest file this process may write (``ulimit -f``, in bytes); None when unlimited or not POSIX."""
    if sys.platform == "win32":
        return None
    import resource

    limit = resource.getrlimit(resource.RLIMIT_FSIZE)[0]
    return None if limit == resource.RLIM_INFINITY else int(limit)


def write_cause(path: Path, exc: sqlite3.Error) -> tuple[str, str]:
    """(why, what to do) for a write SQLite failed. Its « disk I/O error » or « readonly database » hides the
    system's reason: a file-size limit (EFBIG) or a file the system protects (EPERM, ``chattr +i``) are looked
    for, else its own words."""
    code = (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF
    if code == sqlite3.SQLITE_FULL:
        return sqlite_reason(exc), FREE_SPACE
    if code == sqlite3.SQLITE_IOERR and (limit := _file_size_limit()) is not None:
        return SIZE_LIMIT.format(limit=byte_size(limit, "fr")), RAISE_SIZE_LIMIT
    if code == sqlite3.SQLITE_IOERR and _nearly_full(path):
        return _SQLITE_REASONS[sqlite3.SQLITE_FULL], FREE_SPACE
    for part in (path, companion(path, "-wal")):
        try:
            _try_write(part)
        except FileNotFoundError:
            continue
        except OSError as refused:
            if refused.errno == errno.EPERM:
                return NOT_PERMITTED, UNPROTECT
            return os_reason(refused), ALLOW_WRITES if refused.errno == errno.EACCES else FREE_SPACE
    return sqlite_reason(exc), FREE_SPACE if code in (sqlite3.SQLITE_IOERR, 0) else ALLOW_WRITES


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
    sqlite3.SQLITE_TOOBIG: "base SQLite endommagée (valeur trop grande)",
    sqlite3.SQLITE_NOMEM: "mémoire insuffisante",
}
#: a session's schema number with a table gone: removed by hand or by another program, never by testbench
MISSING_TABLE = "table de la session absente : fichier modifié hors de testbench"
#: a text column whose bytes are no UTF-8: a page damaged on disk (SQLite's words for it, or a writer's own check)
_UNREADABLE_TEXT = "texte de la base endommagé, illisible en UTF-8"
#: What SQLite says without a result code Python keeps (or Python's sqlite3 module says itself), in French; by
#: the start of its message. A text column whose bytes are no UTF-8 is a page damaged on disk.
_MESSAGE_REASONS = (
    ("database disk image is malformed", "base SQLite endommagée"),
    ("file is not a database", "pas une base SQLite"),
    ("could not decode to utf-8", _UNREADABLE_TEXT),
    ("no such table", MISSING_TABLE),
)
#: The reason for any other failure of SQLite, its own words (English) quoted
SQLITE_SAID = "erreur de la base SQLite « {message} »"


def damage_reason(exc: BaseException) -> str | None:
    """Why a session file could not be read, when ``exc`` is SQLite saying so mid-command (a page damaged on
    disk shows only when a query reaches it); None for any other exception — a misuse of the sqlite3 module
    (``ProgrammingError``, ``InterfaceError``: a closed connection, a wrong parameter) is testbench's defect,
    not the file's."""
    if isinstance(exc, (sqlite3.ProgrammingError, sqlite3.InterfaceError)):
        return None
    return sqlite_reason(exc) if isinstance(exc, sqlite3.DatabaseError) else None


#: what reading an open session may raise when the file cannot be read now (:func:`damage_reason` says why): the
#: layers above the store catch it by this name, never importing sqlite3 (tests/test_store_boundary.py)
READ_FAILURES: tuple[type[Exception], ...] = (sqlite3.DatabaseError, SessionError)


#: the first bytes of every SQLite file (its documented header string)
_SQLITE_MAGIC = b"SQLite format 3\x00"
#: a table every session has (README § The session file)
_SESSION_TABLES = ("meta", "runs", "casebooks", "cases", "attempts", "events", "trace_lines")


def damaged_sessions(paths: Iterable[str]) -> list[tuple[str, str]]:
    """(path, reason) for each of ``paths`` that is a session file SQLite finds damaged or incomplete.

    A damaged page shows only when a query reaches it, deep in a command that read two sessions (``diff``,
    ``merge``): SQLite's error names no file. The command's failure net asks this of its arguments to say which
    (:func:`check_structure` reads every page: paid only on that path). Arguments that are no SQLite file
    (a casebook, a folder, an option) are passed over."""
    found = []
    for given in paths:
        path = Path(given)
        if _head(path) != _SQLITE_MAGIC:
            continue
        if (reason := _damage(path)) is not None:
            found.append((given, reason))
    return found


#: a session file with another name on the same disk (a hard link): the writer's lock is a file beside one name, and
#: SQLite's ``-wal`` and ``-shm`` too, so a second writer through the other name sees neither and damages the session
SEVERAL_NAMES = _t(
    "{path} : fichier de session à plusieurs noms (liens physiques) : le verrou d'écriture ne tient qu'à un nom, un"
    " second processus l'écrirait par un autre sans le voir et l'endommagerait ; copiez la session sous un seul nom"
    " et écrivez cette copie"
)


def several_names(path: Path) -> str | None:
    """Why a writer must not open ``path``: the file has other names (hard links, ``st_nlink`` > 1). One ``stat``;
    None for a file with one name, or none there."""
    try:
        links = os.stat(path).st_nlink
    except (OSError, ValueError):
        return None
    return SEVERAL_NAMES.format(path=path) if links > 1 else None


def writer_refusal(path: Path) -> str | None:
    """Why a writer must not open ``path``, found before it makes its lock file or writes its mark: no file at all
    (:func:`not_a_file`), a file that is no SQLite database (a casebook given as ``--session``), or a session
    damaged on disk, which a resume, reading only some pages, would write into unseen (exit 3 as the readers say
    it). None for no file, an empty one, or a database :func:`check_structure` finds whole (its tables are the
    writer's to check or create)."""
    if (other := not_a_file(path) or several_names(path)) is not None:
        return other
    roll_back_journal(path)  # a writer killed as it made the file: rolled back, as the writer's open would
    if _head(path) != _SQLITE_MAGIC:
        return not_sqlite(path)  # or None: no file, a folder, an empty one (the writer's own checks say it)
    damage = _damage(path)
    if damage is None or damage == MISSING_TABLE:
        return None
    return f"{path} : fichier de session endommagé ou illisible ({damage})"


#: what is at a session's path when it is no file (a named pipe, a device, a socket): SQLite would open it and
#: fail at its first write (said as a disk error), and a read would wait on a pipe
NOT_A_FILE = _t("n'est pas un fichier (périphérique, tube nommé…), pas un fichier de session")


def not_a_file(path: Path) -> str | None:
    """Why ``path`` cannot be a session though something is there: a folder, a named pipe, a device, a socket.
    One ``stat``, never an open, so a pipe is not waited on. None for no file there, or a regular file."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return None
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):  # a folder given for a session (merge s1 cards…) is not said « introuvable »
        return f"{path} : {_folder(path)}"
    return f"{path} : {NOT_A_FILE}"


#: a report folder given for a session (``report`` or ``diff`` of the folder ``report -o`` wrote), with the session
#: file its ``report.json`` says it was built from when it says one
REPORT_FOLDER = _t("est un dossier de rapport, pas un fichier de session")
REPORT_FOLDER_OF = _t("est un dossier de rapport (construit depuis la session {session}), pas un fichier de session")


def _folder(path: Path) -> str:
    """Why the folder ``path`` is no session: a report folder names the session it was built from."""
    report = path / "report.json"
    if not report.is_file():
        return "est un dossier, pas un fichier de session"
    try:
        with report.open("rb") as stream:
            session = json.load(stream).get("session", {}).get("file")
    except (OSError, ValueError, AttributeError):  # unreadable, not JSON, not the report's shape
        return REPORT_FOLDER
    if not isinstance(session, str) or not session.isprintable() or not 0 < len(session) <= 255:
        return REPORT_FOLDER
    return REPORT_FOLDER_OF.format(session=PurePath(session).name)


def not_sqlite(path: Path) -> str | None:
    """Why ``path`` is no session at all: a file that does not start as a SQLite database (a casebook or notes
    given as ``--session``). Reads its first bytes only: every writer's open asks it before making its lock file
    (:meth:`~testbench.store.session.SessionStore.open`), where :func:`writer_refusal`'s full check would read
    the whole file. None for no file, an empty one, a folder, or a SQLite file."""
    magic = _head(path)
    if not magic or magic == _SQLITE_MAGIC:
        return None
    return f"{path} : n'est pas un fichier de session lisible ({_SQLITE_REASONS[sqlite3.SQLITE_NOTADB]})"


def _head(path: Path) -> bytes | None:
    """The first bytes of ``path``, as many as SQLite's mark; None when it is no file to read (none, a folder, a
    pipe or a device, which a read would wait on or consume, a name the system refuses: the writer's own checks
    say it). A file this process holds open through SQLite is one, and is not opened here (:func:`held`)."""
    try:
        if not path.is_file():
            return None
        if held(path):
            return _SQLITE_MAGIC
        with path.open("rb") as head:
            return head.read(len(_SQLITE_MAGIC))
    except OSError:
        return None


def _damage(path: Path) -> str | None:
    try:
        conn = connect_readonly(path)
    except (sqlite3.DatabaseError, SessionError) as exc:
        return sqlite_reason(exc) if isinstance(exc, sqlite3.DatabaseError) else str(exc)
    try:
        check_structure(conn)
        present = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        missing = [table for table in _SESSION_TABLES if table not in present]
        if missing:
            return MISSING_TABLE
        return _UNREADABLE_TEXT if _text_not_utf8(conn, sorted(present)) else None
    except sqlite3.DatabaseError as exc:
        return sqlite_reason(exc)
    finally:
        conn.close()


def check_structure(conn: sqlite3.Connection) -> None:
    """Raise SQLite's « malformed » error when a page or an index of the file is damaged. ``PRAGMA quick_check``
    passes an index page damaged on disk, and so does the journal chain (it covers rows, not indexes), yet a query
    through that index then misses rows without an error: a report short of a case's traces, exit 0. Once per
    connection (a command checks the chain several times); it reads every page, as ``quick_check`` does."""
    if getattr(conn, "structure_checked", False):
        return
    said = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    if said != ["ok"]:
        raise sqlite3.DatabaseError("database disk image is malformed")
    with contextlib.suppress(AttributeError):  # a plain sqlite3.Connection takes no attribute: checked again
        conn.structure_checked = True  # type: ignore[attr-defined]


def _text_not_utf8(conn: sqlite3.Connection, tables: list[str]) -> bool:
    """Whether a text of ``tables`` is no UTF-8: a byte damaged on disk inside a text passes ``quick_check``, and
    every reader fails on it (``report``, ``verify``), so a writer (``run --resume``) must refuse it too rather
    than write into a file the readers then refuse. Reads every text once, as ``quick_check`` reads every page."""
    columns = {table: [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')] for table in tables}
    conn.text_factory = bytes
    try:
        for table, names in columns.items():
            for name in names:
                query = f"SELECT \"{name}\" FROM \"{table}\" WHERE typeof(\"{name}\") = 'text'"
                for (value,) in conn.execute(query):
                    value.decode("utf-8")
    except UnicodeDecodeError:
        return True
    finally:
        conn.text_factory = str
    return False


def sqlite_reason(exc: sqlite3.Error) -> str:
    """Why SQLite failed, worded for a person (French; the translator reads it in English): by its result code,
    else by its message when it is a known one, else « erreur de la base SQLite » with its own words quoted —
    never a Python class name. Those words are shown printable and short: a damaged page may put any byte in
    them."""
    if isinstance(exc, codec.DamagedValue):
        return "valeur de la base endommagée, illisible en JSON"
    code = (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF
    if code in _SQLITE_REASONS:
        return _SQLITE_REASONS[code]
    message = " ".join(str(exc).split())
    for start, reason in _MESSAGE_REASONS:
        if message.lower().startswith(start):
            return reason
    return SQLITE_SAID.format(message=_shown(message) or "?")


def _shown(message: str, limit: int = 160) -> str:
    """``message`` as a person may read it: no control character, no « » that would end its quote, short."""
    printable = "".join(c if c.isprintable() else "?" for c in message).replace("«", '"').replace("»", '"')
    printable = re.sub(r"\?{4,}", "???", printable)
    return printable if len(printable) <= limit else printable[: limit - 1].rstrip() + "…"


class WriterConnection(sqlite3.Connection):
    """The one writer's connection. It remembers the journal chain's head (seq, hash) from its own
    appends, so an entry is linked without reading the head back: nobody else writes the file (the
    writer lock). The store forgets it (``chain_tip = None``) at every rollback."""

    chain_tip: tuple[int, str] | None = None

    def close(self) -> None:
        _release(self)
        super().close()


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
        _hold(conn, path)
        refuse_foreign(conn)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute(f"PRAGMA synchronous = {SYNC_DURABLE}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 10000")
    except sqlite3.DatabaseError as exc:
        if is_write_failure(exc):
            raise write_error(path, exc) from exc
        raise SessionError(f"{path} : n'est pas un fichier de session lisible ({sqlite_reason(exc)})") from None
    except ForeignDatabase as exc:
        conn.close()
        raise SessionError(f"{path} : {exc}") from None
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
    SQLite's rules: an empty authority, then the path; ``%HH`` is decoded, and ``?`` and ``#`` end the path, so
    those three are escaped (as are spaces and letters outside ASCII, which it decodes back as UTF-8 — on POSIX
    the name's own bytes, even those of a name written in another encoding). On Windows, see
    :func:`windows_uri_path`."""
    if isinstance(path, PureWindowsPath):
        raw = windows_uri_path(path).encode("utf-8", "surrogatepass")  # a name Windows allows, refused by SQLite
    else:
        raw = os.fsencode(path.as_posix())
    return f"file://{quote(raw, safe='/:')}?mode={mode}"


def windows_uri_path(path: PureWindowsPath) -> str:
    """The path of a Windows session's URI, as SQLite's Windows VFS reads it: ``/C:/…`` on a drive (it drops a
    ``/`` before ``X:``), ``//serveur/partage/…`` on a share (the Windows API takes it for a UNC path). The long
    forms ``Path.resolve`` gives past 260 characters, ``\\\\?\\C:\\…`` and ``\\\\?\\UNC\\serveur\\…``, lose their
    prefix: ``//?/C:/…`` is no path SQLite's rules name, and SQLite 3.51 takes any name starting with ``\\\\`` for
    a share when it opens the ``-shm`` (a lock handle shared in the process), which leaves WAL read locks behind
    on a local disk. Such a path past 260 characters then opens where Windows allows long paths (its
    LongPathsEnabled setting); elsewhere SQLite's refusal is said. A volume without a drive letter
    (``\\\\?\\Volume{…}\\…``), whose prefix cannot go, is kept whole after a ``/`` (SQLite drops a ``/`` before
    ``\\\\?\\`` too)."""
    text = without_device_prefix(path)
    if text[:4] in ("\\\\?\\", "\\\\.\\"):
        return "/\\\\?\\" + text[4:]  # verbatim: backslashes, and the ?-form SQLite knows
    text = text.replace("\\", "/")
    return text if text.startswith("/") else "/" + text


def fold_wal(path: Path) -> None:
    """Fold a leftover WAL into the session file when nobody writes it; best effort, never blocks.

    A writer's lock file, when there is one, is taken first: a writer holding it folds the WAL itself when it
    closes. None is made here: a reader leaves nothing beside a session it only read (no lock file beside
    none means no writer ever opened it there, and SQLite's own locks keep the fold safe against one starting
    now: a checkpoint copies only committed pages, and the WAL goes only with the last connection). Readers
    still open make the checkpoint report busy, and the last of them folds it when it closes. A read-only
    medium is left as is.
    """
    wal = companion(path, "-wal")
    lock: FileLock | None = None
    try:
        if not wal.exists():
            return
        if lock_path(path).exists():
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
        if lock is not None:
            lock.release()


def roll_back_journal(path: Path) -> None:
    """Roll back the transaction a killed writer left cut short in a ``-journal`` beside ``path`` (a run killed
    as it created the session, before it turned WAL), as SQLite does when it opens the file read-write; best
    effort, never blocks. A read-only connection cannot (SQLite refuses it « attempt to write a readonly
    database »), which a reader would say as access refused on a file the user owns. A live writer's journal is
    not rolled back (SQLite's locks tell it from a killed one's); a read-only medium is left as is."""
    if not _size(companion(path, "-journal")):  # none, empty, or one the system cannot tell
        return
    with contextlib.suppress(sqlite3.Error, OSError):
        conn = sqlite3.connect(sqlite_uri(path.resolve(), "rw"), uri=True, isolation_level=None, timeout=0)
        try:
            conn.execute("PRAGMA user_version").fetchone()  # the first read rolls a hot journal back
        finally:
            conn.close()


#: the SQLite connections this process has open, each with the identity of its file (:func:`held`)
_OPEN: weakref.WeakKeyDictionary[sqlite3.Connection, tuple[int, int]] = weakref.WeakKeyDictionary()
_OPEN_LOCK = threading.Lock()


def _hold(conn: sqlite3.Connection, path: Path) -> None:
    """Count ``conn`` among the connections this process holds on ``path``'s file until it is closed."""
    if (identity := file_identity(path)) is not None:
        with _OPEN_LOCK:
            _OPEN[conn] = identity


def _release(conn: sqlite3.Connection) -> None:
    with _OPEN_LOCK:
        _OPEN.pop(conn, None)


def held(path: Path) -> bool:
    """Whether this process holds the file at ``path`` open through SQLite. Such a file is never opened outside
    SQLite: closing any descriptor of it drops every POSIX lock the process has on it, SQLite's shared lock
    included, and another process's connection closing then believes it the last one and deletes the ``-wal``
    and ``-shm`` this process still reads through (« disk I/O error » at its next read)."""
    identity = file_identity(path)
    if identity is None:
        return False
    with _OPEN_LOCK:
        return identity in _OPEN.values()


class ReaderConnection(sqlite3.Connection):
    """A read-only connection whose close leaves the session in its one file when it was the last user."""

    session_path: Path | None = None
    structure_checked = False  # :func:`check_structure` found the file whole

    def close(self) -> None:
        _release(self)
        super().close()
        if self.session_path is not None:
            path, self.session_path = self.session_path, None
            fold_wal(path)


#: SQLite's primary result codes when it cannot make its files beside the session (a WAL-mode file read needs
#: its ``-shm``, and its ``-wal`` when there is none): ``SQLITE_READONLY_DIRECTORY``, or ``SQLITE_CANTOPEN``
_CANNOT_MAKE_BESIDE = (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN)


def companion(path: Path, suffix: str) -> Path:
    """The file SQLite keeps beside the session: ``-wal``, ``-shm``, ``-journal``."""
    return path.with_name(path.name + suffix)


def connect_readonly(path: Path) -> ReaderConnection:
    """A read-only connection to ``path``, after folding a WAL nobody writes any more and rolling back a
    transaction a killed writer cut short (:func:`roll_back_journal`).

    **A read-only medium** (a write-protected USB stick, a CD, a read-only share, a folder without write
    permission): SQLite reads a WAL-mode file (every session is one) through a ``-shm`` file beside it, which
    such a folder cannot take — while a reader never needs to write. When SQLite refuses for that reason
    (:data:`_CANNOT_MAKE_BESIDE`, and the folder indeed refuses a new file), the session is read as it is
    (:func:`_read_only_medium`):

    - no ``-wal`` beside it, or an empty one: SQLite's ``immutable=1`` (documented for read-only media) reads the
      file without a ``-shm`` and without locks. Safe: every commit is in the file — the last connection to
      close a session folds its WAL in and removes it, and no connection is open on it elsewhere, for each
      keeps its ``-wal`` and ``-shm`` there (a run writing the session meanwhile, by someone allowed to, is
      read through those, as SQLite does without this rule);
    - a ``-wal`` holding commits not yet folded in (a run that was killed, then archived): ``immutable=1`` would
      ignore them, so the session and its ``-wal`` are copied into a private temporary folder, read there (SQLite
      rebuilds the ``-shm`` from the WAL; one copy for every reader of the process, removed when it ends);
    - a rollback journal (``-journal``) with content beside it (a transaction cut short, which such a folder
      does not let be rolled back) would be ignored as well: not read, SQLite's refusal is said.
    """
    roll_back_journal(path)
    fold_wal(path)
    resolved = path.resolve()
    absent = [beside for beside in (companion(path, "-wal"), companion(path, "-shm")) if not beside.exists()]
    conn = sqlite3.connect(sqlite_uri(resolved, "ro"), uri=True, check_same_thread=False, factory=ReaderConnection)
    _hold(conn, path)
    try:
        conn.execute("PRAGMA user_version").fetchone()  # SQLite opens the -shm and the -wal only at a first read
    except sqlite3.DatabaseError as exc:
        conn.close()
        medium = _read_only_medium(path, exc)
        if medium is None:
            _remove_made_for_damaged(path, exc, absent)
            raise
        return medium
    conn.session_path = path
    return conn


#: SQLite's primary result codes for a file it cannot read as a database at all (truncated, overwritten)
_DAMAGED = (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT)


def _remove_made_for_damaged(path: Path, exc: sqlite3.DatabaseError, made: list[Path]) -> None:
    """Remove the ``-wal`` and ``-shm`` SQLite made beside ``path`` (``made``: those absent before the reader
    opened it) when its first read found the file damaged: no fold removes them, for no connection can read it.
    Only an empty ``-wal``: one holding frames is a writer's since (kept, with its ``-shm``)."""
    if ((getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF) not in _DAMAGED or _size(companion(path, "-wal")) != 0:
        return
    for beside in made:
        with contextlib.suppress(OSError):
            beside.unlink()


def _read_only_medium(path: Path, exc: sqlite3.DatabaseError) -> ReaderConnection | None:
    """The session on a read-only medium read as it is (:func:`connect_readonly`'s rule); None when SQLite's
    refusal ``exc`` is not that of a folder that refuses new files, or the file cannot be read safely there."""
    if ((getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF) not in _CANNOT_MAKE_BESIDE or _takes_new_files(path.parent):
        return None
    journal, wal = _size(companion(path, "-journal")), _size(companion(path, "-wal"))
    if journal is None or wal is None or journal:  # a companion that cannot be seen is never taken for none
        return None
    if not wal:
        return _read_once(sqlite_uri(path.resolve(), "ro") + "&immutable=1")
    return _private_copy(path)


def _read_once(uri: str) -> ReaderConnection:
    """A reader of ``uri`` that has read once: SQLite opens lazily, so a refusal shows at the first read."""
    conn = sqlite3.connect(uri, uri=True, check_same_thread=False, factory=ReaderConnection)
    try:
        conn.execute("PRAGMA user_version").fetchone()
    except sqlite3.Error:
        conn.close()
        raise
    return conn


#: The private copies of sessions on a read-only medium made by this process (:func:`_private_copy`), by the
#: session's path and the state (size, time) of it and of its ``-wal``: such files do not change, so every reader
#: of the process (a report opens the session several times) reads the one copy, removed when the process ends
_COPIES: dict[tuple[str, tuple[int, int], tuple[int, int]], Path] = {}
_COPIES_LOCK = threading.Lock()


def _private_copy(path: Path) -> ReaderConnection:
    """A read-only connection to a copy of the session and its ``-wal`` in a private temporary folder."""
    wal = companion(path, "-wal")
    with _COPIES_LOCK:
        try:
            key = (str(path.resolve()), _state(path), _state(wal))
            copy = _COPIES.get(key)
            if copy is None or not copy.is_file():
                copy = _COPIES[key] = _copy(path, wal)
        except OSError as exc:
            raise SessionError(
                f"{path} : lecture impossible depuis ce dossier en lecture seule : la copie temporaire de la session "
                f"et de son fichier -wal a échoué ({os_reason(exc)})"
            ) from None
    return _read_once(sqlite_uri(copy, "ro"))


def _copy(path: Path, wal: Path) -> Path:
    """The session and its ``-wal`` copied into a new private temporary folder, removed when the process ends
    (SQLite makes the copy's ``-shm`` there, from the WAL itself)."""
    folder = tempfile.mkdtemp(prefix="testbench-lecture-")
    atexit.register(shutil.rmtree, folder, True)
    copy = Path(folder) / path.name
    shutil.copyfile(path, copy)
    shutil.copyfile(wal, companion(copy, "-wal"))
    return copy


def _state(path: Path) -> tuple[int, int]:
    status = os.stat(path)
    return status.st_size, status.st_mtime_ns


def _size(path: Path) -> int | None:
    """The size of ``path``: 0 when there is none, None when the system cannot tell."""
    try:
        return os.stat(path).st_size
    except FileNotFoundError:
        return 0
    except OSError:
        return None


def _takes_new_files(folder: Path) -> bool:
    """Whether a file can be made in ``folder``: the system answers for itself (mounts, permissions, access lists,
    root), a temporary file made there and removed at once."""
    try:
        with tempfile.TemporaryFile(prefix=".testbench-", dir=folder):
            return True
    except OSError:
        return False


def open_readonly(path: str | Path) -> sqlite3.Connection:
    """Open a session for reading only (reports, TUI, diff); works while a run writes it."""
    path = Path(path)
    if (other := not_a_file(path)) is not None:
        raise SessionError(other)
    if not path.is_file():
        raise SessionError(f"{path} : fichier de session introuvable")
    try:
        conn = connect_readonly(path)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise SessionError(f"{path} : n'est pas un fichier de session lisible ({sqlite_reason(exc)})") from None
    refusal = None if 1 <= version <= SCHEMA_VERSION else _not_a_session(path, conn, version)
    if refusal is not None:
        conn.close()
        raise SessionError(f"{path} : {refusal}")
    return conn


def _not_a_session(path: Path, conn: sqlite3.Connection, version: int) -> str:
    """Why a file SQLite opens is no session to read, in the words ``run`` uses when it refuses to write one."""
    from testbench.store.schema import _tables

    if version > SCHEMA_VERSION:
        return (
            f"fichier de session au schéma {version}, cette version de testbench connaît le schéma "
            f"{SCHEMA_VERSION} au plus : mettez testbench à jour"
        )
    if _size(path) == 0:  # a truncated copy, a failed download
        return "fichier vide, pas une session"
    if tables := _tables(conn):
        return f"base SQLite d'un autre programme (tables : {', '.join(tables[:5])}), pas une session testbench"
    return EMPTY_DATABASE


#: a SQLite file with nothing in it: most often a session copied while a run wrote it, its records still in the
#: ``-wal`` the copy left behind
EMPTY_DATABASE = _t(
    "base SQLite vide, pas une session testbench ; copiée pendant qu'une exécution l'écrivait ? Ses"
    " enregistrements sont alors dans son fichier -wal, non copié avec elle : copiez la session une fois"
    " l'exécution terminée, ou avec son fichier -wal"
)


def empty_database(path: Path) -> bool:
    """Whether ``path`` is a SQLite database holding nothing, read through its ``-wal`` when one is beside it (a
    run killed before its first checkpoint keeps everything there: that is a session). ``run --resume`` and
    ``--rerun`` refuse such a file as ``--failed`` does, rather than start a whole new campaign into it."""
    from testbench.store.schema import _tables

    roll_back_journal(path)  # a run killed as it created the file: an empty file then, no database
    if _head(path) != _SQLITE_MAGIC:
        return False
    try:
        conn = connect_readonly(path)
    except (sqlite3.Error, SessionError):
        return False  # unreadable: the writer's own checks say why
    try:
        return conn.execute("PRAGMA user_version").fetchone()[0] == 0 and not _tables(conn)
    except sqlite3.Error:
        return False
    finally:
        conn.close()


def describe_writer(path: Path) -> tuple[str, str] | None:
    """(pid, host) of the process the session's meta says writes it; None when it does not say (or is unreadable)."""
    try:
        conn = open_readonly(path)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = 'writer'").fetchone()
        finally:
            conn.close()
        writer = codec.loads(row[0]) if row else None
    except (SessionError, sqlite3.DatabaseError, codec.DamagedValue):
        return None
    if not isinstance(writer, dict):
        return None
    return str(writer.get("pid")), str(writer.get("host"))
