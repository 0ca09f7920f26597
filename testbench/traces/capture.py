"""Capture orchestration: the trace sources of one session, on one clock, attributed, written in batches.

:class:`TraceCapture` owns the sources (file tailers, a syslog receiver), turns their raw lines into
:class:`~testbench.traces.model.TraceLine` (parsed timestamp and level, PINs removed, current attempt and
step), and hands them to a writer — the session store's ``add_trace_lines`` — from its own thread, at
least every ``flush_interval`` (100 ms by default). Sources never wait for the writer, and the runner
never waits for either: ``set_context`` only waits (briefly) for the sources to deliver what was
written before the step changed, so those lines stay with the step that produced them.

What a hard kill (``kill -9``, power loss) can lose: the lines captured but not yet written, i.e. at
most one flush window (``flush_interval`` plus the time of one write), and a syslog datagram in flight.
Lines of log files are not lost if the capture is resumed: ``on_commit`` gives the files' positions
after each write, and ``add_files(..., resume=positions)`` reads on from there (docs/traces.md).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from testbench.traces.clock import ClockBook, ClockOffset, RawLine, mono_ns, stamp
from testbench.traces.delivery import ErrorCallback
from testbench.traces.followed import FileKey, FilePosition
from testbench.traces.model import Channel, TraceLine
from testbench.traces.parsers import LineFormat, StreamParser, detect_format, format_name, get_format
from testbench.traces.redact import recent_lines, redact_pins, redact_pins_lines
from testbench.traces.syslog import SyslogReceiver
from testbench.traces.tail import FileTailer, check_encoding

Writer = Callable[[Sequence[TraceLine]], None]
FormatSpec = str | LineFormat | Mapping[str, str] | None

#: The session's meta key holding the followed files' positions (``run --resume`` reads on from them).
POSITIONS_META = "trace_positions"


def positions_text(positions: Iterable[FilePosition]) -> str:
    """The positions as the session keeps them (JSON)."""
    return json.dumps([position.to_dict() for position in positions], ensure_ascii=False)


def read_positions(text: str | None) -> list[FilePosition]:
    """Positions kept by :func:`positions_text`; none from a missing or unreadable value (the files are
    then followed from their end, as on a first run)."""
    try:
        return [FilePosition.from_dict(item) for item in json.loads(text or "[]")]
    except (ValueError, TypeError, KeyError, AttributeError):
        return []


@dataclass(frozen=True, slots=True)
class CaptureStats:
    captured: int  # lines handed to the capture by its sources
    written: int  # lines the writer accepted
    pending: int  # captured, not yet written
    batches: int
    write_failures: int
    dropped: int  # lines given up because the writer failed for too long (max_pending reached)
    max_lag_s: float  # longest time between a line's capture and its write


class _Source:
    """Turns one source's raw lines into trace lines (parsing state per file, clock samples)."""

    def __init__(self, capture: TraceCapture, channel: str, fmt: FormatSpec, clock_offset_s: float | None) -> None:
        self.capture = capture
        self.channel = str(channel)
        self.auto = fmt == "auto"
        self.fmt = None if fmt is None or self.auto else get_format(fmt)
        self.clock_offset_s = clock_offset_s
        self._parsers: dict[str, StreamParser] = {}
        self.detected: dict[str, str] = {}  # source -> preset name chosen by fmt="auto"
        self._last: dict[str, str] = {}  # source -> its last lines read (the PIN rules read a dump with them)

    def _parser(self, source: str, batch: list[RawLine]) -> StreamParser | None:
        parser = self._parsers.get(source)
        if parser is None:
            if self.auto:  # each file decides on its first batch
                fmt = detect_format(raw.text for raw in batch if raw.source == source)
                self.detected[source] = fmt.name
            elif self.fmt is None:
                return None
            else:
                fmt = self.fmt
            parser = self._parsers[source] = StreamParser(fmt)
        return parser

    def __call__(self, raw_lines: list[RawLine]) -> None:
        capture = self.capture
        attempt_id, step_id = capture._context
        clocks = capture.clocks
        out: list[TraceLine] = []
        append = out.append
        channel = self.channel
        positions: dict[FileKey, FilePosition] = {}
        texts = _without_pins(raw_lines, self._last)
        for raw, text in zip(raw_lines, texts, strict=True):
            if raw.position is not None:
                positions[raw.position.key] = raw.position
            parser = self._parser(raw.source, raw_lines)
            source_ts, level, continuation = raw.source_ts, raw.level, False
            if parser is not None:
                parsed = parser.parse(raw.text)
                source_ts = parsed.ts or source_ts
                level = parsed.level or level
                continuation = parsed.continuation
            if raw.live and source_ts is not None and not continuation:
                clock = clocks.get(raw.source, self.clock_offset_s)
                if clock.wants_sample(raw.mono_ns):
                    epoch = raw.source_epoch
                    if epoch is None and parser is not None:
                        epoch = parser.to_epoch(source_ts)
                    if epoch is not None:
                        clock.observe(epoch, raw.wall, raw.mono_ns)
            append(
                TraceLine(
                    channel=channel,
                    mono_ns=raw.mono_ns,
                    wall=raw.wall,
                    text=text,
                    source=raw.source,
                    source_ts=source_ts,
                    level=level,
                    attempt_id=attempt_id,
                    step_id=step_id,
                )
            )
        capture._enqueue(out, positions)


