"""Follow log files by polling: rotation, truncation, partial lines, legacy encodings.

Why polling, and why open-read-close at each poll: it works the same on Windows and Linux (no inotify,
no fcntl), and it never holds the file open between polls, so an application on Windows can still
rename its log to rotate it. On Windows each read also opens with ``FILE_SHARE_DELETE``
(:func:`open_shared`), which Python's ``open()`` does not pass, so even a rename during a read succeeds.

A followed file is known by its identity, not its path: ``(st_dev, st_ino)`` where the platform gives
an inode number, else a signature of its first bytes (FAT, some network shares). At each poll:

1. every pattern (path or glob) is expanded; each matching file is stat'ed;
2. each followed file is found again by identity (its path may have changed: ``app.log`` renamed to
   ``app.log.1``); if it left the patterns, it is looked for beside its old path; its remaining bytes
   are read **before** any new file, so a rotation loses and duplicates nothing;
3. a file seen for the first time is read from its start (or from its end for files already there when
   following starts, unless ``from_start``);
4. a file that shrank, or whose first bytes or the bytes just before its offset changed, was truncated
   (copytruncate, or opened anew by an application restarted): what was not read yet is read from the copy
   beside it, when there is one, then the file again from offset 0.

A file that left the patterns is still polled for ``drain_grace_s`` after its last growth, for
applications that write a few more lines to the old handle after renaming it.

Only complete lines are emitted: a line ends at ``\\n``, ``\\r\\n`` or a lone ``\\r`` (old Windows and Mac tools, a
progress line rewritten in place); a ``\\r`` that is the last byte read so far ends its line at once, and a ``\\n``
written just after it is no empty line (the byte before the offset is read with the new ones, so this holds after a
restart too). Offsets stay byte offsets. A trailing partial line is kept until its end arrives, and emitted by
:meth:`FileTailer.close`. Encodings are ASCII-compatible (utf-8, cp1252,
latin-1…) or UTF-16, read by two-byte units (:mod:`testbench.traces.logtext`, which ``sut check`` reads
with too): each file's first bytes say its encoding when they say UTF-16 (a byte order mark, a NUL byte
beside each character), whatever was given. Undecodable bytes become U+FFFD, never an exception — but a
line that is not UTF-8 in a UTF-8 file (the default) is read in the Windows code page French software
writes (cp1252, :func:`testbench.fmt.program_text`): a log whose encoding was not given keeps its accents.
No line keeps a NUL character.

A path's folders are taken as written (« GestPSAD [PROD] »): only its file name may be a pattern
(``*``, ``?``, ``[…]``), and a file name that exists as written is that file (:func:`log_files`).
"""

from __future__ import annotations

import codecs
import fnmatch
import glob
import os
import re
import stat
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, BinaryIO

from testbench.traces.clock import RawLine, stamp
from testbench.traces.delivery import Delivery, ErrorCallback, LineCallback
from testbench.traces.followed import (
    COMPRESSED,
    HEAD_BYTES,
    Candidate,
    FilePosition,
    Followed,
    last_line_end,
    open_shared,
    position_of,
    read_head,
    rotation_rank,
)
from testbench.traces.logtext import (
    UTF16,
    carriage_return,
    check_encoding,
    decoded,
    file_encoding,
    first_break,
    last_break,
    newline,
    split_lines,
)

#: A line longer than this without a newline is emitted in pieces (a binary file must not eat memory).
MAX_LINE_BYTES = 1 << 20
#: How far before :data:`MAX_LINE_BYTES` a piece looks for a boundary to end at (:func:`cut_point`).
CUT_WINDOW = 64 << 10
#: Where a piece of a long line ends, best first, on one byte per character (:func:`cut_point`): each piece is
#: redacted alone, so a NIR, a name, a birth date or a labelled number must not straddle the cut. Before an
#: opening tag (no rule's value, label gap or name holds « < »); before a JSON member's key (``, "``: the label
#: and its value stay together); after a closing mark and spaces (``. ``, ``) ``, ``] ``…) with no digit in the
#: 32 bytes after them, as far as a label reaches its value (30 characters), and no spaced number goes on across.
_CUT_BOUNDARIES = (
    re.compile(rb"(?=<[A-Za-z!?])"),
    re.compile(rb"[,{\[][ \t]*(?=\")"),
    re.compile(rb"[.!?;)\]}>|][ \t]+(?![^0-9]{0,32}[0-9])"),
)
#: How far before the last poll a rotated file stamped on a whole second may have been modified and still be new since
#: then: FAT stamps files to 2 s, some network shares alike (:func:`_clock_tick`).
COARSE_TICK_NS = 2_000_000_000
#: Bytes read from one file in one poll at most, so one huge file does not starve the others.
MAX_READ_PER_POLL = 8 << 20
#: The bytes before a file's offset checked at each read: a file rewritten from its start past the offset, with the
#: same first bytes (an application's banner), no longer holds them (:attr:`Followed.guard`).
GUARD_BYTES = 64
#: How many times a folder is listed at most until two listings agree (:meth:`FileTailer._settled`): a rotation renames
#: a dozen files in well under a millisecond, so a third listing nearly always sees it done.
SETTLE_PASSES = 5


_WILDCARDS = frozenset("*?[")


