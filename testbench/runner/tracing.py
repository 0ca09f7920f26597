"""The bench's trace recorder: stamps lines of every channel on one clock and attributes them.

Lines are kept for the current attempt (trace expectations read them) and written to the session
in batches: at step boundaries when ``flush_interval`` has passed, at the end of each case, and every
``flush_every`` lines — off the per-line path. A kill loses at most the lines of the last interval.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection, Sequence

from testbench.cards.apdu import mask_pin
from testbench.cards.api import ApduExchange
from testbench.cards.sw import sw_meaning
from testbench.traces.clock import mono_ns
from testbench.traces.model import Channel, TraceLine

Writer = Callable[[Sequence[TraceLine]], None]


#: the text of commands that carry no PIN and of status words: a campaign sends the same few in every case
_COMMANDS: dict[bytes, str] = {}
_COMMANDS_MAX = 4096
_STATUS: dict[int, str] = {}


def format_apdu(ex: ApduExchange) -> str:
    """GlobalPlatformPro-like, on one line: command, response, status word and its meaning, duration (µs), reader.

    The card layer masks VERIFY data before any sink; it is masked again here, the last writer before disk.
    A command's text is kept for the next time only when masking left it as it was (no PIN can be kept).
    """
    command = ex.command
    head = _COMMANDS.get(command)
    if head is None:
        masked = mask_pin(command)
        head = f"A>> {masked.hex(' ').upper()}  A<< "
        if masked is command:
            if len(_COMMANDS) >= _COMMANDS_MAX:
                _COMMANDS.clear()
            _COMMANDS[command] = head
    sw = ex.sw
    if sw & 0xFFF0 == 0x63C0 or sw == 0x6983:  # the PIN's tries or the unblock code's, as the command says
        status = f"{sw:04X} {sw_meaning(sw, command)}"
    else:
        status = _STATUS.get(sw)
        if status is None:
            status = _STATUS[sw] = f"{sw:04X} {sw_meaning(sw)}"
    response = ex.response.hex(" ").upper()
    # the duration in whole microseconds, as ``cards probe --trace`` writes it: a line the session keeps reads the
    # same in French and in English (« 0.25 ms » was English's decimal point in a French report)
    return f"{head}{response + ' ' if response else ''}{status}  ({ex.duration_us} µs) [{ex.slot}@{ex.reader}]"


class TraceRecorder:
    def __init__(self, writer: Writer | None = None, flush_every: int = 500, flush_interval: float = 0.1) -> None:
        self._writer = writer
        self._flush_every = flush_every
        self._flush_interval = flush_interval  # at most this long between writes at step boundaries
        self._last_flush = time.monotonic()
        self._lock = threading.Lock()
        self._pending: list[TraceLine] = []
        self._attempt_lines: list[TraceLine] = []
        self.attempt_id: int | None = None
        self.step_id: str | None = None
        #: called before each context change (a TraceCapture's set_context), so that lines captured
        #: elsewhere stay with the step that produced them
        self.context_hooks: list[Callable[[int | None, str | None], None]] = []
        #: APDU lines kept apart (slot, line) while the card guard reads: see :meth:`hold_apdus`
        self._held: list[tuple[str, TraceLine]] | None = None
        #: lines of an attempt not under way yet, kept to start its lines with: see :meth:`carry`
        self._carried: dict[int, list[TraceLine]] = {}

    def carry(self, attempt_id: int) -> None:
        """Keep the lines given to ``attempt_id`` before it is under way (what the application wrote while the
        bench was closed, attributed to the attempt the bench continues): they start its lines once it is the
        current attempt, so its steps read them as they read the lines captured while they run."""
        with self._lock:
            self._carried.setdefault(attempt_id, [])

    def set_context(self, attempt_id: int | None, step_id: str | None) -> None:
        for hook in self.context_hooks:
            hook(attempt_id, step_id)
        if time.monotonic() - self._last_flush >= self._flush_interval:
            self.flush()
        with self._lock:
            if attempt_id != self.attempt_id:
                carried = self._carried.pop(attempt_id, None) if attempt_id is not None else None
                self._attempt_lines = carried or []
            self.attempt_id, self.step_id = attempt_id, step_id

    def emit(
        self, channel: str, text: str, *, source: str = "", level: str | None = None, source_ts: str | None = None
    ) -> None:
        self._keep(
            TraceLine(
                channel, mono_ns(), time.time(), text, source, source_ts, level, self.attempt_id, self.step_id
            )
        )

    def add(self, line: TraceLine) -> None:
        """Add a line captured elsewhere; it takes the current attempt and step if it has none."""
        if line.attempt_id is None and self.attempt_id is not None:
            line = TraceLine(
                line.channel,
                line.mono_ns,
                line.wall,
                line.text,
                line.source,
                line.source_ts,
                line.level,
                self.attempt_id,
                self.step_id,
            )
        self._keep(line)

    def _keep(self, line: TraceLine) -> None:
        with self._lock:
            self._pending.append(line)
            if line.attempt_id is not None and line.attempt_id == self.attempt_id:
                self._attempt_lines.append(line)
            elif line.attempt_id is not None and line.attempt_id in self._carried:
                self._carried[line.attempt_id].append(line)
            full = len(self._pending) >= self._flush_every
        if full:
            self.flush()

    def add_batch(self, lines: Sequence[TraceLine]) -> None:
        """A batch from a capture thread (application logs, syslog): kept with the attempt, written."""
        for line in lines:
            self.add(line)
        self.flush()

    def bench(self, text: str) -> None:
        self.emit(Channel.BENCH, text, source="testbench")

    def engine_sink(self, text: str) -> None:
        self.emit(Channel.ENGINE, text, source="engine")

    def apdu_sink(self, exchange: ApduExchange) -> None:
        """:meth:`emit` for an APDU, without its call: a case traces about 20 of them."""
        text = format_apdu(exchange)
        line = TraceLine(
            Channel.APDU, mono_ns(), time.time(), text, exchange.reader, None, None, self.attempt_id, self.step_id
        )
        if self._held is not None:
            with self._lock:
                if self._held is not None:
                    self._held.append((exchange.slot, line))
                    return
        self._keep(line)

    def hold_apdus(self) -> None:
        """Keep the APDU lines apart until :meth:`release_apdus`: the card guard's reads are recorded only once
        its check tells whether the card is one whose bytes must not be (a refused card that is not a test card,
        a real person's: its responses carry the holder's NIR, name and birth date; docs/cards.md §6)."""
        with self._lock:
            if self._held is None:
                self._held = []

    def release_apdus(self, withhold: Collection[str] = ()) -> dict[str, int]:
        """Record the lines held since :meth:`hold_apdus` but those of the slots in ``withhold``; how many
        were left out, by slot. Lines keep their own time, so they still read in order."""
        with self._lock:
            held, self._held = self._held or [], None
        left_out: dict[str, int] = {}
        for slot, line in held:
            if slot in withhold:
                left_out[slot] = left_out.get(slot, 0) + 1
            else:
                self._keep(line)
        return left_out

    def http_sink(self, text: str, source_ts: str | None = None, level: str | None = None) -> None:
        """One exchange with a simulated téléservice, stamped when the bench reads it (server time kept)."""
        self.emit(Channel.HTTP, text, source="teleservices", level=level, source_ts=source_ts)

    def attempt_lines(self) -> list[TraceLine]:
        with self._lock:
            return list(self._attempt_lines)

    def flush(self) -> None:
        with self._lock:
            batch, self._pending = self._pending, []
            self._last_flush = time.monotonic()
        if batch and self._writer is not None:
            self._writer(batch)