def _without_pins(raw_lines: Sequence[RawLine], last: dict[str, str] | None = None) -> list[str]:
    """The lines' text without PINs, each source's lines read together: a base64 token an application wrapped
    over lines (MIME's 76 columns) holds a code none of its lines holds alone, and a dump's line break may cut a
    code in two (testbench.traces.redact). ``last``: each source's last lines read before (an earlier poll may have
    ended between the two lines of a dump), updated with these."""
    if last is None:
        last = {}
    if len(raw_lines) == 1:
        raw = raw_lines[0]
        previous = last.get(raw.source)
        last[raw.source] = recent_lines(previous, [raw.text])
        return redact_pins_lines([raw.text], previous) if previous else [redact_pins(raw.text)]
    by_source: dict[str, list[int]] = {}
    for index, raw in enumerate(raw_lines):
        by_source.setdefault(raw.source, []).append(index)
    texts = [""] * len(raw_lines)
    for source, indexes in by_source.items():
        lines = [raw_lines[i].text for i in indexes]
        for index, text in zip(indexes, redact_pins_lines(lines, last.get(source)), strict=True):
            texts[index] = text
        last[source] = recent_lines(last.get(source), lines)
    return texts


class TraceCapture:
    """The trace sources of one session and the thread that writes their lines.

    ``writer`` receives batches (a list of :class:`TraceLine`, ordered by ``mono_ns``) on the capture's
    writer thread; if it raises, the batch is kept and retried at the next flush.

    ``on_commit`` (optional) is called after each successful write, and once at the start, with the
    positions of every file followed, up to the lines written so far (:meth:`positions`); persist them
    (``run`` keeps them in the session's meta, :data:`POSITIONS_META`) and pass them back as
    ``add_files(..., resume=…)`` after a crash to capture what was written while the bench was down.
    A crash between the write and the persistence of its positions re-reads that one batch.
    """

    def __init__(
        self,
        writer: Writer,
        *,
        flush_interval: float = 0.1,
        poll_interval: float = 0.05,
        max_pending: int = 1_000_000,
        on_error: ErrorCallback | None = None,
        clock_threshold_s: float = 0.5,
        on_commit: Callable[[list[FilePosition]], None] | None = None,
    ) -> None:
        self.writer = writer
        self.flush_interval = flush_interval
        self.poll_interval = poll_interval
        self.max_pending = max_pending
        self.on_error = on_error
        self.clocks = ClockBook(threshold_s=clock_threshold_s)
        self.tailers: list[FileTailer] = []
        self.receivers: list[SyslogReceiver] = []
        self._context: tuple[int | None, str | None] = (None, None)
        self._pending: list[TraceLine] = []
        self._pending_positions: dict[FileKey, FilePosition] = {}  # after the last line captured of each file
        self._committed: list[FilePosition] = []
        self.on_commit = on_commit
        self._lock = threading.Lock()
        self._flush_now = threading.Event()
        self._flushed = threading.Condition()
        self._write_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._started = False
        self._stopped = False
        self._captured = self._written = self._batches = self._failures = self._dropped = 0
        self._max_lag_ns = 0

    # ------------------------------------------------------------------------ sources

    def add_files(
        self,
        patterns: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
        *,
        channel: str = Channel.APP,
        fmt: FormatSpec = None,
        encoding: str = "utf-8",
        clock_offset_s: float | None = None,
        from_start: bool = False,
        use_inode: bool = True,
        resume: Iterable[FilePosition | Mapping[str, Any]] = (),
    ) -> FileTailer:
        """Follow log files (paths or globs).

        ``fmt``: a preset name (``parsers.PRESETS``), a custom format, ``"auto"`` (each file's first
        batch picks the preset that reads it; see :meth:`detected_formats`), or None (no parsing).
        ``resume``: positions from :meth:`positions` of an earlier capture; those files are read from
        where it stopped (rotated ones included) instead of from their end. Positions of files that
        ``patterns`` do not match are ignored, so every source may be given all the saved positions.
        """
        if isinstance(patterns, (str, os.PathLike)):
            patterns = [patterns]
        tailer = FileTailer(
            patterns,
            _Source(self, channel, fmt, clock_offset_s),
            encoding=encoding,
            poll_interval=self.poll_interval,
            from_start=from_start,
            use_inode=use_inode,
            on_error=self._report,
            resume=resume,
        )
        self.tailers.append(tailer)
        if self._started:
            tailer.start()
        return tailer

    def add_syslog(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        udp: bool = True,
        tcp: bool = True,
        channel: str = Channel.APP,
        clock_offset_s: float | None = None,
    ) -> SyslogReceiver:
        """Receive syslog on the loopback; read ``udp_port``/``tcp_port`` on the result when ``port=0``."""
        receiver = SyslogReceiver(
            _Source(self, channel, None, clock_offset_s), host=host, port=port, udp=udp, tcp=tcp, on_error=self._report
        )
        if clock_offset_s is not None:
            for name in ("syslog:udp", "syslog:tcp"):
                self.clocks.get(name, clock_offset_s)  # shown before the first line arrives
        self.receivers.append(receiver)
        if self._started:
            receiver.start()
        return receiver

    def add_line(self, channel: str, text: str, *, source: str = "", level: str | None = None) -> None:
        """A line produced by the bench itself (step boundary, operator action), on the same clock."""
        mono, wall = stamp()
        attempt_id, step_id = self._context
        line = TraceLine(str(channel), mono, wall, redact_pins(text), source, None, level, attempt_id, step_id)
        self._enqueue([line])

    # ------------------------------------------------------------------------ context

    def set_context(self, attempt_id: int | None, step_id: str | None, *, settle: bool = True) -> None:
        """Lines captured from now on belong to this attempt and step.

        With ``settle`` (default), the sources first deliver what they have (one poll of each file in
        the caller's thread — a stat and a read, a few ms — and one full pass of the syslog receiver,
        at most 40 ms), so that lines written before the change stay with the previous step.
        """
        if settle and self._started:
            self.settle()
        self._context = (attempt_id, step_id)

    @property
    def context(self) -> tuple[int | None, str | None]:
        return self._context

    def settle(self, timeout: float | None = None) -> None:
        timeout = 1.0 if timeout is None else timeout
        for tailer in self.tailers:
            tailer.poll_now()
        for receiver in self.receivers:
            receiver.barrier(timeout)

    def drain(self, timeout: float) -> bool:
        """Hand every line the followed files hold now to the writer, within ``timeout`` seconds (and one more
        read): before a step says no line matched, under a flood the capture may be seconds behind the file.
        False when it could not catch up in time (the lines it missed are still captured, later)."""
        deadline = time.monotonic() + timeout
        for tailer, sizes in [(tailer, tailer.sizes()) for tailer in self.tailers]:
            while not tailer.reached(sizes):
                if self._stopped or time.monotonic() >= deadline:
                    return False
                tailer.poll_now()  # one read of at most MAX_READ_PER_POLL, serialised with the tailer's thread
        for receiver in self.receivers:
            receiver.barrier(max(0.0, min(1.0, deadline - time.monotonic())))
        return self.flush(max(0.0, deadline - time.monotonic()))

    # ------------------------------------------------------------------------ lifecycle

    def start(self) -> TraceCapture:
        if self._started:
            return self
        self._started = True
        self._thread = threading.Thread(target=self._run, name="trace-capture-writer", daemon=True)
        self._thread.start()
        for tailer in self.tailers:
            tailer.start()
        self._flush_now.set()  # where the files start is kept at once, before any line (on_commit)
        for receiver in self.receivers:
            receiver.start()
        return self

    def stop(self) -> None:
        """Stop every source (partial lines flushed), then write everything still pending."""
        if self._stopped:
            return
        self._stopped = True
        for tailer in self.tailers:
            with contextlib.suppress(Exception):
                tailer.close()
        for receiver in self.receivers:
            with contextlib.suppress(Exception):
                receiver.close()
        self._stop.set()
        self._flush_now.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        for _ in range(3):  # last chance for a writer that failed transiently
            if not self._write_pending():
                break

    def __enter__(self) -> TraceCapture:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def flush(self, timeout: float = 5.0) -> bool:
        """Write what is pending now and wait for it (the runner calls it before recording a verdict)."""
        if self._thread is None or not self._thread.is_alive():
            return self._write_pending()
        deadline = time.monotonic() + timeout
        with self._flushed:
            target = self._captured
            self._flush_now.set()
            while self._written + self._dropped < target:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._flushed.wait(timeout=remaining)
        return True

    # ------------------------------------------------------------------------ state

    @property
    def pending(self) -> int:
        return len(self._pending)

    def stats(self) -> CaptureStats:
        return CaptureStats(
            captured=self._captured,
            written=self._written,
            pending=self.pending,
            batches=self._batches,
            write_failures=self._failures,
            dropped=self._dropped,
            max_lag_s=self._max_lag_ns / 1e9,
        )

    def positions(self) -> list[FilePosition]:
        """Each followed file's position after the last line written (``to_dict()`` for JSON)."""
        return list(self._committed)

    def detected_formats(self) -> dict[str, str]:
        """Source -> preset chosen by ``fmt="auto"`` (to show, and to pin in the configuration)."""
        found: dict[str, str] = {}
        for tailer in self.tailers:
            source = tailer.on_lines
            if isinstance(source, _Source):
                found.update(source.detected)
        return found

    def clock_offsets(self) -> list[ClockOffset]:
        """Each source's clock against the bench's (``describe_fr()`` gives the operator's sentence)."""
        return self.clocks.offsets()

    # ------------------------------------------------------------------------ internals

    def _enqueue(self, lines: list[TraceLine], positions: Mapping[FileKey, FilePosition] | None = None) -> None:
        if not lines:
            return
        with self._lock:
            self._pending.extend(lines)
            if positions:
                self._pending_positions.update(positions)
            self._captured += len(lines)
            overflow = len(self._pending) - self.max_pending
            if overflow > 0:
                del self._pending[:overflow]
                self._dropped += overflow
        if overflow > 0:
            self._report("capture", RuntimeError(f"{overflow} lignes de trace abandonnées (écriture en échec)"))

    def _run(self) -> None:
        while not self._stop.is_set():
            self._flush_now.wait(self.flush_interval)
            self._flush_now.clear()
            self._write_pending()

    def _write_pending(self) -> bool:
        """Write one batch of everything pending; True if nothing is left."""
        with self._write_lock:
            # the files followed now, looked at before the batch is taken: a line a file gave since
            # is in the batch (or later), and its position among the captured ones
            followed = [position for tailer in self.tailers for position in tailer.positions()]
            with self._lock:
                batch, self._pending = self._pending, []
                captured = dict(self._pending_positions)  # covers every line in ``batch``
            # a file that gave no line yet is kept where it is (its start): lines written to it while
            # the bench is down are then read on resume too
            positions = [captured.get(position.key, position) for position in followed]
            if not batch:
                self._commit(positions)  # nothing pending: every line they cover is written
                return True
            batch.sort(key=_mono)  # stable: a source's own order is kept
            try:
                self.writer(batch)
            except Exception as exc:
                with self._lock:
                    self._pending[:0] = batch
                self._failures += 1
                self._report("writer", exc)
                ok = False
            else:
                self._written += len(batch)
                self._batches += 1
                self._commit(positions)
                lag = mono_ns() - batch[0].mono_ns
                self._max_lag_ns = max(self._max_lag_ns, lag)
                ok = True
        with self._flushed:
            self._flushed.notify_all()
        return ok and not self._pending

    def _commit(self, positions: list[FilePosition]) -> None:
        """Tell ``on_commit`` the positions after the lines written, when they moved."""
        if positions == self._committed:
            return
        self._committed = positions
        if self.on_commit is not None:
            try:
                self.on_commit(list(positions))
            except Exception as exc:
                self._report("positions", exc)

    def _report(self, where: str, exc: BaseException) -> None:
        if self.on_error is not None:
            with contextlib.suppress(Exception):
                self.on_error(where, exc)