def log_files(pattern: str) -> list[str]:
    """The files a log path names now, sorted: its folders are taken as written, brackets included (« C:\\GestPSAD
    [PROD]\\Journaux\\*.log »); only its file name may be a pattern (``*``, ``?``, ``[…]``), unless a file of
    that very name exists. A path without a pattern is returned as it is, there or not (it may come)."""
    folder, name = os.path.split(pattern)
    if _WILDCARDS.isdisjoint(name) or os.path.lexists(pattern):
        return [pattern]
    return sorted(glob.glob(os.path.join(glob.escape(folder), name)))


def pattern_matches(path: str, pattern: str) -> bool:
    """Whether ``path`` is (or was) one of the files of a log path (:func:`log_files`'s rule)."""
    if path == pattern:
        return True
    folder, name = os.path.split(pattern)
    if _WILDCARDS.isdisjoint(name):
        return False
    where, file = os.path.split(path)
    return os.path.normcase(where) == os.path.normcase(folder) and fnmatch.fnmatch(file, name)


class FileTailer(Delivery):
    """Polls files in a thread and hands complete lines to ``on_lines`` in batches (one per poll).

    ``patterns``: paths or globs. ``source_name``: maps a path to the ``source`` of its lines (default:
    the path as given by the pattern). ``use_inode=False`` forces the first-bytes signature (tests, or
    file systems that reuse inode numbers).
    """

    def __init__(
        self,
        patterns: Iterable[str | os.PathLike[str]],
        on_lines: LineCallback,
        *,
        encoding: str = "utf-8",
        poll_interval: float = 0.05,
        from_start: bool = False,
        drain_grace_s: float = 2.0,
        use_inode: bool = True,
        on_error: ErrorCallback | None = None,
        source_name: Callable[[str], str] | None = None,
        resume: Iterable[FilePosition | Mapping[str, Any]] = (),
    ) -> None:
        self.patterns = [os.fspath(p) for p in patterns]
        positions = (p if isinstance(p, FilePosition) else FilePosition.from_dict(p) for p in resume)
        self._resume = [p for p in positions if self._matches(p.source)]  # another source's files are not ours
        super().__init__(on_lines, on_error)
        self.encoding = check_encoding(encoding)
        self.poll_interval = poll_interval
        self.from_start = from_start
        self.drain_grace_s = drain_grace_s
        self.use_inode = use_inode
        self.source_name = source_name or (lambda path: path)
        self.rotations = 0
        self.truncations = 0
        self._followed: list[Followed] = []
        self._copies: list[Followed] = []  # copies read from in this poll (:meth:`_read_copy`), followed from their end
        self._first_scan = True
        self._since_ns = 0  # the wall clock when the last poll began: a rotated file modified since is not read yet
        self._polling_ns = 0  # when this one began
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._poll_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._closed = False

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> FileTailer:
        if self._thread is not None:
            raise RuntimeError("tailer already started")
        self.poll()  # the first scan happens now: files already there start at their end
        self._thread = threading.Thread(target=self._run, name="trace-tail", daemon=True)
        self._thread.start()
        return self

    def close(self, *, flush_partial: bool = True) -> None:
        """Stop the thread, read what is left, then emit trailing partial lines."""
        if self._closed:
            return
        self._closed = True
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.poll()
        if flush_partial:
            with self._poll_lock:
                batch: list[RawLine] = []
                mono, wall = stamp()
                for followed in self._followed:
                    if followed.partial:
                        data, followed.partial = followed.partial, b""
                        self._emit_bytes(followed, data, batch, mono, wall)
                self._deliver(batch)

    def __enter__(self) -> FileTailer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def poll_now(self) -> None:
        """Read what the files hold now, in the caller's thread (a barrier before a step change).

        Polls are serialised, so this is safe while the thread runs; lines reach ``on_lines`` before
        this returns.
        """
        if not self._closed:
            self.poll()

    def positions(self) -> list[FilePosition]:
        """Where each followed file stands (complete lines delivered to ``on_lines``)."""
        with self._poll_lock:
            return [position_of(f) for f in self._followed]

    def sizes(self) -> list[tuple[Followed, int]]:
        """Each followed file and its size now: how far :meth:`reached` asks the lines to be delivered."""
        with self._poll_lock:
            followed = list(self._followed)
        out = []
        for item in followed:
            st = self._stat(item.path)
            if st is not None:
                out.append((item, st[2]))
        return out

    def reached(self, sizes: Sequence[tuple[Followed, int]]) -> bool:
        """Whether each file of ``sizes`` was read up to its size then (a file since gone, rotated out of sight or
        truncated below it, up to where it is now): a flood read by chunks catches up poll after poll."""
        with self._poll_lock:
            followed = {id(item) for item in self._followed}
            for item, size in sizes:
                if id(item) not in followed or item.offset >= size:
                    continue
                st = self._stat(item.path)
                if st is not None and item.offset < min(size, st[2]):
                    return False
        return True

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.poll_interval)
            self._wake.clear()
            if self._stop.is_set():
                break
            self.poll()

    # ----------------------------------------------------------------- one poll

    def poll(self) -> None:
        """One pass over every file; safe to call from any thread."""
        with self._poll_lock:
            batch: list[RawLine] = []
            try:
                self._poll_once(batch)
            except Exception as exc:  # a poll must never kill the thread
                self._report("poll", exc)
            self._deliver(batch)
            self._first_scan = False

    def _matches(self, path: str) -> bool:
        """Whether ``path`` is (or was) one of this tailer's files."""
        return any(pattern_matches(path, pattern) for pattern in self.patterns)

    def _expand(self) -> list[str]:
        seen: dict[str, None] = {}
        for pattern in self.patterns:
            for path in log_files(pattern):
                seen.setdefault(path, None)
        return list(seen)

    def _stat(self, path: str) -> tuple[int, int, int, int] | None:
        try:
            st = os.stat(path)
        except OSError:
            return None
        if not stat.S_ISREG(st.st_mode):
            return None
        ino = st.st_ino if self.use_inode else 0
        return st.st_dev, ino, st.st_size, st.st_mtime_ns

    def _poll_once(self, batch: list[RawLine]) -> None:
        now = time.monotonic()
        self._since_ns, self._polling_ns = self._polling_ns, time.time_ns()
        current: list[Candidate] = []
        for path in self._expand():
            st = self._stat(path)
            if st is None:
                continue
            dev, ino, size, mtime_ns = st
            head = None if ino else read_head(path)
            current.append((path, dev, ino, size, head, mtime_ns))

        claimed: set[str] = set()
        keep: list[Followed] = []
        resumed: set[str] = set()
        vacated: dict[str, str] = {}  # path a followed file was rotated away from -> its lines' source
        # a log a followed file was rotated from -> its lines' source, and the followed files at its rotated names
        chains: dict[str, tuple[str, list[Followed]]] = {}
        if self._first_scan and self._resume:
            self._resume_files(current, claimed, keep, resumed, vacated, batch)
        # Files already followed first, oldest first: a rotated file's tail comes before the new file.
        by_inode = {(c[1], c[2]): c for c in current if c[2]}  # a glob may match hundreds of files
        for followed in self._followed:
            match = by_inode.get((followed.dev, followed.ino)) if followed.ino else None
            if match is not None and match[0] in claimed:
                match = None
            if match is not None:
                renamed = _renamed(followed, match)
                if renamed is None:  # the path changed hands under us: look again at the next poll
                    claimed.add(match[0])
                    keep.append(followed)
                    continue
                if not renamed:
                    match = None
            if match is None and not followed.ino:
                match = next(
                    (
                        c
                        for c in current
                        if c[0] not in claimed
                        and (
                            followed.same_file(c[1], c[2], c[4])
                            # no inode and still empty when last seen: the path is all we have
                            or (not c[2] and not followed.head and c[0] == followed.path)
                        )
                    ),
                    None,
                )
            if match is not None:
                claimed.add(match[0])
                if match[0] != followed.path:
                    self.rotations += 1
                    vacated[followed.path] = followed.origin
                    _chained(chains, followed, match[0])
                followed.path = match[0]
                followed.in_patterns = True
                self._read(followed, match[3], batch, mtime_ns=match[5])
                keep.append(followed)
                continue
            # Left the patterns: renamed out of them (rotation) or deleted.
            relocated = self._relocate(followed, {c[0] for c in current})
            if relocated is None:  # deleted: what was not read yet is gone; keep what we have
                if followed.in_patterns:  # deleted by a rotation, perhaps (RotatingFileHandler, backupCount=1)
                    chains.setdefault(followed.path, (followed.origin, []))
                if followed.partial:
                    data, followed.partial = followed.partial, b""
                    self._emit_bytes(followed, data, batch, *stamp())
                continue
            path, size = relocated
            if followed.in_patterns:
                self.rotations += 1
                followed.in_patterns = False
            if path != followed.path:
                vacated[followed.path] = followed.origin
                _chained(chains, followed, path)
            followed.path = path
            grew = self._read(followed, size, batch)
            if grew or now - followed.last_growth < self.drain_grace_s:
                keep.append(followed)
            elif followed.partial:
                data, followed.partial = followed.partial, b""
                self._emit_bytes(followed, data, batch, *stamp())
        for copy in self._copies:  # read from already: not new files
            claimed.add(copy.path)
            keep.append(copy)
        self._copies = []
        if not self._first_scan:
            listed = {c[0] for c in current}
            for base, (source, known) in list(chains.items()):
                for item in self._read_chain(base, source, known, keep, claimed | listed, batch):
                    claimed.add(item.path)
                    keep.append(item)
        # New files, oldest first: two rotations between polls leave two new files (app.log.1, app.log).
        kept = {(item.dev, item.ino) for item in keep if item.ino}  # one listed before a rotation chain read it
        for path, dev, ino, size, head, _mt in sorted(current, key=_modified):
            if path in claimed or (ino and (dev, ino) in kept):
                continue
            # a file at a resumed path that is not the resumed file, or at a rotated name of a path a
            # resumed file was rotated away from, came after it: read it whole
            heir = _heir(path, vacated)
            if not self._first_scan and heir is None:
                # a copy of a followed file, seen before its truncation: its lines are that file's, read there; one
                # named after it (``app.log.1``) also while it is being written (empty: judged once it has bytes), or
                # once the file grew past it
                originals = [item for item in keep if item.offset and _named_after(path, item.path)]
                if not size and originals:
                    continue
                if any(self._copy_of(path, size, item) is not None for item in keep) or any(
                    self._copy_of(path, size, item, whole=False) is not None for item in originals
                ):
                    keep.append(Followed(path, path, dev, ino, b"", offset=size, at_start=False, mirror=True))
                    continue
            start_at_end = self._first_scan and not self.from_start and path not in resumed and heir is None
            followed = Followed(origin=heir or path, path=path, dev=dev, ino=ino, head=head or b"", offset=0)
            if start_at_end:
                if not followed.head:
                    followed.head = read_head(path) or b""
                self._settle(followed)  # where its last line ends depends on its encoding
                followed.offset = last_line_end(path, size, followed.newline)
            followed.at_start = followed.offset == 0
            if not start_at_end:
                self._read(followed, size, batch, live=not self._first_scan)
            keep.append(followed)
        self._followed = keep

    def _resume_files(
        self,
        current: list[Candidate],
        claimed: set[str],
        keep: list[Followed],
        resumed: set[str],
        vacated: dict[str, str],
        batch: list[RawLine],
    ) -> None:
        """Start each file of ``resume`` where it was left, wherever it is now (it may have rotated)."""
        rotated: dict[str, tuple[int, str]] = {}  # source -> (mtime, path) of its newest file found out of the patterns
        for pos in self._resume:
            followed = Followed(
                origin=pos.source,
                path=pos.path,
                dev=pos.dev,
                ino=pos.ino if self.use_inode else 0,
                head=bytes.fromhex(pos.head),
                offset=pos.offset,
                at_start=pos.offset == 0,
                guard=bytes.fromhex(pos.guard),
            )
            resumed.add(pos.source)
            match = next(
                (
                    c
                    for c in current
                    if c[0] not in claimed and followed.same_file(c[1], c[2], c[4]) and _renamed(followed, c)
                ),
                None,
            )
            if match is not None:
                path, size = match[0], match[3]
            else:
                found = self._relocate(followed, {c[0] for c in current})
                if found is None:
                    continue  # gone while the bench was down
                path, size = found
                followed.in_patterns = False
                st = self._stat(path)
                if st is not None:
                    rotated[pos.source] = max(rotated.get(pos.source, (st[3], path)), (st[3], path))
            claimed.add(path)
            if path != pos.path:
                vacated[pos.path] = pos.source
            followed.path = path
            self._read(followed, size, batch, live=False)  # written while the bench was down
            keep.append(followed)
        for source, (mtime_ns, path) in rotated.items():
            self._read_rotated_since(source, path, mtime_ns, claimed, keep, batch)

    def _read_rotated_since(
        self, source: str, resumed: str, mtime_ns: int, claimed: set[str], keep: list[Followed], batch: list[RawLine]
    ) -> None:
        """Read whole, oldest first, the files at rotated names of ``source`` newer than its resumed file (now at
        ``resumed``): after two rotations while the bench was down, ``app.log.1`` lies between the resumed
        ``app.log.2`` and the new ``app.log``, and no pattern lists it."""
        folder = os.path.dirname(source)
        listed: list[tuple[int, str, int, int, int]] = []
        for entry in _scan(folder):
            path = os.path.join(folder, entry.name)
            if path in claimed or path == resumed or not _is_rotated_name(path, source):
                continue
            st = self._stat(path)
            if st is not None and st[3] >= mtime_ns:  # the same clock tick may stamp both files
                listed.append((st[3], path, st[0], st[1], st[2]))
        for _mt, path, dev, ino, size in sorted(listed):
            claimed.add(path)
            followed = Followed(origin=source, path=path, dev=dev, ino=ino, head=b"", offset=0, in_patterns=False)
            self._read(followed, size, batch, live=False)
            keep.append(followed)

    def _read_chain(
        self,
        base: str,
        source: str,
        known: Sequence[Followed],
        followed: Iterable[Followed],
        skip: set[str],
        batch: list[RawLine],
        *,
        live: bool = True,
    ) -> list[Followed]:
        """Read whole, oldest first, the files a rotation chain left between a followed file and the new log; they are
        followed from then on (returned).

        Two rotations within one poll (``app.log`` -> ``app.log.1`` -> ``app.log.2`` while a fresh ``app.log``
        appears) leave ``app.log.1`` unseen when the log path names ``app.log`` alone: no pattern lists it and no
        identity the bench knows is its. Such a file is at a rotated name of ``base`` (:func:`rotation_rank`), not in
        ``skip``, none of ``followed``, and younger than the youngest of ``known`` (followed files at rotated names of
        ``base``, wherever the folder shows them now: a rotation may be under way): by its name when both names have
        one form (a lower number, a later date), or written after it; else (another form, or none of ``known`` seen:
        the followed file was deleted, or its inode given to the new log, by a rotation that keeps one file) by its
        modification time, which must also be since the last poll began (less a coarse clock's tick: _clock_tick)."""
        followed = list(followed)
        folder = os.path.dirname(base)
        # (rank, mtime, path, st_dev, inode, size, first bytes when there is no inode)
        listed: list[tuple[tuple[str, int | str], int, str, int, int, int, bytes | None]] = []
        ranks: list[tuple[str, int | str]] = []
        known_ns = -1
        known_keys = {(item.dev, item.ino) for item in known if item.ino}  # a glob may list hundreds of rotated files
        followed_keys = {(item.dev, item.ino) for item in followed if item.ino}
        for path, st in self._settled(folder, lambda name: rotation_rank(os.path.join(folder, name), base) is not None):
            rank = rotation_rank(path, base)
            if rank is None:  # taken by its name already
                continue
            dev, ino, size, mtime_ns = st
            head = None if ino else read_head(path)
            if (dev, ino) in known_keys or (not ino and any(item.same_file(dev, 0, head) for item in known)):
                ranks.append(rank)  # where it is now
                known_ns = max(known_ns, mtime_ns)
            elif path in skip or (dev, ino) in followed_keys:
                continue
            elif ino or not any(item.same_file(dev, 0, head) or item.path == path for item in followed):
                listed.append((rank, mtime_ns, path, dev, ino, size, head))  # none read already (followed, a copy)
        forms = {rank[0] for rank in ranks}
        known_rank = max(ranks) if len(forms) == 1 else None  # one form: its ranks all ints, or all strings
        found = []
        for rank, mtime_ns, *rest in listed:
            # one form: younger by name, or written after it (a rotation under way renames as the folder is listed)
            if known_rank is not None and known_rank[0] == rank[0]:
                younger = rank[1] > known_rank[1] or mtime_ns > known_ns  # type: ignore[operator]
            else:
                younger = mtime_ns >= known_ns and mtime_ns >= self._since_ns - _clock_tick(mtime_ns)
            if younger:
                found.append((rank, mtime_ns, *rest))
        # oldest first: by modification time (what a rename cannot change), then by name (a coarse clock's tie)
        one_form = len({item[0][0] for item in found}) <= 1
        found.sort(key=lambda item: (item[1], item[0][1] if one_form else 0, item[2]))
        chain: list[Followed] = []
        for _rank, _mt, path, dev, ino, size, head in found:
            self.rotations += 1
            item = Followed(origin=source, path=path, dev=dev, ino=ino, head=head or b"", offset=0, in_patterns=False)
            if ino:  # renamed again since it was listed: read where it is now
                st = self._stat(path)
                if st is None or st[:2] != (dev, ino):
                    relocated = self._relocate(item, set())
                    if relocated is not None:
                        item.path, size = relocated
            self._read(item, size, batch, live=live)
            chain.append(item)
        return chain

    def _relocate(self, followed: Followed, excluded: set[str]) -> tuple[str, int] | None:
        """Find a followed file that left the patterns, beside its last path. A rotation under way may hand it from
        one name to the next as the folder is listed: the folder is read as one moment saw it (:meth:`_settled`), and
        again while a path changed hands between that listing and the check of the file found there."""
        st = self._stat(followed.path)
        if st is not None:
            head = None if st[1] else read_head(followed.path)
            if followed.same_file(st[0], st[1], head):
                return followed.path, st[2]
        folder, name = os.path.split(followed.path)
        stem = name.split(".", 1)[0]
        for _ in range(SETTLE_PASSES):
            moved = False
            for path, st in self._settled(folder, lambda entry: entry.startswith(stem)):
                if path in excluded:
                    continue
                head = None if st[1] else read_head(path)
                if not followed.same_file(st[0], st[1], head):
                    continue
                renamed = _renamed(followed, (path, *st[:3], head, st[3]))
                if renamed:
                    return path, st[2]
                moved = moved or renamed is None
            if not moved:
                return None
        return None

    def _settled(self, folder: str, wanted: Callable[[str], bool]) -> list[tuple[str, tuple[int, int, int, int]]]:
        """The files of ``folder`` whose names ``wanted`` takes, each with its stat, as one moment of the folder held
        them: an application rotating its log renames ``app.log.1`` to ``app.log.2`` and ``app.log`` to ``app.log.1``
        while the folder is listed and each name stat'ed in turn, so one listing may see a file at two names or at
        none. The names are stat'ed again until two passes agree on which file each holds (at most
        :data:`SETTLE_PASSES`): then each held it through the moment between the passes."""
        previous: set[tuple[str, int, int, int, int]] | None = None
        listed: list[tuple[str, tuple[int, int, int, int]]] = []
        for _ in range(SETTLE_PASSES):
            listed = []
            for entry in _scan(folder):
                if not wanted(entry.name):
                    continue
                path = os.path.join(folder, entry.name)
                st = self._stat(path)
                if st is not None:
                    listed.append((path, st))
            # a file is its inode; without one, its size and time too (a rename shows another file's)
            seen = {(path, st[0], st[1], 0 if st[1] else st[2], 0 if st[1] else st[3]) for path, st in listed}
            if seen == previous:
                break
            previous = seen
        return listed

    def _read(
        self, followed: Followed, size: int, batch: list[RawLine], *, live: bool = True, mtime_ns: int | None = None
    ) -> bool:
        """Read new bytes of one file; True if it grew."""
        if followed.mirror:  # a copy's bytes are its original's (read there, or by _read_copy): none of its own
            followed.offset = size
            return False
        if mtime_ns is not None:
            # same size, same modification time: nothing to read, and no truncation to check for
            if size == followed.offset and mtime_ns == followed.mtime_ns:
                return False
            followed.mtime_ns = mtime_ns
        try:
            with open_shared(followed.path) as handle:
                if followed.ino and os.fstat(handle.fileno()).st_ino != followed.ino:
                    return False  # renamed again since it was listed: read where it is at the next poll
                head = handle.read(HEAD_BYTES)
                truncated = size < followed.offset or (
                    len(followed.head) > 0 and head[: len(followed.head)] != followed.head
                )
                if not truncated and followed.guard:  # same first bytes, grown past the offset: the same file still?
                    handle.seek(followed.offset - len(followed.guard))
                    truncated = handle.read(len(followed.guard)) != followed.guard
                if truncated:
                    self.truncations += 1
                    copies = len(self._copies)
                    self._read_copy(followed, batch, live=live)  # copytruncate: what was not read yet is in the copy
                    if followed.partial:  # what we saw of the last line before the truncation
                        data, followed.partial = followed.partial, b""
                        self._emit_bytes(followed, data, batch, *stamp(), live=live)
                    if len(self._copies) == copies and not self._first_scan and followed.in_patterns:
                        # no copy: deleted by a rotation, perhaps, its inode given to the new log at once (ext4)
                        others = [item for item in self._followed if item is not followed] + self._copies
                        self._copies += self._read_chain(
                            followed.path, followed.origin, [], others, {followed.path}, batch, live=live
                        )
                    followed.offset = 0
                    followed.at_start = True
                    followed.guard = b""
                if len(head) > len(followed.head) or truncated:
                    followed.head = head
                if not followed.codec:
                    self._settle(followed)
                if size <= followed.offset:
                    return False
                handle.seek(followed.offset)
                data = handle.read(min(size - followed.offset, MAX_READ_PER_POLL))
                after_cr = not truncated and self._after_cr(handle, followed, data)
        except OSError as exc:
            self._report(followed.path, exc)
            return False
        if not data:
            return False
        mono, wall = stamp()
        followed.offset += len(data)
        followed.guard = (followed.guard + data)[-GUARD_BYTES:] if len(data) < GUARD_BYTES else data[-GUARD_BYTES:]
        followed.last_growth = time.monotonic()
        nl = followed.newline
        if truncated:
            # a writer without O_APPEND leaves a hole of NUL bytes after copytruncate (whole characters of them)
            hole = len(data) - len(data.lstrip(b"\x00"))
            data = data[hole - hole % len(nl) :]
        buffer = followed.partial + data if followed.partial else data
        self._lines_of(followed, buffer[len(nl) :] if after_cr else buffer, batch, mono, wall, live=live)
        return True

    @staticmethod
    def _after_cr(handle: BinaryIO, followed: Followed, data: bytes) -> bool:
        """Whether the bytes not emitted yet (what was kept of a line, then ``data``) begin with a ``\\n`` that ends the
        line a ``\\r`` just before them ended: that line was emitted at the ``\\r`` (:meth:`_lines_of`), and the
        ``\\n`` is no empty line. The byte before them is read in the file, so this holds after a restart too."""
        nl, kept = followed.newline, followed.partial
        start = followed.offset - len(kept)
        if start < len(nl) or (kept + data[: len(nl)])[: len(nl)] != nl:
            return False
        handle.seek(start - len(nl))
        return handle.read(len(nl)) == carriage_return(nl)

    def _lines_of(
        self, followed: Followed, buffer: bytes, batch: list[RawLine], mono: int, wall: float, *, live: bool
    ) -> None:
        """Emit the complete lines of ``buffer`` (what was kept of a line, then the bytes just read) and keep the rest
        as the line still being written. A line ends at ``\\n``, ``\\r\\n`` or a lone ``\\r``; a ``\\r`` that is
        the last byte read ends its line now (a CR-only log is not held back until its next line begins), and the
        ``\\n`` that may follow it at the next read is skipped there (:meth:`_read`)."""
        cut, end = last_break(buffer, followed.newline)
        if cut < 0:
            while len(buffer) > MAX_LINE_BYTES:  # in pieces, each ending where no personal value is cut
                at = cut_point(buffer, followed.codec or self.encoding)
                self._emit_bytes(followed, buffer[:at], batch, mono, wall, live=live)
                buffer = buffer[at:]
            followed.partial = buffer
            return
        followed.partial = buffer[end:]
        self._emit_lines(followed, buffer[:cut], batch, mono, wall, live=live)

    def _emit_lines(
        self, followed: Followed, data: bytes, batch: list[RawLine], mono: int, wall: float, *, live: bool = True
    ) -> None:
        """Complete lines; one longer than :data:`MAX_LINE_BYTES` in pieces, as a line still without its end is, so
        that a line is stored alike whether it came in one read or over several."""
        nl, codec = followed.newline, followed.codec or self.encoding
        start = line = 0  # the first line not emitted yet; the line looked at
        ended = 0  # where the line end before ``line`` begins
        while len(data) - line > MAX_LINE_BYTES:  # a window of that size at a time: a flood of short lines is cheap
            last, after = last_break(data, nl, line, line + MAX_LINE_BYTES + len(nl))
            if last >= 0:
                ended, line = last, after
                continue
            end, after = first_break(data, nl, line)  # the line at ``line`` is longer than the limit
            if line > start:
                self._emit_bytes(followed, data[start:ended], batch, mono, wall, live=live)
            piece = data[line:end] if end >= 0 else data[line:]
            while len(piece) > MAX_LINE_BYTES:
                at = cut_point(piece, codec)
                self._emit_bytes(followed, piece[:at], batch, mono, wall, live=live)
                piece = piece[at:]
            self._emit_bytes(followed, piece, batch, mono, wall, live=live)
            if end < 0:  # the last line of ``data``: emitted
                return
            start = line = after
        self._emit_bytes(followed, data[start:], batch, mono, wall, live=live)

    def _copy_of(self, path: str, size: int, followed: Followed, *, whole: bool = True) -> bytes | None:
        """The first bytes of ``path`` when it is a copy of ``followed`` as read so far (copytruncate): as long, with
        its first bytes and the bytes before its offset; else None. Not ``whole``, a copy still being written, or one
        the file grew past, will do too: its last bytes (up to :data:`GUARD_BYTES`) are the file's at the same place.
        Only where files have an inode: without one, a file is known by its first bytes, which a copy shares."""
        if not followed.ino or not followed.offset or not followed.guard or not size:
            return None
        if whole and size < followed.offset:
            return None
        end = min(size, followed.offset)
        try:
            if end < followed.offset:  # what the file holds where the copy ends (it is not truncated yet)
                width = min(GUARD_BYTES, end)
                with open_shared(followed.path) as original:
                    original.seek(end - width)
                    guard = original.read(width)
            else:
                guard = followed.guard
            with open_shared(path) as handle:
                head = handle.read(HEAD_BYTES)
                n = min(len(head), len(followed.head))
                if head[:n] != followed.head[:n] or (whole and n < len(followed.head)):
                    return None
                handle.seek(end - len(guard))
                return head if len(guard) and handle.read(len(guard)) == guard else None
        except OSError:
            return None

    def _read_copy(self, followed: Followed, batch: list[RawLine], *, live: bool) -> None:
        """Before a truncated file is read again from its start, its bytes the bench had not read yet, from the copy
        made of it beside it (``app.log.1``, ``app.log-20261207``), as its lines; the copy is then followed from its
        end (:attr:`_copies`), so that a glob that matches it does not read it again."""
        folder = os.path.dirname(followed.path)
        mirrors = {item.path for item in self._followed if item.mirror}  # copies seen before: followed already
        taken = {item.path for item in self._followed if not item.mirror} | {item.path for item in self._copies}
        for entry in _scan(folder):
            compressed = entry.name.lower().endswith(COMPRESSED)
            if entry.path in taken or compressed or not _beside(entry.path, followed.path):
                continue
            st = self._stat(entry.path)
            head = None if st is None else self._copy_of(entry.path, st[2], followed)
            if st is None or head is None:
                continue
            try:
                with open_shared(entry.path) as handle:
                    handle.seek(followed.offset)
                    data = handle.read(st[2] - followed.offset)
                    after_cr = self._after_cr(handle, followed, data)
            except OSError:
                continue
            mono, wall = stamp()
            buffer, followed.partial = followed.partial + data, b""
            buffer = buffer[len(followed.newline) :] if after_cr else buffer
            cut, end = last_break(buffer, followed.newline)
            if cut >= 0:
                self._emit_lines(followed, buffer[:cut], batch, mono, wall, live=live)
            rest = buffer[end:] if cut >= 0 else buffer
            if rest:  # the copy cut this line: its end went to neither file
                self._emit_bytes(followed, rest, batch, mono, wall, live=live)
            if entry.path in mirrors:  # followed already, as a copy: never read as its own lines
                return
            copy = Followed(
                origin=entry.path, path=entry.path, dev=st[0], ino=st[1], head=head, offset=st[2], at_start=False
            )
            copy.in_patterns, copy.codec, copy.newline = self._matches(entry.path), followed.codec, followed.newline
            self._copies.append(copy)
            return

    def _settle(self, followed: Followed) -> None:
        """The encoding a file's lines are read in, once its first bytes can say it (UTF-16, UTF-8's byte order mark
        or neither)."""
        head = followed.head
        if len(head) >= 2 and not (len(head) < len(codecs.BOM_UTF8) and codecs.BOM_UTF8.startswith(head)):
            followed.codec = file_encoding(followed.head, self.encoding)
            followed.newline = newline(followed.codec)

    def _emit_bytes(
        self,
        followed: Followed,
        data: bytes,
        batch: list[RawLine],
        mono: int,
        wall: float,
        *,
        live: bool = True,
    ) -> None:
        text = decoded(data, followed.codec or self.encoding)
        if followed.at_start:
            followed.at_start = False
            if text.startswith("\ufeff"):
                text = text[1:]
        source = self.source_name(followed.origin)
        append = batch.append
        for line in split_lines(text):
            append(RawLine(line, source, mono, wall, live=live))
        batch[-1].position = position_of(followed)


