"""Writing the session file: one SQLite file per session, the single machine record of a campaign.

The commit rule (WAL journal):

- Outside a case every write is committed when it happens, synced to the disk (``synchronous=FULL``):
  the run's start and end, casebooks, selection, meta, a merge.
- What a person gives (an attestation event; a review, an override, or any writes a caller wraps in
  ``transaction(durable=True)``) is committed at once and synced (``FULL``), even mid-case; the case's
  writes before it are committed just before it, and its sync makes them durable too.
- Inside a case (:meth:`SessionStore.batch`) the machine's writes of a step are committed together at
  the step's end (:meth:`SessionStore.commit`), the verdict when the case ends, each write still atomic
  on its own (a savepoint; a write that only inserts rows deletes them if it fails). These commits run
  under ``synchronous=NORMAL``: they reach the operating system at once, so a killed process loses none
  of them, and the disk at the next synced commit or checkpoint (the run's end, a person's write,
  closing the session). A power loss or system crash may take back the last such commits, whole and in
  order (never a person's write, never a finished run).

Either way a case whose steps were not all kept is unfinished, and ``--resume`` runs it again: nothing
that was recorded and kept is lost, no finished case runs twice. One process at a time may write a
session; readers (report, TUI, diff) may open it while a run goes on. Reports, the TUI and diffs read
this file and nothing else.
"""

from __future__ import annotations

import contextlib
import functools
import getpass
import os
import platform
import re
import socket
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from testbench import __version__
from testbench.domain.events import EventKind
from testbench.fmt import os_reason
from testbench.i18n import _t
from testbench.store import chain, codec  # chain: the journal's hash chain
from testbench.store.connection import (
    EMPTY_DATABASE,
    SESSION_VANISHED,
    SYNC_BATCH,
    SYNC_DURABLE,
    WRITER_WAIT,
    SessionError,
    SessionLocked,
    SessionVanished,
    SessionWriteError,
    WriterConnection,
    checkpoint,
    companion,
    connect_writer,
    describe_writer,
    empty_database,
    file_identity,
    fold_wal,
    is_write_failure,
    lock_path,
    not_a_file,
    not_sqlite,
    several_names,
    sqlite_reason,
    write_error,
)
from testbench.store.schema import SchemaRefused, migrate
from testbench.traces.clock import continue_after, mono_ns
from testbench.traces.model import Channel, TraceLine
from testbench.traces.pin_words import may_hold_pin, pin_free

#: events that carry what a person gave (other writes of a person's are wrapped in ``transaction(durable=True)``)
_GIVEN_BY_A_PERSON = frozenset({EventKind.MANUAL_ATTESTED})
#: a monotonic stamp beyond this (10**18 ns: 31 years of uptime) was not written by a bench's clock (a session
#: written by other means, stamped with the wall clock in ns, say)
_PLAUSIBLE_STAMP = 10**18


#: a session another process writes, and what can be done meanwhile: ``verify`` reads it and the workstation opens
#: it read-only on its own (``report`` waits for the run's end, as ``merge`` does)
LOCKED = _t(
    "session déjà ouverte en écriture par un autre processus ; attendez sa fin ou arrêtez-le (en attendant,"
    " testbench verify la vérifie et testbench ui l'ouvre en lecture seule)"
)
LOCKED_BY = _t(
    "session déjà ouverte en écriture par un autre processus (pid {pid} sur {host}) ; attendez sa fin ou arrêtez-le"
    " (en attendant, testbench verify la vérifie et testbench ui l'ouvre en lecture seule)"
)

#: a folder where the session's lock file goes (``S.tbsession.lock``): no writer can take the lock
LOCK_IS_FOLDER = _t(
    "{lock} : un dossier occupe la place du fichier de verrou de la session {path} ; retirez-le, ou choisissez"
    " un autre nom de session"
)


def _lock_problem(lock: Path) -> str | None:
    """Why the lock file cannot be created or opened (a folder that refuses writes), None when it can."""
    try:
        os.close(os.open(lock, os.O_RDWR | os.O_CREAT, 0o644))
    except OSError as exc:
        return os_reason(exc)
    return None


