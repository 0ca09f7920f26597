"""The workstation keeps an eye on its session file: one poll, every two seconds, for the whole time it is open.

- **A session it cannot read now** — a page damaged on disk, a file overwritten, locked by another process, gone
  with its USB stick — is said (a notice and a run-log line naming the file and the reason), the views keep
  what was last read, and the session is read again at each poll until it reads, said too. The handlers that read
  it (the views drawn, the record read again, a run's progress) are :func:`reads_session`: never a traceback, the
  windows left open, what the person typed in them kept.
- **A session another process writes** (``testbench run``): read-only, from the opening or since (a casebook saved
  while it writes, a run refused for it, or a poll of the idle workstation), until that writer has let it go; then
  it is read again, writable, said. What it writes meanwhile is shown at the next poll.
- **A session changed between two polls** — a run shorter than the poll, which no poll saw holding the file, or a
  file copied over the session — is read again at the next poll: each poll compares what the system says of the
  files (:func:`~testbench.store.connection.session_stamp`) with the last read; what changed is checked as the
  opening checked the rest (its integrity). A file put in its place (another session, or this one copied back at an
  earlier state: :meth:`~testbench.store.read.SessionView.continues`) is said: SQLite's cache would have kept
  showing the old one.
- **Its own run or tool under way**: no poll compares the files, the workstation writing them too. A tool's end,
  the next poll follows; a run's end, its reload says a file put in the session's place and the session is
  checked again (:meth:`SessionWatch.resume_checks`): what another process rewrote meanwhile is said then. Each
  alteration is said once, however often the check is made again.
"""

from __future__ import annotations

import contextlib
import functools
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ParamSpec, cast

from textual.worker import WorkerState

from testbench import fmt
from testbench.i18n import _t
from testbench.store.connection import READ_FAILURES, FileStamp, SessionError, damage_reason, session_stamp
from testbench.tui.workstation import (
    DRAFTS_SET_ASIDE,
    WRITTEN_ELSEWHERE,
    aside_said,
    draft_path,
    without_path,
)

if TYPE_CHECKING:
    from testbench.store.read import SessionView

P = ParamSpec("P")

#: how often the session is looked at: a writer gone, a change, a session unreadable that may read again (seconds)
SESSION_POLL_S = 2.0
#: the process that was writing the session (``testbench run``) has ended or was killed
WRITER_GONE = _t(
    "L'autre processus a fini d'écrire la session : elle est relue et ce poste d'examen peut de nouveau l'écrire"
)
#: the session could not be read (``Workstation.unreadable``): what is shown is what was last read
SESSION_UNREADABLE = _t(
    "Fichier de session illisible pour l'instant : {file} — {reason} ; le poste montre ce qu'il en a lu en dernier"
    " et le relit toutes les {seconds} s"
)
#: it reads again
SESSION_READABLE = _t("Fichier de session de nouveau lisible : {file} ; il est relu")
#: another file put in the session's place (copied over it): read again, what is shown now is that file's
SESSION_REPLACED = _t(
    "Fichier de session remplacé sur le disque (copié par-dessus ?) : {file} ; le poste l'a relu et montre"
    " désormais ce qu'il contient"
)


def identity(stamp: FileStamp) -> tuple[int, int] | None:
    """Which file a stamp is of (device, inode): another one at the session's path (a file renamed over it) is
    another identity, a file written in place (copied over it) the same. None: no file there."""
    return (stamp[0], stamp[1]) if stamp is not None else None


def replaced(before: SessionView, after: SessionView, files: tuple[FileStamp, FileStamp]) -> bool:
    """Whether ``after``, read at the path ``before`` was read from, is another file's content than ``before``'s
    plus what was written since: another file at the path (``files``: the session file's stamps as ``before`` was
    read, and now), another session, or this one copied back at an earlier state. A checkpoint moves pages from the
    ``-wal`` into the file without changing what it holds: not that."""
    identities = [identity(stamp) for stamp in files]
    if None not in identities and identities[0] != identities[1]:
        return True
    return not after.continues(before)


def unreadable_reason(exc: BaseException, path: Path) -> str | None:
    """Why the session at ``path`` could not be read, in French, when ``exc`` says it: SQLite unable to read it now
    (damaged, locked by another process) or the store refusing it (:class:`SessionError`, its own sentence, the
    file it names left out: the notice names it); None for anything else (a defect, left to the bench's net)."""
    if isinstance(exc, SessionError):
        return without_path(str(exc), path)
    return damage_reason(exc)