def cut_point(buffer: bytes, codec: str) -> int:
    """Where a piece of a line longer than :data:`MAX_LINE_BYTES` ends: the last boundary of
    :data:`_CUT_BOUNDARIES` within :data:`CUT_WINDOW` before the limit, so that a personal value stands whole in
    one piece and is masked there; without one (a base64 blob, a hex dump), at the limit, on a character's start."""
    width = 2 if codec in UTF16 else 1
    start = MAX_LINE_BYTES - CUT_WINDOW
    sample = _one_byte_per_character(buffer[start : MAX_LINE_BYTES + 64 * width], codec)
    limit = CUT_WINDOW // width
    for boundary in _CUT_BOUNDARIES:
        ends = [m.end() for m in boundary.finditer(sample, 0, len(sample)) if 0 < m.end() <= limit]
        if ends:
            return start + ends[-1] * width
    end = MAX_LINE_BYTES - MAX_LINE_BYTES % width
    if width == 1 and codec == "utf-8":
        while end > start and buffer[end] & 0xC0 == 0x80:  # not inside a character's bytes
            end -= 1
    return end


def _beside(path: str, original: str) -> bool:
    """Whether ``path`` may be a copy of ``original`` (copytruncate): in its folder, its name starting as the original's
    does up to its first dot (``app.log.1``, ``app.log-20261207``, ``app-20261207.log`` beside ``app.log``)."""
    folder, name = os.path.split(original)
    stem = name.split(".", 1)[0]
    return path != original and os.path.dirname(path) == folder and os.path.basename(path).startswith(stem)