class SessionStore:
    """Write access to a session file. Use :meth:`open`; close it (or use ``with``) when done."""

    def __init__(self, path: Path, conn: WriterConnection, lock: FileLock | None) -> None:
        self.path = path
        self.conn = conn
        self._lock = lock
        self._tx_lock = threading.RLock()  # trace batches may be written from a capture thread
        # thread → its batch depth; while any batch is open, writes join one transaction until commit(), and
        # those threads' writes wait for it
        self._batch_threads: dict[int, int] = {}
        self._started_mono: dict[int, int] = {}  # attempt id → its start, to chain its end from memory
        self._sync = SYNC_DURABLE  # the connection's PRAGMA synchronous (connect_writer sets it)
        self._nesting = 0  # > 0: inside a write, whose savepoint the store's calls made in it join
        self._undo: list[tuple[str, int]] | None = None  # the open insert-only write's (table, first new id)
        self._tops: dict[str, int] = {}  # table → its last id, as the store's own inserts left it
        self._changes = -1  # conn.total_changes after the store's last write (-1: tops unknown)
        self._identity = file_identity(path)  # the file SQLite opened, to see it leave its path (check_present)

    # -- opening ---------------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | Path, *, create: bool = True) -> SessionStore:
        """Open ``path`` for writing, creating it if asked; refuse if another process writes it."""
        path = Path(path)
        if not path.exists() and not create:
            raise SessionError(f"{path} : fichier de session introuvable")
        if (other := not_a_file(path)) is not None:  # a folder, a pipe, a device: no lock file beside it
            raise SessionError(other)
        if (other := several_names(path)) is not None:  # before any connection: another name's writer is unseen
            raise SessionError(other)
        if not create and path.is_file() and path.stat().st_size == 0:  # a truncated copy: not made a session
            raise SessionError(f"{path} : fichier vide, pas une session")
        if not create and empty_database(path):  # a copy of a running session, without its -wal
            raise SessionError(f"{path} : {EMPTY_DATABASE}")
        if (foreign := not_sqlite(path)) is not None:  # no lock file beside notes given as a session
            raise SessionError(foreign)
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(lock_path(path), timeout=WRITER_WAIT)
        try:
            lock.acquire()
        except (Timeout, OSError):  # filelock retries some refusals until its timeout, raises others at once
            if os.path.isdir(lock_path(path)):  # a folder in the lock's place (said by its name); False when unreadable
                raise SessionError(LOCK_IS_FOLDER.format(lock=lock_path(path), path=path)) from None
            unwritable = _lock_problem(lock_path(path))
            if unwritable is not None:  # no lock file can be made here: nobody holds it
                raise SessionError(
                    f"{path} : écriture impossible ici ({unwritable}) ; choisissez un dossier où vous pouvez écrire"
                ) from None
            holder = describe_writer(path)
            said = LOCKED if holder is None else LOCKED_BY.format(pid=holder[0], host=holder[1])
            raise SessionLocked(f"{path} : {said}") from None
        conn: sqlite3.Connection | None = None
        made = not path.exists()  # under the lock: a session another writer made meanwhile is not this call's
        held = _held_lock_file(lock) if made else None
        try:
            conn = connect_writer(path)
            try:
                checkpoint(conn)  # a WAL left by a killed writer goes into the file before anything else
                migrate(conn)
            except SchemaRefused as exc:
                conn.close()
                raise SessionError(f"{path} : {exc}") from None
            except sqlite3.OperationalError as exc:
                conn.close()
                if is_write_failure(exc):
                    raise write_error(path, exc) from exc
                raise SessionError(f"{path} : {sqlite_reason(exc)}") from exc
            store = cls(path, conn, lock)
            store._init_meta()
            continue_after(store._last_stamp())  # a session resumed after a reboot keeps its order
        except BaseException as exc:
            if made:  # cut before it was ready (a ^C as a CI shard starts): no empty database is left to be taken
                _discard(path, conn)  # for a session by a merge or a report
                _discard_lock(lock, held, path)
            lock.release()
            if made and isinstance(exc.__cause__, sqlite3.OperationalError) and isinstance(exc, SessionWriteError):
                raise write_error(path, exc.__cause__, created=False) from exc.__cause__  # no session to resume
            raise
        return store

    def close(self) -> None:
        """Close and leave the session complete in its one file (WAL folded in, when no reader holds it)."""
        try:
            with self._tx_lock:
                checkpoint(self.conn)
                self.conn.close()
        finally:
            if self._lock is not None:
                self._lock.release()
                self._lock = None
                # a reader that closed while we still held the lock left the WAL to us
                fold_wal(self.path)

    def check_present(self) -> None:
        """Raise :class:`SessionVanished` when the session file is no longer at its path, or another file is.

        SQLite keeps writing a file deleted, or on a drive pulled or lazily unmounted, through its open handle,
        without an error: everything recorded would be lost while the run reports success. One ``stat`` of the
        path, asked at each case's end and the run's end (never per step). Windows refuses to delete an open
        file; its ``st_ino`` (the file index) still tells a file put back in its place."""
        if self._identity is not None and file_identity(self.path) != self._identity:
            raise SessionVanished(SESSION_VANISHED.format(path=self.path))

    def __enter__(self) -> SessionStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _last_stamp(self) -> int:
        """The latest monotonic stamp the session holds (0 when none); a value no bench clock can give (a
        session written by other means) is left out."""
        row = self.conn.execute(
            "SELECT MAX(m) FROM (SELECT MAX(mono_ns) AS m FROM trace_lines UNION ALL SELECT MAX(mono_ns) FROM events"
            " UNION ALL SELECT MAX(started_mono_ns) FROM attempts)"
        ).fetchone()
        last = row[0] if row and isinstance(row[0], int) else 0
        return last if 0 < last < _PLAUSIBLE_STAMP else 0

    def _init_meta(self) -> None:
        existing = dict(self.conn.execute("SELECT key, value FROM meta"))
        defaults = {
            "session_id": str(uuid.uuid4()),
            "created_wall": repr(time.time()),
            "created_by": f"testbench {__version__}",
        }
        with self.transaction():
            for key, value in defaults.items():
                if key not in existing:
                    self.conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, value))
            self.conn.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('writer', ?)",
                (codec.dumps({"pid": os.getpid(), "host": socket.gethostname(), "since": time.time()}),),
            )
            chain.record_state(self.conn, "meta")

    @contextmanager
    def transaction(self, *, durable: bool = False) -> Iterator[sqlite3.Connection]:
        """One atomic write. A failing disk surfaces as :class:`SessionWriteError`, never half a write.

        Inside :meth:`batch` the write joins the open transaction as a savepoint (atomic, committed at
        the next :meth:`commit`), unless ``durable`` — what a person gives is committed at once, synced —
        or written from another thread (a capture thread's lines are shown live, as they are written).
        """
        with self._tx_lock:
            yield from self._write(durable, self._savepoint)

    @contextmanager
    def _inserting(self, *, durable: bool = False) -> Iterator[sqlite3.Connection]:
        """A write that only inserts new rows (ids from :meth:`_ids`) and their chain entries: committed
        like :meth:`transaction`, but inside a case or another write it needs no savepoint — if it fails,
        what it inserted is deleted (:meth:`_undoable`)."""
        with self._tx_lock:
            yield from self._write(durable, self._undoable)

    def _write(self, durable: bool, part: Callable[[], Iterator[WriterConnection]]) -> Iterator[WriterConnection]:
        try:
            if self._nesting:  # a store call inside another write (a person's write wrapping add_event…)
                yield from part()
            elif self._batch_threads:
                commit = durable or threading.get_ident() not in self._batch_threads
                yield from self._joined(durable, commit, part)
            else:  # a transaction of its own: a failure takes all of it back
                self._begin(SYNC_DURABLE)
                yield from self._inside()
                self.conn.execute("COMMIT")
        except BaseException as exc:
            disk = isinstance(exc, sqlite3.OperationalError)  # the batch goes, its case runs again on --resume
            if disk or not (self._nesting or self._batch_threads):  # outside a case nothing failed stays open
                self._rollback()
            if disk:
                raise write_error(self.path, exc) from exc
            raise

    def _joined(
        self, durable: bool, commit: bool, part: Callable[[], Iterator[WriterConnection]]
    ) -> Iterator[WriterConnection]:
        if durable and self.conn.in_transaction:
            self.conn.execute("COMMIT")  # the batch so far; the person's write gets a commit of its own, synced
        if not self.conn.in_transaction:
            self._begin(SYNC_DURABLE if durable else SYNC_BATCH)
        yield from part()
        if commit:
            self.conn.execute("COMMIT")

    def _inside(self) -> Iterator[WriterConnection]:
        """The write's body; the store's calls made in it join it."""
        self._nesting += 1
        try:
            yield self.conn
        finally:
            self._nesting -= 1

    def _savepoint(self) -> Iterator[WriterConnection]:
        """One write inside the open transaction: all of it or nothing of it; writes made inside it join it."""
        self.conn.execute("SAVEPOINT write")
        self._nesting += 1
        try:
            yield self.conn
        except BaseException:
            try:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK TO write")
                    self.conn.execute("RELEASE write")
            finally:
                self._forget()  # the savepoint may have held chain entries and new rows
            raise
        finally:
            self._nesting -= 1
        self.conn.execute("RELEASE write")

    def _undoable(self) -> Iterator[WriterConnection]:
        """An insert-only write inside the open transaction, without a SAVEPOINT and a RELEASE: if it
        fails, the rows it inserted (:meth:`_ids` noted where they start) and the chain entries it
        appended are deleted, which leaves the transaction as it was before the write."""
        conn, undo = self.conn, []
        seq = chain.head(conn)[0]
        outer, self._undo = self._undo, undo
        self._nesting += 1
        try:
            yield conn
        except BaseException:
            try:
                if conn.in_transaction:
                    for table, first in undo:
                        conn.execute(f"DELETE FROM {table} WHERE id >= ?", (first,))
                    conn.execute("DELETE FROM chain WHERE seq > ?", (seq,))
            finally:
                self._forget()
            raise
        finally:
            self._nesting -= 1
            self._undo = outer
            if outer is not None:  # inside another insert-only write: its undo covers these rows too
                outer.extend(undo)

    def _ids(self, table: str, count: int) -> int:
        """The id of the first of ``count`` rows this write is about to insert into ``table``.

        The writer remembers each table's last id from its own inserts (one writer: the lock); any other
        change to the file since its last write (a merge's rows, a review, a rollback) makes it ask again.
        Each insert helper ends with :meth:`_wrote`.
        """
        if self.conn.total_changes != self._changes:
            self._tops.clear()
        top = self._tops.get(table)
        if top is None:
            top = chain.last_id(self.conn, table)
        self._tops[table] = top + count
        if self._undo is not None:
            self._undo.append((table, top + 1))
        return top + 1

    def _wrote(self) -> None:
        """The rows changed so far are the store's own: the last ids it remembers still hold."""
        self._changes = self.conn.total_changes

    def _forget(self) -> None:
        """What the writer remembered of the file may be wrong after a rollback: read it again when needed."""
        self.conn.chain_tip = None
        self._changes = -1

    def _begin(self, sync: str) -> None:
        """Open a write transaction whose commit is synced as ``sync`` says (set only between transactions)."""
        if sync != self._sync:
            self.conn.execute(f"PRAGMA synchronous = {sync}")
            self._sync = sync
        self.conn.execute("BEGIN IMMEDIATE")

    def _rollback(self) -> None:
        """Take back the open transaction, if any, and what the connection remembered of it."""
        self._forget()
        if self.conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Writes inside join one transaction, committed at each :meth:`commit` and at the end.

        The runner opens one per case and commits at each step's end. Nestable; an exception leaves
        what was written whole (each write is its own savepoint) and it is committed on the way out.
        """
        me = threading.get_ident()
        with self._tx_lock:
            self._batch_threads[me] = self._batch_threads.get(me, 0) + 1
        try:
            yield
        finally:
            with self._tx_lock:
                depth = self._batch_threads.pop(me) - 1
                if depth:
                    self._batch_threads[me] = depth
                else:
                    self.commit()  # this thread's case is whole on disk (with what the others wrote so far)

    def commit(self) -> None:
        """Commit what the open batch wrote (a step's end); nothing to do outside a batch."""
        with self._tx_lock:
            if not self.conn.in_transaction:
                return
            try:
                self.conn.execute("COMMIT")
            except sqlite3.OperationalError as exc:
                self._rollback()
                raise write_error(self.path, exc) from exc

    def meta(self, key: str) -> str | None:
        with self._tx_lock:
            row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction():
            self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))
            chain.record_state(self.conn, "meta")

    # -- runs and casebooks ----------------------------------------------------------------------
    def begin_run(self, argv: Sequence[str], options: dict[str, Any], environment: dict[str, Any]) -> int:
        """Record a run; a PIN typed in its command line (« --operator "… code porteur : 4719" ») is masked
        before it is stored: the session never holds one, whatever its exports do."""
        argv, options, environment = _without_pins(codec.to_plain([argv, options, environment]))
        env = {
            "host": socket.gethostname(),
            "user": _user(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "testbench": __version__,
            **environment,
        }
        with self.transaction():
            cur = self.conn.execute(
                "INSERT INTO runs (started_wall, argv, host, pid, options, environment) VALUES (?,?,?,?,?,?)",
                (
                    time.time(),
                    codec.dumps(argv),
                    env["host"],
                    os.getpid(),
                    codec.dumps(options),
                    codec.dumps(env),
                ),
            )
            chain.record_state(self.conn, "runs")
        return int(cur.lastrowid or 0)

    def describe_run(self, run_id: int, options: dict[str, Any], environment: dict[str, Any]) -> None:
        """Replace the options and bench of a run recorded before its bench was built (a rerun records its cases
        with its selection, so that a cut before its first case leaves them to ``--resume``); PINs masked."""
        options, environment = _without_pins(codec.to_plain([options, environment]))
        with self.transaction():
            row = self.conn.execute("SELECT environment FROM runs WHERE id = ?", (run_id,)).fetchone()
            env = {**((codec.loads(row[0]) or {}) if row else {}), **environment}
            self.conn.execute(
                "UPDATE runs SET options = ?, environment = ? WHERE id = ?",
                (codec.dumps(options), codec.dumps(env), run_id),
            )
            chain.record_state(self.conn, "runs")

    def end_run(self, run_id: int) -> None:
        self.check_present()  # a run whose file went is not recorded as ended: it never reads as a success
        with self.transaction():
            self.conn.execute("UPDATE runs SET ended_wall = ? WHERE id = ?", (time.time(), run_id))
            chain.record_state(self.conn, "runs")

    def add_casebook(
        self, sha256: str, path: str, plan_id: str, identity: Any, cases: Sequence[tuple[str, str, str, str, Any]]
    ) -> None:
        """Record a casebook and a snapshot of its cases (id, title, domain, mode, definition).

        The snapshot is what makes reports rebuildable from the session file alone.
        """
        with self.transaction():
            added = self.conn.execute(
                "INSERT OR IGNORE INTO casebooks (sha256, path, plan_id, identity, added_wall) VALUES (?,?,?,?,?)",
                (sha256, path, plan_id, codec.dumps(identity), time.time()),
            ).rowcount
            added += self.conn.executemany(
                "INSERT OR IGNORE INTO cases (casebook_sha, case_id, position, title, domain, mode, definition)"
                " VALUES (?,?,?,?,?,?,?)",
                [
                    (sha256, cid, i, title, domain, mode, codec.dumps(defn))
                    for i, (cid, title, domain, mode, defn) in enumerate(cases)
                ],
            ).rowcount
            if added:  # a casebook recorded again (--resume) changes nothing
                chain.record_state(self.conn, "casebooks")
                chain.record_state(self.conn, "cases")

    def set_selection(self, keys: Sequence[tuple[str, str]]) -> None:
        """Record which cases the session covers, in order (``--resume`` reuses it)."""
        with self.transaction():
            self.conn.execute("DELETE FROM selection")
            self.conn.executemany(
                "INSERT INTO selection (position, casebook_sha, case_id) VALUES (?,?,?)",
                [(i, sha, cid) for i, (sha, cid) in enumerate(keys)],
            )
            chain.record_state(self.conn, "selection")

    def selection(self) -> list[tuple[str, str]]:
        with self._tx_lock:
            rows = self.conn.execute("SELECT casebook_sha, case_id FROM selection ORDER BY position").fetchall()
        return [(r[0], r[1]) for r in rows]

    def recorded_casebooks(self) -> dict[str, tuple[str, str]]:
        """Each casebook the session recorded: its SHA-256 → (its path as given then, its plan id)."""
        with self._tx_lock:
            rows = self.conn.execute("SELECT sha256, path, plan_id FROM casebooks").fetchall()
        return {r[0]: (r[1], r[2]) for r in rows}

    # -- attempts --------------------------------------------------------------------------------
    def start_attempt(self, run_id: int, casebook_sha: str, case_id: str) -> int:
        with self._inserting():
            number = self.conn.execute(
                "SELECT COALESCE(MAX(number), 0) + 1 FROM attempts WHERE casebook_sha = ? AND case_id = ?",
                (casebook_sha, case_id),
            ).fetchone()[0]
            attempt_id = self._ids("attempts", 1)
            row = (
                attempt_id,
                int(run_id),
                str(casebook_sha),
                str(case_id),
                int(number),
                time.time(),
                mono_ns(),
            )
            self.conn.execute(
                "INSERT INTO attempts (id, run_id, casebook_sha, case_id, number, started_wall, started_mono_ns)"
                " VALUES (?,?,?,?,?,?,?)",
                row,
            )
            chain.record(self.conn, "attempt-start", attempt_id, rows=[row])  # integrity chain, from memory
            self._wrote()
        self._started_mono[attempt_id] = row[-1]
        return attempt_id

    def finish_attempt(
        self, attempt_id: int, verdict: str, reason: str, comparisons: Sequence[tuple[str, str, str, Any]] = ()
    ) -> None:
        """Record the verdict, with the comparisons that decided it, in one transaction (a PIN in the reason — an
        operator's note, an engine's stderr — masked)."""
        self.check_present()  # once per case: a verdict is never told for a file that is gone
        reason = pin_free(str(reason))
        now_wall, now_mono = time.time(), mono_ns()
        started = self._started_mono.pop(attempt_id, None)
        with self.transaction():
            if comparisons:
                self._insert_comparisons(attempt_id, comparisons)
            if started is None:  # an attempt this store did not start: its end is read back to be chained
                self.conn.execute(
                    "UPDATE attempts SET ended_wall = ?, verdict = ?, reason = ?,"
                    " duration_ms = (? - started_mono_ns) / 1e6 WHERE id = ?",
                    (now_wall, verdict, reason, now_mono, attempt_id),
                )
                chain.record(self.conn, "attempt-finish", attempt_id, attempt_id)  # integrity chain
            else:
                row = (now_wall, (now_mono - started) / 1e6, str(verdict), str(reason))
                self.conn.execute(
                    "UPDATE attempts SET ended_wall = ?, duration_ms = ?, verdict = ?, reason = ? WHERE id = ?",
                    (*row, attempt_id),
                )
                chain.record(self.conn, "attempt-finish", attempt_id, rows=[(attempt_id, *row)])
            self._wrote()

    def close_dangling_attempts(self, reason: str) -> list[str]:
        """Mark attempts left open by a killed process; they stay in the history. Returns their cases' ids, so
        that the notice names what was interrupted."""
        reason = pin_free(str(reason))
        with self.transaction():
            rows = self.conn.execute("SELECT id, case_id FROM attempts WHERE ended_wall IS NULL ORDER BY id").fetchall()
            ids = [attempt_id for attempt_id, _ in rows]
            self.conn.execute(
                "UPDATE attempts SET reason = ?, ended_wall = COALESCE(ended_wall, started_wall)"
                " WHERE ended_wall IS NULL",
                (reason,),
            )
            for attempt_id in ids:  # the reason reaches the report: chained like a verdict
                chain.record(self.conn, "attempt-finish", attempt_id, attempt_id)
        return [case_id for _, case_id in rows]

    def reopen_attempt(self, attempt_id: int) -> None:
        """Open again an attempt that stopped without a final verdict, for the bench to continue it
        (``runner.resume``): its end, verdict and reason are cleared until it finishes, chained as its end
        is (the journal keeps the end it had), and the time it had run counts in its duration."""
        with self.transaction():
            duration, started, last = self.conn.execute(
                "SELECT duration_ms, started_wall, (SELECT MAX(wall) FROM events WHERE attempt_id = a.id)"
                " FROM attempts a WHERE id = ?",
                (attempt_id,),
            ).fetchone()
            spent_ms = duration if duration is not None else max(0.0, ((last or started) - started) * 1000)
            self.conn.execute(
                "UPDATE attempts SET ended_wall = NULL, duration_ms = NULL, verdict = 'none', reason = '' WHERE id = ?",
                (attempt_id,),
            )
            chain.record(self.conn, "attempt-finish", attempt_id, attempt_id)  # integrity chain
        self._started_mono[attempt_id] = mono_ns() - int(spent_ms * 1e6)

    def has_attempts(self) -> bool:
        """Whether any case was ever run in this session."""
        with self._tx_lock:
            return self.conn.execute("SELECT 1 FROM attempts LIMIT 1").fetchone() is not None

    def final_cases(self) -> set[tuple[str, str]]:
        """Cases whose latest attempt has a final verdict (``--resume`` does not run them again)."""
        return {key for key, verdict in self.latest_verdicts().items() if verdict not in ("none", "pending")}

    def latest_verdicts(self) -> dict[tuple[str, str], str]:
        """The verdict of each case's latest attempt."""
        with self._tx_lock:
            rows = self.conn.execute(
                "SELECT a.casebook_sha, a.case_id, a.verdict FROM attempts a WHERE a.number ="
                " (SELECT MAX(number) FROM attempts b WHERE b.casebook_sha = a.casebook_sha"
                " AND b.case_id = a.case_id)"
            ).fetchall()
        return {(sha, cid): verdict for sha, cid, verdict in rows}

    def last_attempts(self) -> dict[str, int]:
        """Each casebook version's latest attempt id (which version of a changed file ran last)."""
        with self._tx_lock:
            rows = self.conn.execute("SELECT casebook_sha, MAX(id) FROM attempts GROUP BY casebook_sha").fetchall()
        return {str(sha): int(last) for sha, last in rows}

    # -- events, observations, comparisons -------------------------------------------------------
    def add_event(
        self,
        kind: str,
        data: Any = None,
        *,
        run_id: int | None = None,
        attempt_id: int | None = None,
        step_id: str | None = None,
    ) -> int:
        """Record an event; a person's attestation is committed at once and synced, even mid-case."""
        with self._inserting(durable=kind in _GIVEN_BY_A_PERSON):
            return self._insert_event(kind, data, run_id, attempt_id, step_id)

    def end_step(
        self,
        attempt_id: int,
        step_id: str,
        observations: dict[str, Any],
        source: str,
        data: Any = None,
        origins: Mapping[str, tuple[str, Any]] | None = None,
    ) -> None:
        """A step's observations and its ``step-end`` event, committed together when the step ends.

        ``origins`` gives some paths their own source and provenance (an extracted value and where it
        was read, a correction and its reason); the other paths take ``source`` and no provenance.
        """
        with self._inserting():
            if observations:
                self._insert_observations(attempt_id, step_id, observations, source, origins)
            self._insert_event(EventKind.STEP_END, data, None, attempt_id, step_id)

    def add_observations(
        self,
        attempt_id: int,
        step_id: str | None,
        values: dict[str, Any],
        source: str,
        origins: Mapping[str, tuple[str, Any]] | None = None,
    ) -> None:
        with self._inserting():
            self._insert_observations(attempt_id, step_id, values, source, origins)

    def add_comparisons(self, attempt_id: int, rows: Sequence[tuple[str, str, str, Any]]) -> None:
        """Rows of (expectation id, kind, outcome, data)."""
        with self._inserting():
            self._insert_comparisons(attempt_id, rows)

    # inserts below run inside a write opened by the caller; each chains its rows hashed from memory,
    # as inserted (COLUMNS order, values of the columns' own types), and ends with _wrote()
    def _insert_event(
        self, kind: str, data: Any, run_id: int | None, attempt_id: int | None, step_id: str | None
    ) -> int:
        data = _dumps_without_pins(data)
        event_id = self._ids("events", 1)
        row = (
            event_id,
            _opt(int, run_id),
            _opt(int, attempt_id),
            _opt(str, step_id),
            str(kind),
            mono_ns(),
            time.time(),
            data,
        )
        self.conn.execute(
            "INSERT INTO events (id, run_id, attempt_id, step_id, kind, mono_ns, wall, data) VALUES (?,?,?,?,?,?,?,?)",
            row,
        )
        chain.record(self.conn, "events", event_id, rows=[row])  # integrity chain
        self._wrote()
        return event_id

    def _insert_observations(
        self,
        attempt_id: int,
        step_id: str | None,
        values: dict[str, Any],
        source: str,
        origins: Mapping[str, tuple[str, Any]] | None = None,
    ) -> None:
        """A step's values in one ``observation_sets`` row (schema v5), chained by one entry; paths with a
        source of their own (``origins``) cut it into one row per run of paths of the same source, so the
        step's order is kept."""
        if not values:
            return
        attempt, step = int(attempt_id), _opt(str, step_id)
        sets = [(str(source), values, {})] if not origins else _by_source(values, str(source), origins)
        first = self._ids("observation_sets", len(sets))
        rows = [  # COLUMNS order, as the chain hashes them
            (i, attempt, step, own, _dumps_without_pins(part, codec.dumps_object),
             _dumps_without_pins(provenance) if provenance else None)
            for i, (own, part, provenance) in enumerate(sets, first)
        ]
        self._insert_rows(_OBSERVATION_SETS, rows)
        chain.record(self.conn, "observation_sets", first, rows=rows)
        self._wrote()

    def _insert_comparisons(self, attempt_id: int, rows: Sequence[tuple[str, str, str, Any]]) -> None:
        encoded = [(str(eid), str(kind), str(outcome), _dumps_without_pins(data)) for eid, kind, outcome, data in rows]
        first, attempt = self._ids("comparisons", len(encoded)), int(attempt_id)
        values = [(i, attempt, *row) for i, row in enumerate(encoded, first)]
        self._insert_rows(_COMPARISONS, values)
        chain.record(self.conn, "comparisons", first, rows=values)  # integrity chain
        self._wrote()

    def _insert_rows(self, insert: str, rows: Sequence[tuple[Any, ...]]) -> None:
        """``rows`` by a few multi-row INSERT statements (a statement per row costs more than its row)."""
        width, done, total = len(rows[0]) if rows else 0, 0, len(rows)
        while done < total:
            size = min(_CHUNK, 1 << ((total - done).bit_length() - 1))  # 54 rows: 32 + 16 + 4 + 2
            self.conn.execute(_values(insert, width, size), [v for row in rows[done : done + size] for v in row])
            done += size

    # -- traces and artifacts --------------------------------------------------------------------
    def add_trace_lines(self, lines: Sequence[TraceLine]) -> None:
        """Store a batch of trace lines in one write, chained by one entry; a PIN in a line's text (a bench line
        quoting an operator's note, an engine's stderr) is masked. APDU lines are not read as text: their VERIFY
        data was masked from the bytes (``format_apdu``), and the text rules would rewrite those masks."""
        if not lines:
            return
        with self._inserting():
            first = self._ids("trace_lines", len(lines))
            rows = [  # COLUMNS order, as the chain hashes them; _opt inlined (20,000 lines a 700-case run)
                (
                    i,
                    str(t.channel),
                    int(t.mono_ns),
                    float(t.wall),
                    str(t.text) if t.channel == _APDU else pin_free(str(t.text)),
                    str(t.source),
                    None if t.source_ts is None else str(t.source_ts),
                    None if t.level is None else str(t.level),
                    None if t.attempt_id is None else int(t.attempt_id),
                    None if t.step_id is None else str(t.step_id),
                )
                for i, t in enumerate(lines, first)
            ]
            self._insert_rows(_TRACE_LINES, rows)
            chain.record(self.conn, "trace_lines", first, rows=rows)  # integrity chain
            self._wrote()

    def add_artifact(
        self, data: bytes, media_type: str, name: str, *, attempt_id: int | None = None, step_id: str | None = None
    ) -> str:
        """Store a produced file once by content (SHA-256) and link it to where it came from."""
        import hashlib

        sha = hashlib.sha256(data).hexdigest()
        with self.transaction():  # a savepoint: the file itself may be new, or already stored
            link = self._ids("artifact_links", 1)  # before any row changes: see _wrote
            self.conn.execute(
                "INSERT OR IGNORE INTO artifacts (sha256, size, media_type, data) VALUES (?,?,?,?)",
                (sha, len(data), media_type, data),
            )
            row = (link, sha, _opt(int, attempt_id), _opt(str, step_id), str(name))
            self.conn.execute(
                "INSERT INTO artifact_links (id, sha256, attempt_id, step_id, name) VALUES (?,?,?,?,?)", row
            )
            chain.record(self.conn, "artifact_links", link, rows=[row])  # integrity chain, from memory
            self._wrote()
        return sha


#: INSERT statements of the store's batches, completed by _values: the columns are the chain's COLUMNS, in
#: their order, since the chain hashes the rows as the store builds them
_OBSERVATION_SETS, _COMPARISONS, _TRACE_LINES = (
    f"INSERT INTO {table} ({', '.join(chain.COLUMNS[table])}) VALUES "
    for table in ("observation_sets", "comparisons", "trace_lines")
)
#: the channel whose lines are masked from their bytes, not read as text (add_trace_lines)
_APDU = Channel.APDU.value
#: rows per INSERT statement at most; a batch is cut in powers of two, so SQLite prepares few shapes
_CHUNK = 64


@functools.lru_cache(maxsize=64)
def _values(insert: str, width: int, rows: int) -> str:
    """``insert`` completed for ``rows`` rows of ``width`` values (the same string object each time)."""
    row = "(" + ",".join("?" * width) + ")"
    return insert + ",".join([row] * rows)


def _by_source(
    values: Mapping[str, Any], source: str, origins: Mapping[str, tuple[str, Any]]
) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """``values`` cut into runs of paths of the same source, in order: (source, path → value, path →
    provenance of the paths that have one). A path not in ``origins`` takes ``source``, no provenance."""
    sets: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
    plain = (source, None)
    for path, value in values.items():
        own, provenance = origins.get(path, plain)
        if not sets or sets[-1][0] != str(own):
            sets.append((str(own), {}, {}))
        sets[-1][1][path] = value
        if provenance is not None:
            sets[-1][2][path] = provenance
    return sets


def _opt(kind: type, value: Any) -> Any:
    """``value`` as the column's type, None kept: what SQLite stores is then what the chain hashed."""
    return None if value is None else kind(value)


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in some service contexts (Windows services, containers)
        return "?"


def _dumps_without_pins(value: Any, dumps: Callable[[Any], str] = codec.dumps) -> str:
    """``dumps(value)`` (:func:`codec.dumps`, or :func:`codec.dumps_object` for an observation set) with every PIN in
    its texts masked; the JSON text is asked first, so a value that names no PIN is encoded once (a NUL byte,
    « \\u0000 » in JSON, hides no label from the rules). Every JSON row the store writes passes here: a lone
    surrogate is escaped here once (:func:`_escaped`), where SQLite's UTF-8 encoding failed the whole run."""
    text = dumps(value)
    if may_hold_pin(text) or "\\u0000" in text:
        text = dumps(_without_pins(codec.to_plain(value)))
    return text if text.isascii() else _LONE_SURROGATE.sub(_escaped, text)


#: half a UTF-16 pair with no other half (a JSON ``"\\ud800"`` that reached the store): UTF-8 cannot encode it
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _escaped(lone: re.Match[str]) -> str:
    """A lone surrogate as the six characters of its escape (backslashreplace's, made JSON: ``\\\\ud800``, since
    ``\\ud800`` reads back as the surrogate): the row is stored and reads back, where SQLite refused the text."""
    return f"\\\\u{ord(lone[0]):04x}"


def _without_pins(value: Any) -> Any:
    """``value`` (plain: :func:`codec.to_plain`'s) with every PIN in its texts masked (keys are names)."""
    if isinstance(value, str):
        return pin_free(value)
    if isinstance(value, dict):
        return {k: _without_pins(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_pins(v) for v in value]
    return value


def _held_lock_file(lock: FileLock) -> os.stat_result | None:
    """The lock file this process just took, to know it again before removing it (None when unreadable)."""
    try:
        return os.stat(lock.lock_file)
    except OSError:
        return None


def _discard_lock(lock: FileLock, held: os.stat_result | None, path: Path) -> None:
    """Remove the lock file beside a session :meth:`SessionStore.open` made and discarded: nothing is left beside
    a session that never came to exist. Only while this process still holds it, and only that very file (the same
    inode): a writer waiting on it finds the file gone when it takes it and takes a new one (filelock checks the
    inode it locked is still linked), so two writers never both hold a lock. Best effort: on Windows an open file
    cannot be removed, and filelock removes it there at release."""
    if held is None or not lock.is_locked or path.exists():
        return
    with contextlib.suppress(OSError):
        if os.path.samestat(os.lstat(lock.lock_file), held):
            os.unlink(lock.lock_file)


def _discard(path: Path, conn: sqlite3.Connection | None) -> None:
    """Remove a session file :meth:`SessionStore.open` made and could not make ready, with SQLite's companions."""
    if conn is not None:
        conn.close()
    for made in (path, *(companion(path, suffix) for suffix in ("-wal", "-shm", "-journal"))):
        with contextlib.suppress(OSError):
            made.unlink(missing_ok=True)