def reads_session(method: Callable[P, None]) -> Callable[P, None]:
    """A handler that reads the session (a view drawn, the record read again): a session that cannot be read at
    that moment leaves what is shown as it was, is said, and is read again at the next poll, never a traceback
    — nor a handler's error, which would stop the workstation's messages. One the workstation read again but
    could not (``Workstation.unreadable``) is said there too."""

    @functools.wraps(method)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> None:
        app = cast("SessionWatch", args[0])
        try:
            method(*args, **kwargs)
        except READ_FAILURES as exc:
            if (reason := unreadable_reason(exc, app.ws.session_path)) is None:
                raise
            app.session_unreadable(reason)
            return
        if app.ws.unreadable is not None:
            app.say_unreadable()

    return guarded


class SessionWatch:
    """Mixed into :class:`~testbench.tui.app.WorkstationApp`, whose state (``ws``, ``t``, the views) it updates."""

    #: the reason said unreadable (French, whatever the language shown), None when none is: said once per reason
    _unreadable_reason: str | None = None
    #: its notice as shown (in the language shown then): what is taken off once the session reads again
    _unreadable_said: str | None = None
    #: what the system said of the session file and its ``-wal`` just before it was last read (:meth:`reading_session`)
    _read_stamp: tuple[FileStamp, FileStamp] | None = None

    def start_session_watch(self) -> None:
        """From the opening to the end: a session opened read-only is said by the opening's notes. The session has
        just been opened and read (its opening writes in it: what the polls compare with is taken after them)."""
        self._read_stamp = session_stamp(self.ws.session_path)
        self.set_interval(SESSION_POLL_S, self._poll_session)

    @contextlib.contextmanager
    def reading_session(self) -> Iterator[None]:
        """The session read (the opening, the workstation's every reload): what the system says of its files just
        before is what the next polls compare with — a write landing while it reads is read at the next poll. A
        file put in its place since the last read is said, whatever read it: a poll, or the end of a run during
        which no poll could compare the files (the run writes them too)."""
        before, stamp = self.ws.session, session_stamp(self.ws.session_path)
        yield
        previous, self._read_stamp = self._read_stamp or (None, None), stamp
        self._say_set_aside()
        after = self.ws.session
        if self.ws.unreadable is not None or before is None or after is None or after is before:
            return
        try:
            other = replaced(before, after, (previous[0], stamp[0]))
        except READ_FAILURES as exc:  # the file read, then failed (being written over again): said as unreadable
            if (reason := unreadable_reason(exc, self.ws.session_path)) is None:
                raise
            self.session_unreadable(reason)
            return
        if other:
            self._say_replaced()

    def _say_replaced(self) -> None:
        """Another file at the session's path: said; what was found in the file it replaces no longer holds (its
        own integrity is checked by whoever read it)."""
        self.ws.altered, self.ws.unchecked = [], None
        file = self.ws.session_path

        def said() -> str:  # in the language shown, the run log's line too after F2
            return self.t(SESSION_REPLACED).format(file=file)

        self.log_line(lambda: f"⚠ {said()}")
        self.notify(said(), severity="warning", timeout=15)

    def _say_set_aside(self) -> None:
        """Another file replaced the session: what was typed for it and not confirmed, set aside, is said."""
        if not (places := self.ws.take_set_aside()):
            return
        file = draft_path(self.ws.session_path)

        def said() -> str:  # in the language shown, the run log's line too after F2
            return self.t(DRAFTS_SET_ASIDE).format(file=file, steps=aside_said(places, self.t))

        self.log_line(lambda: f"⚠ {said()}")
        self.notify(said(), severity="warning", timeout=30)

    def _poll_session(self) -> None:
        if not self.is_running or self._closing:  # the interval may fire while the app quits: no screen left
            return
        if self.ws.unreadable is not None:
            self._read_again()
            return
        if self.ws.read_only:
            if self._poll_writer():
                return
        elif not self._writes_now() and self.ws.written_elsewhere():  # a writer started beside an idle workstation
            self.check_writer()
        if not self._writes_now() and self._session_changed():  # its own writes are read again as they end
            self._follow_change()

    def _writes_now(self) -> bool:
        """Whether this workstation may hold the session's writer lock itself now: a run, or a worker (a tool, the
        report) under way. Its own lock is not another process's."""
        return bool(getattr(self, "running", False)) or any(
            worker.state in (WorkerState.PENDING, WorkerState.RUNNING) for worker in self.workers
        )

    # -- a session changed between two polls ------------------------------------------------------
    def _session_changed(self) -> bool:
        """Whether the system says the session's files changed since they were last read."""
        return self.ws.session is not None and session_stamp(self.ws.session_path) != self._read_stamp

    def _follow_change(self) -> None:
        """The session read again and shown (a file put in its place said there: :meth:`reading_session`). Once
        no other process writes it, what changed is checked as the opening checked the rest (a writer's end is
        checked by :meth:`_poll_writer`)."""
        before = self.ws.session
        self.reload()  # one that cannot be read is said there
        if self.ws.unreadable is None and self.ws.session is not before:
            self.resume_checks()

    def resume_checks(self) -> None:
        """The session read again after a change the watch could not attribute — another process's between two
        polls, or whatever was written beside the workstation's own run (no poll compares the files while it
        writes them): checked as the opening checked it, said only when that changes what was said."""
        if not self.ws.read_only and self.ws.unreadable is None:
            self.check_integrity()

    # -- a session that cannot be read now ---------------------------------------------------------
    def session_unreadable(self, reason: str) -> None:
        """The session could not be read (``reason``, French): said, and read again at the next poll."""
        self.ws.unreadable = reason
        self.say_unreadable()

    def _unreadable_text(self, reason: str) -> str:
        """The notice, in the language shown (F2 draws the run log's line again)."""
        return self.t(SESSION_UNREADABLE).format(
            file=self.ws.session_path, reason=self.t(reason), seconds=fmt.seconds(SESSION_POLL_S, self.lang)
        )

    def say_unreadable(self, *, shown: bool = False) -> None:
        """The session unreadable: said once (a notice, a line of the run log) until it reads again — compared by
        its reason, not its words, which F2 changes. ``shown``: a run refused for it — its notice is shown again if
        it has left the screen, the run's refusal saying nothing more."""
        reason = self.ws.unreadable or ""
        if reason == self._unreadable_reason:
            now = time.monotonic()  # the toasts as notified (Textual shows them a message later)
            if shown and not any(toast[0] == self._unreadable_said and toast[2] > now for toast in self._toasts):
                self._unreadable_said = self._unreadable_text(reason)
                self.notify(self._unreadable_said, severity="error", timeout=30)
            return
        said = self._unreadable_text(reason)
        self._withdraw(self._unreadable_said)
        self._unreadable_reason, self._unreadable_said = reason, said
        self.log_line(lambda: f"⚠ {self._unreadable_text(reason)}")
        self.notify(said, severity="error", timeout=30)

    def _read_again(self) -> None:
        self.reload()
        if self.ws.unreadable is not None:
            self.say_unreadable()  # another reason than the one said: said in turn
            return
        self._withdraw(self._unreadable_said)
        self._unreadable_reason = self._unreadable_said = None
        file = self.ws.session_path

        def said() -> str:  # in the language shown, the run log's line too after F2
            return self.t(SESSION_READABLE).format(file=file)

        self.log_line(lambda: f"✔ {said()}")
        self.notify(said(), timeout=8)

    def _warning_line(self, note: str) -> str:
        """The run log's line of a warning ``note`` (French), in the language shown when drawn."""
        return f"⚠ {self.t(note)}"

    def _withdraw(self, message: str | None) -> None:
        """A notice that no longer holds, taken off the screen if still shown."""
        if message is None:
            return
        for notification in list(self._notifications):
            if notification.message == message:
                self._unnotify(notification)
        self._toasts = [toast for toast in self._toasts if toast[0] != message]

    # -- a session another process writes --------------------------------------------------------
    def check_writer(self) -> None:
        """A write refused (a run, a shard): when another process writes the session now, the workstation is
        read-only from now on, said, until that writer has gone (:meth:`_poll_writer`)."""
        if not self.ws.read_only and self.ws.written_elsewhere():
            self.ws.read_only = True
        self.follow_writer()

    def follow_writer(self) -> None:
        """Read-only since the opening: said as the opening says it, and withdrawn once the writer has gone."""
        if not self.ws.read_only or WRITTEN_ELSEWHERE in self.notes:
            return
        self.notes.append(WRITTEN_ELSEWHERE)
        self.log_line(lambda: f"⚠ {self.t(WRITTEN_ELSEWHERE)}")
        self.notify(self.t(WRITTEN_ELSEWHERE), severity="warning", timeout=15)

    def _poll_writer(self) -> bool:
        """The process that was writing the session has ended, or was killed: the session is read again (a case
        it left under way said interrupted), this workstation writes it from now on, and the read-only warning is
        withdrawn (True). One it cannot open for writing meanwhile stays read-only, looked at again at the next
        poll (False)."""
        try:
            notes = self.ws.take_writer()
        except Exception:  # damaged or gone since (SQLite's errors too): read-only still, tried again
            return False
        if notes is None or self.ws.read_only:
            return False
        self.notes = [note for note in self.notes if note != WRITTEN_ELSEWHERE]
        for shown in {WRITTEN_ELSEWHERE, self.t(WRITTEN_ELSEWHERE)}:  # in either language: F2 may have come between
            self._withdraw(shown)
        self.reload()
        self.check_integrity()  # what the writer added is checked as the opening checked the rest
        for note in notes:
            self.notify(self.t(note), severity="warning", timeout=8)
            self.log_line(partial(self._warning_line, note))
        self.log_line(lambda: f"✔ {self.t(WRITER_GONE)}")
        self.notify(self.t(WRITER_GONE), timeout=8)
        return True