def _named_after(path: str, original: str) -> bool:
    """Whether ``path`` is named as logrotate names a copy of ``original`` (``app.log.1``, ``app.log-20261207``
    beside ``app.log``): a copy seen before the truncation may hold only the original's first bytes, as another log of
    the same application with the same banner (``app-audit.log``) does; the name tells them apart."""
    return path[: len(original)] == original and path[len(original) : len(original) + 1] in (".", "-", "_")


def _one_byte_per_character(data: bytes, codec: str) -> bytes:
    """``data`` with one byte per character unit: UTF-16's ASCII characters as their byte, any other as 0x80
    (no boundary); an ASCII-compatible encoding's bytes as they are (a multi-byte character holds no ASCII)."""
    if codec not in UTF16:
        return data
    low, high = (data[0::2], data[1::2]) if codec != "utf-16-be" else (data[1::2], data[0::2])
    return bytes(lo if hi == 0 and lo < 0x80 else 0x80 for lo, hi in zip(low, high, strict=False))


def _modified(candidate: Candidate) -> int:
    return candidate[5]


def _heir(path: str, vacated: Mapping[str, str]) -> str | None:
    """The source of a new file's lines when the application wrote it at a path a rotation vacated.

    A file born at ``app.log`` after ``app.log`` was rotated away, or born there and already rotated
    to ``app.log.1`` before the poll saw it, is written by the application as ``app.log``.
    """
    for old, source in vacated.items():
        if path == old or _is_rotated_name(path, old):
            return source
    return None


