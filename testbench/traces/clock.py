"""One clock for every captured line, and the measured offset of each source's own clock.

Every line is stamped at capture with :func:`mono_ns` (the system's monotonic clock: orders lines across
channels, immune to NTP steps) and ``time.time()`` (what a person reads). The monotonic clock starts again
at each boot, so a session resumed after a restart moves it past what the session already holds
(:func:`continue_after`): its lines keep following the earlier ones.

A source that writes its own timestamps (a log file, a syslog sender) may run on a clock that is off:
:class:`SourceClock` measures the offset as the median of ``source time - capture wall`` over recent live
lines, or takes an explicit configured offset, and exposes it so that the UI can say so in French.
"""

from __future__ import annotations

import statistics
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

_offset_ns = 0  # added to the system's monotonic clock; only ever grows (continue_after)
_offset_lock = threading.Lock()
#: Windows: the performance counter, system-wide since Python 3.10 — before 3.13 ``time.monotonic`` reads
#: GetTickCount64 there, whose 15.6 ms ticks would give a step's lines one stamp
_PERFORMANCE_COUNTER = sys.platform == "win32"


def mono_ns() -> int:
    """The bench's monotonic clock, in ns: every stamp the session stores, and every duration measured
    against one, read it."""
    return (time.perf_counter_ns() if _PERFORMANCE_COUNTER else time.monotonic_ns()) + _offset_ns


def continue_after(last_ns: int) -> None:
    """Make :func:`mono_ns` run past ``last_ns``, the latest stamp of a session opened for writing: after a
    reboot the system's clock starts near zero, and the resumed run's lines would sort before the earlier
    ones. Within one boot this changes nothing (the clock is already past it)."""
    global _offset_ns
    with _offset_lock:
        behind = last_ns - mono_ns()
        if behind >= 0:
            _offset_ns += behind + 1


def stamp() -> tuple[int, float]:
    """The bench clock now: (monotonic ns, wall seconds)."""
    return mono_ns(), time.time()


@dataclass(slots=True)
class RawLine:
    """A line as a source delivers it, stamped at capture, before parsing and attribution.

    ``live`` is False for backlog lines (content that was already in a file when tailing started):
    their capture time says nothing about when they were written, so they never feed a clock offset.
    ``source_epoch`` is the source timestamp as POSIX seconds when the source already parsed it
    (syslog does); file lines leave it to the line parser.
    """

    text: str
    source: str
    mono_ns: int
    wall: float
    source_ts: str | None = None
    level: str | None = None
    source_epoch: float | None = None
    live: bool = True
    position: Any = None  # tail.FilePosition on a file chunk's last line: where to resume after it


@dataclass(frozen=True, slots=True)
class ClockOffset:
    """What the UI shows about one source's clock."""

    source: str
    offset_s: float | None  # source clock minus bench clock; None until measured
    configured: bool  # True: an explicit offset from the configuration, not a measure
    samples: int
    threshold_s: float

    @property
    def corrected(self) -> bool:
        return self.offset_s is not None and abs(self.offset_s) >= self.threshold_s

    def describe_fr(self) -> str:
        """French, for the operator: e.g. ``horloge de app.log décalée de +2,31 s, corrigée``."""
        name = _short_name(self.source)
        if self.offset_s is None:
            return f"horloge de {name} : décalage pas encore mesuré"
        value = _fr_seconds(self.offset_s)
        if self.configured:
            return f"horloge de {name} décalée de {value} (valeur configurée), corrigée"
        if self.corrected:
            hours = round(self.offset_s / 3600)
            if hours and abs(self.offset_s - hours * 3600) < 60:
                # a whole number of hours: a time zone read wrong, more likely than a clock that drifted
                return f"horloge de {name} décalée de {value}, corrigée (fuseau horaire {hours:+d} h ?)"
            return f"horloge de {name} décalée de {value}, corrigée"
        return f"horloge de {name} à l'heure (écart {value})"


def _fr_seconds(value: float) -> str:
    return f"{value:+.2f} s".replace(".", ",")


def _short_name(source: str) -> str:
    if source.startswith("syslog:"):
        return source
    return source.replace("\\", "/").rsplit("/", 1)[-1] or source


class SourceClock:
    """Offset of one source's clock against the bench clock.

    The measure is the median of ``source_epoch - wall`` over the last ``window`` live samples,
    sampled at most every ``sample_every_s`` so that parsing timestamps stays off the hot path.
    Polling delay biases it by the mean read latency (about half a poll interval, 25 ms by default);
    ``threshold_s`` (0.5 s) is the offset below which the clock is reported as on time.
    """

    def __init__(
        self,
        source: str,
        *,
        configured_offset_s: float | None = None,
        window: int = 51,
        sample_every_s: float = 0.05,
        threshold_s: float = 0.5,
    ) -> None:
        self.source = source
        self.configured_offset_s = configured_offset_s
        self.threshold_s = threshold_s
        self._samples: deque[float] = deque(maxlen=window)
        self._sample_every_ns = int(sample_every_s * 1e9)
        self._last_sample_ns: int | None = None
        self._offset: float | None = configured_offset_s
        self._lock = threading.Lock()

    def wants_sample(self, mono_ns: int) -> bool:
        """Whether a live line captured at ``mono_ns`` should be parsed for a sample (cheap check)."""
        if self.configured_offset_s is not None:
            return False
        last = self._last_sample_ns
        return last is None or mono_ns - last >= self._sample_every_ns

    def observe(self, source_epoch: float, wall: float, mono_ns: int) -> None:
        with self._lock:
            self._last_sample_ns = mono_ns
            self._samples.append(source_epoch - wall)
            if self.configured_offset_s is None:
                self._offset = statistics.median(self._samples)

    @property
    def offset_s(self) -> float | None:
        return self._offset

    def to_bench(self, source_epoch: float) -> float:
        """A source timestamp brought onto the bench's wall clock (unchanged until measured)."""
        offset = self._offset
        return source_epoch if offset is None else source_epoch - offset

    def snapshot(self) -> ClockOffset:
        with self._lock:
            return ClockOffset(
                source=self.source,
                offset_s=self._offset,
                configured=self.configured_offset_s is not None,
                samples=len(self._samples),
                threshold_s=self.threshold_s,
            )


class ClockBook:
    """The source clocks of one capture session, by source name."""

    def __init__(self, *, threshold_s: float = 0.5) -> None:
        self._clocks: dict[str, SourceClock] = {}
        self._configured: dict[str, float] = {}
        self._threshold_s = threshold_s
        self._lock = threading.Lock()

    def configure(self, source: str, offset_s: float) -> None:
        """Pin a source's offset (seconds, source minus bench) instead of measuring it."""
        with self._lock:
            self._configured[source] = offset_s
            self._clocks[source] = SourceClock(source, configured_offset_s=offset_s, threshold_s=self._threshold_s)

    def get(self, source: str, configured_offset_s: float | None = None) -> SourceClock:
        """The clock of ``source``, created on first use (pinned to ``configured_offset_s`` if given)."""
        clock = self._clocks.get(source)
        if clock is None:
            if configured_offset_s is not None:
                self._configured.setdefault(source, configured_offset_s)
            with self._lock:
                clock = self._clocks.get(source)
                if clock is None:
                    clock = SourceClock(
                        source,
                        configured_offset_s=self._configured.get(source),
                        threshold_s=self._threshold_s,
                    )
                    self._clocks[source] = clock
        return clock

    def offsets(self) -> list[ClockOffset]:
        with self._lock:
            clocks = list(self._clocks.values())
        return [clock.snapshot() for clock in clocks]