_SPEC_KEYS = {"channel", "format", "encoding", "offset", "from_start"}
#: the channels a followed log may land in: the application's own and the engine's (the FSV's ``log4crc``
#: traces); the others (``apdu``, ``http``, ``bench``) are the bench's own lines, which the views rewrite
LOG_CHANNELS: tuple[str, ...] = (Channel.APP, Channel.ENGINE)
#: the largest clock offset a source may be given, either way: a day (a clock further off has a wrong date,
#: and its lines would be placed nowhere near the case)
MAX_OFFSET_S = 86400


def parse_file_spec(spec: str) -> dict[str, Any]:
    """``add_files`` keyword arguments from a command-line or configuration string.

    ``PATH[;channel=engine][;format=log4crc][;encoding=cp1252][;offset=-2.5][;from_start=1]`` — PATH may
    be a glob; ``;`` is the separator because Windows paths contain ``:`` and ``,`` is common in names.
    Errors are in French and name the bad part, for the operator.
    """
    path, *options = [part.strip() for part in spec.split(";")]
    if not path:
        raise ValueError(f"source de trace sans chemin : « {spec} »")
    kwargs: dict[str, Any] = {"patterns": path}
    seen: set[str] = set()
    for option in options:
        if not option:
            continue
        key, sep, value = option.partition("=")
        key = key.strip().lower()
        if not sep or key not in _SPEC_KEYS:
            known = ", ".join(sorted(_SPEC_KEYS))
            raise ValueError(f"option de trace inconnue « {option} » dans « {spec} » (options : {known})")
        if key in seen:  # ``channel=app;channel=engine``: which one was meant is not ours to guess
            raise ValueError(f"option de trace « {key} » donnée deux fois dans « {spec} »")
        seen.add(key)
        value = value.strip()
        if key == "channel":
            if value.lower() not in LOG_CHANNELS:
                known = ", ".join(LOG_CHANNELS)
                raise ValueError(
                    f"canal de trace « {value} » impossible pour un journal dans « {spec} » (canaux : {known})"
                )
            kwargs["channel"] = value.lower()
        elif key == "format":
            kwargs["fmt"] = format_name(value)
        elif key == "encoding":
            kwargs["encoding"] = check_encoding(value)
        elif key == "offset":
            try:
                offset = float(value.replace(",", "."))
            except ValueError:
                offset = math.nan
            if not math.isfinite(offset):  # « nan », « inf », « 1e400 »: no clock is that far off
                raise ValueError(f"décalage d'horloge illisible « {value} » dans « {spec} » (secondes)")
            limit = MAX_OFFSET_S
            if abs(offset) > limit:
                raise ValueError(
                    f"décalage d'horloge « {value} » hors limites dans « {spec} » (au plus {limit} secondes)"
                )
            kwargs["clock_offset_s"] = offset
        else:
            kwargs["from_start"] = value.lower() in ("1", "true", "oui", "yes")
    return kwargs


def _mono(line: TraceLine) -> int:
    return line.mono_ns