def _is_rotated_name(path: str, base: str) -> bool:
    """Whether ``path`` is a name a rotation gives the file at ``base`` (``app.log.1``, ``app.log.2026-12-05``), not
    compressed."""
    return path.startswith(base + ".") and not path.lower().endswith(COMPRESSED)


def _scan(folder: str) -> list[os.DirEntry[str]]:
    """The entries of a folder (« » is the current one); none if it cannot be listed."""
    try:
        return list(os.scandir(folder or "."))
    except OSError:
        return []


def _clock_tick(mtime_ns: int) -> int:
    """How coarse the clock that stamped a file may be, by the stamp's digits: :data:`COARSE_TICK_NS` for a whole second
    (FAT, SMB shares), else the power of ten its nanoseconds end at (exFAT: 10 ms; ext4, NTFS: a few ns)."""
    if mtime_ns % 1_000_000_000 == 0:
        return COARSE_TICK_NS
    tick = 1
    while mtime_ns % (tick * 10) == 0:
        tick *= 10
    return tick


def _chained(chains: dict[str, tuple[str, list[Followed]]], followed: Followed, path: str) -> None:
    """Note that ``followed`` is being rotated to ``path``: the log it was rotated from is its source when ``path`` is
    a rotated name of it (``app.log.2``, beside ``app.log``, which ``app.log.1`` left), else the path it left."""
    base = followed.origin if rotation_rank(path, followed.origin) is not None else followed.path
    chains.setdefault(base, (followed.origin, []))[1].append(followed)


def _renamed(followed: Followed, candidate: Candidate) -> bool | None:
    """Whether a file found by its inode is ``followed`` (renamed or not), and not a new file.

    A file system may give a deleted file's inode to the next file created (ext4 does at once): with a
    glob that catches the rotated logs, the new ``app.log`` gets the inode of the oldest one, just
    deleted. A rename keeps the bytes, so a file found at another path that is shorter than what was
    read of it, or whose first bytes differ, is a new file. At the same path, a shrink is a truncation.
    None: the path holds another file since it was listed (a rotation under way); ask again later.
    """
    path, dev, ino, size = candidate[:4]
    if not followed.ino or path == followed.path:
        return True
    if size < followed.offset:
        return False
    if not followed.head:
        return True
    try:
        with open_shared(path) as handle:
            st = os.fstat(handle.fileno())
            head = handle.read(HEAD_BYTES)
    except OSError:
        return None
    if (st.st_dev, st.st_ino) != (dev, ino):
        return None
    return head.startswith(followed.head)


def tail_files(patterns: Sequence[str | os.PathLike[str]], on_lines: LineCallback, **options: object) -> FileTailer:
    """Start following ``patterns``; close the returned tailer to stop."""
    return FileTailer(patterns, on_lines, **options).start()  # type: ignore[arg-type]
