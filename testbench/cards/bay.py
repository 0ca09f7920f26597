"""``PcscBay``: the card bay over the real PC/SC stack (pyscard → pcscd → vpcd → emulator).

Per slot, a pool of readers (name + vpcd port); one of them is the slot's *active* reader, the one
``present()`` fills and ``transmit()`` talks to. ``present()`` starts an emulator for the profile (a
child process by default, or a thread) and waits for pcscd to report the card (SCardGetStatusChange —
pcscd polls every 400 ms, so never sleep), then checks the ATR so that an orphan emulator holding
the port cannot pass for our card. ``remove()`` pulls the card and waits for EMPTY. Faults can be
injected. A transmit that does not finish within ``transmit_timeout`` (mute card) makes the bay
pull that card, so the call ends with :class:`CardUnavailable` instead of hanging forever.

Why pools: a change of card costs a remove + insert cycle, about 0.8 s through pcscd's 400 ms poll.
``prepare(slot, profile)`` inserts the *next* case's card in a spare reader of the slot in a
background thread while the current case runs; ``present()`` for that profile then only switches the
slot's active reader and pulls the old card in the background. With one reader per slot (the default
two-reader vpcd) ``prepare()`` does nothing. Emulator processes are kept per reader and told to
eject / insert, so a change of card does not pay a Python start-up either.

With ``emulate=False`` (physical readers), ``present()`` asks the operator through ``prompt`` and
waits for the insertion; pools are not used.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .api import ApduSink, CardUnavailable
from .inprocess import Fault
from .link import Link
from .pcsc import SHARED, Context, PyscardTransport, card_present, list_readers, wait_for
from .pcsc_errors import vpcd_message
from .profile import CardProfile, ProfileError, load_profile
from .trace import JsonlSink
from .virtual import build_card
from .vpcd import DEFAULT_PORT, VirtualICC


@dataclass(frozen=True)
class ReaderSpec:
    name: str  # PC/SC reader name
    port: int = 0  # vpcd port (0 for a physical reader)


#: Debian's default vpcd entry: two readers on 35963/35964.
DEFAULT_READERS = {
    "vitale": ReaderSpec("Virtual PCD 00 00", DEFAULT_PORT),
    "cps": ReaderSpec("Virtual PCD 00 01", DEFAULT_PORT + 1),
}

#: The extra vpcd entries ``scripts/pcscd.sh start --readers N`` adds: letter, first port (2 slots each).
SPARE_ENTRIES = tuple((letter, 36000 + 2 * i) for i, letter in enumerate("BCDEFGH"))


def default_pools() -> dict[str, list[ReaderSpec]]:
    """Slot → readers: ``TESTBENCH_CARD_READERS`` (see :func:`parse_reader_pools`), else the vpcd default
    plus every entry ``pcscd.sh --readers N`` may add (vitale on slot 00 of each, cps on slot 01).
    The bay keeps only the spares pcscd actually lists."""
    text = os.environ.get("TESTBENCH_CARD_READERS", "").strip()
    if text:
        return parse_reader_pools(text)
    return {
        "vitale": [DEFAULT_READERS["vitale"], *(ReaderSpec(f"Virtual PCD {x} 00 00", p) for x, p in SPARE_ENTRIES)],
        "cps": [DEFAULT_READERS["cps"], *(ReaderSpec(f"Virtual PCD {x} 00 01", p + 1) for x, p in SPARE_ENTRIES)],
    }


def parse_reader_pools(text: str) -> dict[str, list[ReaderSpec]]:
    """``vitale=Virtual PCD 00 00@35963|Virtual PCD B 00 00@36000,cps=Virtual PCD 00 01@35964`` → pools.

    ``|`` separates the readers of one slot (the first is where the slot starts); the port is optional.
    """
    out: dict[str, list[ReaderSpec]] = {}
    for item in filter(None, (x.strip() for x in text.split(","))):
        slot, _, rest = item.partition("=")
        specs = []
        for reader in filter(None, (x.strip() for x in rest.split("|"))):
            name, _, port = reader.rpartition("@") if "@" in reader else (reader, "", "0")
            specs.append(ReaderSpec(name.strip(), int(port or 0)))
        if specs:
            out[slot.strip()] = specs
    return out


def parse_reader_map(text: str) -> dict[str, ReaderSpec]:
    """``vitale=Virtual PCD 00 00@35963,cps=Virtual PCD 00 01@35964`` → mapping (port optional; the
    first reader of each pool)."""
    return {slot: specs[0] for slot, specs in parse_reader_pools(text).items()}


def default_readers() -> dict[str, ReaderSpec]:
    """Slot → first reader: ``TESTBENCH_CARD_READERS`` or the vpcd default (what must exist to run)."""
    text = os.environ.get("TESTBENCH_CARD_READERS", "").strip()
    return parse_reader_map(text) if text else dict(DEFAULT_READERS)


#: pcscd checks each reader for a card every 400 ms (PCSCLITE_STATUS_POLL_RATE, pcsc-testing.md §8).
POLL_PERIOD = 0.4
#: Time between starting an insertion and the card being connected to vpcd (an emulator command + connect).
INSERT_LEAD = 0.015

LOCK_PORT_OFFSET = 10000  # the vpcd port + this = a loopback port bound as a cross-process mutex


class _PortLock:
    """Exclusive use of one vpcd port by one bay, across processes, released when the process dies.

    vpcd serves one card per port and silently queues a second emulator (pitfall 5), so two benches
    or test sessions must not share a port. Binding a loopback port is a portable mutex (no fcntl).
    """

    def __init__(self, port: int) -> None:
        self.port = port + LOCK_PORT_OFFSET
        self.sock: socket.socket | None = None

    def acquire(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while self.sock is None:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            try:
                s.bind(("127.0.0.1", self.port))
                self.sock = s
            except OSError:
                s.close()
                if time.monotonic() >= deadline:
                    raise CardUnavailable(
                        f"le port vpcd {self.port - LOCK_PORT_OFFSET} est utilisé par un autre banc ou une autre "
                        f"session de tests (verrou 127.0.0.1:{self.port})"
                    ) from None
                time.sleep(0.05)

    def release(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


class _ProcessCard:
    """An emulator child process for one reader; it can eject its card and insert another one."""

    def __init__(self, profile: Path, spec: ReaderSpec, slot: str, trace: Path | None, python: str) -> None:
        cmd = [python, "-m", "testbench.cards.emulator", str(profile), "--port", str(spec.port), "--control"]
        cmd += ["--slot", slot, "--reader", spec.name]
        if trace is not None:
            cmd += ["--trace", str(trace)]
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1
        )
        self._lines: queue.Queue[str] = queue.Queue()
        self._pump = threading.Thread(target=self._read, name=f"emulator-out-{spec.port}", daemon=True)
        self._pump.start()

    def _read(self) -> None:
        out = self.proc.stdout
        if out is not None:
            with contextlib.suppress(OSError, ValueError):
                for line in out:
                    self._lines.put(line)
        self._lines.put("")  # EOF

    def _expect(self, events: tuple[str, ...], timeout: float) -> dict[str, Any] | None:
        """The next status line among ``events`` (others are skipped), or None on timeout or exit."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                return None
            if not line:
                self._lines.put("")  # keep EOF visible to the next caller
                return None
            with contextlib.suppress(ValueError):
                msg = json.loads(line)
                if isinstance(msg, dict) and msg.get("event") in events:
                    return msg

    def _send(self, msg: dict[str, Any]) -> None:
        stdin: IO[str] | None = self.proc.stdin
        if stdin is None or self.proc.poll() is not None:
            return
        with contextlib.suppress(OSError, ValueError):
            stdin.write(json.dumps(msg) + "\n")
            stdin.flush()

    def alive(self) -> bool:
        return self.proc.poll() is None

    def wait_inserted(self, timeout: float) -> None:
        """Wait for the emulator's ``inserted`` line (it connected to vpcd)."""
        msg = self._expect(("inserted", "error"), timeout)
        if msg is None or msg.get("event") != "inserted":
            err = str(msg.get("message", "")) if msg is not None else ""
            code = self.proc.poll()
            if not err and code is not None:
                err = self._last_words(code)
            self.stop()
            raise CardUnavailable(f"l'émulateur de carte n'a pas démarré : {err or 'pas de réponse'}")

    def _last_words(self, code: int) -> str:
        """Why the emulator stopped: its own sentence (exit 2 or 3), never a traceback."""
        lines: list[str] = []
        if code in (2, 3) and self.proc.stderr is not None:
            with contextlib.suppress(OSError, ValueError):
                lines = self.proc.stderr.read().strip().splitlines()
        return lines[-1] if lines else f"l'émulateur s'est arrêté (code {code})"

    def insert(self, profile: CardProfile, timeout: float) -> None:
        """Insert ``profile``'s card (the emulator has ejected the previous one)."""
        if profile.path is None:
            raise CardUnavailable("un profil chargé depuis un fichier est nécessaire pour l'émulateur")
        self._send({"cmd": "insert", "profile": str(profile.path)})
        self.wait_inserted(timeout)

    def eject(self) -> bool:
        """Pull the card, keep the process for the next one; False if the emulator does not answer."""
        self._send({"cmd": "eject"})
        return self._expect(("ejected",), 3.0) is not None

    def set_fault(self, fault: Fault | None) -> None:
        if fault is None:
            self._send({"cmd": "fault", "kind": "none"})
        else:
            self._send(
                {
                    "cmd": "fault",
                    "kind": fault.kind,
                    "after": fault.after,
                    "sw": f"{fault.sw:04X}",
                    "ins": f"{fault.ins:02X}" if fault.ins is not None else None,
                }
            )
        self._expect(("fault",), 3.0)  # the emulator's acknowledgement

    def reload(self) -> bool:
        """Rebuild the card from its profile in the emulator (no TCP reconnect); False if it is gone."""
        if not self.alive():
            return False
        self._send({"cmd": "reload"})
        msg = self._expect(("reloaded", "gone"), 3.0)
        return msg is not None and msg.get("event") == "reloaded"

    def stop(self) -> None:
        self._send({"cmd": "remove"})
        try:
            self.proc.wait(3.0)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(3.0)
        if self._pump is not threading.current_thread():
            self._pump.join(3.0)
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            with contextlib.suppress(OSError, ValueError):
                if stream is not None:
                    stream.close()


class _ThreadCard:
    """An emulator thread in this process (faster to start; used by benchmarks and some tests)."""

    def __init__(self, profile: CardProfile, spec: ReaderSpec, slot: str, trace: Path | None) -> None:
        self.profile = profile
        self.sink = JsonlSink(trace) if trace is not None else None
        self.icc = VirtualICC(build_card(profile), spec.port, on_apdu=self.sink, reader=spec.name, slot=slot)
        self._stopped = False

    def alive(self) -> bool:
        return not self._stopped

    def wait_inserted(self, timeout: float) -> None:
        try:
            self.icc.insert(timeout)
        except OSError as exc:
            raise CardUnavailable(vpcd_message(self.icc.port, exc)) from None

    def insert(self, profile: CardProfile, timeout: float) -> None:
        self.profile = profile
        self.icc.card = build_card(profile)
        self.icc.set_fault(None)
        self.wait_inserted(timeout)

    def eject(self) -> bool:
        self.icc.remove()
        return True

    def set_fault(self, fault: Fault | None) -> None:
        self.icc.set_fault(fault)

    def reload(self) -> bool:
        if not self.icc.inserted:
            return False
        self.icc.card = build_card(self.profile)
        return True

    def stop(self) -> None:
        self._stopped = True
        self.icc.remove()
        if self.sink is not None:
            self.sink.close()
            self.sink = None


_Card = _ProcessCard | _ThreadCard


class _Reader:
    """One reader of a slot's pool and what the bay put in it.

    Fields written by a background job (``card``, ``profile``, ``lock``, ``error``) are read by the
    main thread only after joining that job; ``want`` and ``job`` belong to the main thread.
    """

    def __init__(self, spec: ReaderSpec, slot: str, link: Link) -> None:
        self.spec = spec
        self.slot = slot
        self.link = link
        self.card: _Card | None = None  # the emulator (alive with no card after an eject)
        self.profile: CardProfile | None = None  # the card pcscd shows here (None: empty)
        self.lock: _PortLock | None = None
        self.want: CardProfile | None = None  # what the last prepare() asked this reader to hold
        self.job: threading.Thread | None = None
        self.error: Exception | None = None  # the last background job's failure
        self.stamp = 0.0  # when it was last given a job: the oldest spare is reused first
        self.poll: float | None = None  # when pcscd was last seen polling this reader (a change reported)

    def busy(self) -> bool:
        return self.job is not None and self.job.is_alive()


class PcscBay:
    """A :class:`CardBay` over pyscard; see the module docstring.

    ``readers`` maps a slot to a reader or to a pool of readers (the first is where the slot starts);
    by default :func:`default_pools`. Spares that pcscd does not list are dropped.
    """

    def __init__(
        self,
        readers: Mapping[str, ReaderSpec | Sequence[ReaderSpec]] | None = None,
        sinks: Iterable[ApduSink] = (),
        *,
        emulate: bool = True,
        emulator: str = "process",
        trace_dir: Path | None = None,
        mode: str = SHARED,
        insert_timeout: float = 5.0,
        transmit_timeout: float = 5.0,
        prompt: Callable[[str], None] | None = None,
        operator_timeout: float = 300.0,
        python: str = sys.executable,
        apdu_sink: ApduSink | None = None,
        reuse: bool = True,
    ) -> None:
        pools = {s: [v] if isinstance(v, ReaderSpec) else list(v) for s, v in (readers or default_pools()).items()}
        pools = self._usable(pools, emulate)
        self._sinks = list(sinks) + ([apdu_sink] if apdu_sink is not None else [])
        self.reuse = reuse
        self._dirty: set[str] = set()  # slots whose emulated card saw a fault or a failure
        self.lock_timeout = 30.0
        self.emulate = emulate
        self.emulator = emulator
        self.trace_dir = trace_dir
        self.insert_timeout = insert_timeout
        self.transmit_timeout = transmit_timeout
        self.prompt = prompt
        self.operator_timeout = operator_timeout
        self.python = python
        self._pools = {
            s: [_Reader(spec, s, Link(PyscardTransport(spec.name, mode), s, self._sinks)) for spec in specs]
            for s, specs in pools.items()
        }
        self._active = {s: pool[0] for s, pool in self._pools.items()}
        # watchdog for mute cards: one thread, polling a single in-flight deadline
        self._inflight: tuple[str, float] | None = None
        self._timed_out: set[str] = set()
        self._stop = threading.Event()
        self._watchdog = threading.Thread(target=self._watch, name="pcscbay-watchdog", daemon=True)
        self._watchdog.start()

    @staticmethod
    def _usable(pools: dict[str, list[ReaderSpec]], emulate: bool) -> dict[str, list[ReaderSpec]]:
        """Keep the first reader of each slot; keep spares only if emulated, with a port, and listed by pcscd."""
        if not emulate or all(len(p) < 2 for p in pools.values()):
            return {s: p[:1] for s, p in pools.items() if p}
        try:
            present = set(list_readers())
        except CardUnavailable:
            present = set()
        return {s: p[:1] + [r for r in p[1:] if r.port and r.name in present] for s, p in pools.items() if p}

    # ---- helpers
    def _reader(self, slot: str) -> _Reader:
        try:
            return self._active[slot]
        except KeyError:
            raise CardUnavailable(f"emplacement de lecteur inconnu : {slot}") from None

    def _spec(self, slot: str) -> ReaderSpec:
        return self._reader(slot).spec

    @property
    def readers(self) -> dict[str, ReaderSpec]:
        """Slot → the reader that holds (or will hold) the slot's card now."""
        return {s: r.spec for s, r in self._active.items()}

    @property
    def profiles(self) -> dict[str, CardProfile]:
        """Slot → the profile of the card presented in the slot."""
        return {s: r.profile for s, r in self._active.items() if r.profile is not None}

    def reader_pool(self, slot: str) -> list[str]:
        """The readers ``slot`` may use, the first being where it starts."""
        self._reader(slot)
        return [r.spec.name for r in self._pools[slot]]

    def _all_readers(self) -> list[_Reader]:
        return [r for pool in self._pools.values() for r in pool]

    def add_sink(self, sink: ApduSink) -> None:
        self._sinks.append(sink)
        for r in self._all_readers():
            r.link.sinks = self._sinks

    def reader_name(self, slot: str) -> str:
        """The PC/SC name of the reader holding ``slot``'s card now (it changes when a prepared card is used)."""
        return self._spec(slot).name

    def _watch(self) -> None:
        while not self._stop.wait(0.05):
            inflight = self._inflight
            if inflight is not None and time.monotonic() > inflight[1]:
                slot = inflight[0]
                self._inflight = None
                self._timed_out.add(slot)
                card = self._active[slot].card
                if card is not None:
                    card.stop()  # unblocks the transmit: vpcd sees the card go away

    # ---- CardBay
    def slots(self) -> list[str]:
        return list(self._pools)

    def describe(self) -> str:
        """« cartes émulées via pcscd + vpcd (vitale=A|B, cps=C) »: each slot's pool, active reader first,
        in the syntax of ``TESTBENCH_CARD_READERS`` (no words: ``testbench.i18n`` translates the rest)."""
        pools = []
        for slot, pool in self._pools.items():
            active = self._active[slot]
            pools.append(f"{slot}=" + "|".join([active.spec.name, *(r.spec.name for r in pool if r is not active)]))
        readers = ", ".join(pools)
        if self.emulate:
            return f"cartes émulées via pcscd + vpcd ({readers})"
        return f"lecteurs PC/SC ({readers})"

    def present(self, slot: str, profile: Path | CardProfile) -> None:
        p = profile if isinstance(profile, CardProfile) else load_profile(profile)
        r = self._reader(slot)
        if (
            self.reuse
            and r.card is not None
            and r.profile is not None
            and slot not in self._dirty
            and r.profile == p
            and r.card.reload()
        ):
            # same card again (next case): a fresh card state without a 0.8 s remove/insert cycle
            r.link.transport.close()
            return
        if not self.emulate:
            r.link.transport.close()
            self._prompt_insert(slot, p)
            r.profile = p
            return
        spare = next((x for x in self._pools[slot] if x is not r and x.want == p), None)
        if spare is not None:
            # Pull the old card first: it leaves at its reader's next poll while we wait for the prepared
            # card, so that reader is free sooner for the next prepare() (docs/cards.md §4.1).
            self._retire(r)
            if self._ready(spare, p):
                spare.want = None
                self._active[slot] = spare
                self._timed_out.discard(slot)
                self._dirty.discard(slot)
                return
            spare.want = None
            if r.job is not None:
                r.job.join()
        # the normal path: pull the card of the active reader (wait for EMPTY), insert the new one
        self._eject(r)
        self._insert(r, p, self.lock_timeout)
        self._timed_out.discard(slot)
        self._dirty.discard(slot)

    def prepare(self, slot: str, profile: Path | CardProfile) -> None:
        """Insert ``profile``'s card in a spare reader of ``slot`` in the background (the next case's card).

        Returns at once. ``present(slot, profile)`` then waits for it and switches readers; a card
        prepared for nothing stays in its spare reader until a later prepare() needs the reader. A no-op
        without a spare reader, for physical readers, or when the slot already holds this card.
        """
        pool = self._pools.get(slot)
        if not self.emulate or pool is None or len(pool) < 2:
            return
        try:
            p = profile if isinstance(profile, CardProfile) else load_profile(profile)
        except (ProfileError, OSError):
            return  # only an optimisation: present() reports the profile's problem for its own case
        if p.path is None and self.emulator != "thread":
            return
        active = self._active[slot]
        if active.profile == p and slot not in self._dirty:
            return  # present() reloads the card in place
        spares = [x for x in pool if x is not active]
        if any(x.want == p for x in spares):
            return  # prepared already, or on its way
        free = [x for x in spares if not x.busy() and x.want is None and x.profile is None]
        if len(free) > 1:
            # Each reader has its own poll thread and the phases drift apart: the card shows soonest in
            # the free reader pcscd polls next.
            at = time.monotonic() + INSERT_LEAD
            target = min(free, key=lambda x: self._until_poll(x, at))
        else:
            target = min(spares, key=lambda x: (x.busy(), x.want is not None, x.stamp))
        target.want = p
        self._start_job(target, self._prepare_job, target, p)

    @staticmethod
    def _until_poll(r: _Reader, at: float) -> float:
        """Seconds from ``at`` to pcscd's next poll of ``r`` (half a period when never seen)."""
        if r.poll is None:
            return POLL_PERIOD / 2
        return POLL_PERIOD - (at - r.poll) % POLL_PERIOD

    def _wait_state(self, r: _Reader, present: bool, timeout: float) -> bytes:
        """``wait_for`` on ``r``, noting when pcscd polled it if the state changed meanwhile."""
        start = time.monotonic()
        atr = wait_for(r.spec.name, present, timeout)
        end = time.monotonic()
        if end - start > 0.005:  # it waited: pcscd reported the change right after polling the reader
            r.poll = end
        return atr

    def _start_job(self, r: _Reader, fn: Callable[..., None], *args: Any) -> None:
        """Run ``fn(*args)`` in a thread after ``r``'s previous job (jobs on one reader run in order)."""
        previous = r.job

        def run() -> None:
            if previous is not None:
                previous.join()
            try:
                fn(*args)
                r.error = None
            except Exception as exc:  # reported through r.error; present() falls back to the normal path
                r.error = exc

        r.stamp = time.monotonic()
        r.job = threading.Thread(target=run, name=f"pcscbay-{r.spec.name}", daemon=True)
        r.job.start()

    def _prepare_job(self, r: _Reader, p: CardProfile) -> None:
        self._eject(r)  # a card prepared for nothing earlier, or still leaving
        self._insert(r, p, 0.0)  # a spare port another bench holds: give up at once, present() does the work

    def _ready(self, r: _Reader, p: CardProfile) -> bool:
        """Wait for the job preparing ``p`` in ``r``; True when pcscd shows that card there."""
        if r.job is not None:
            r.job.join(self.insert_timeout + 5.0)
            if r.job.is_alive():
                return False
        return r.error is None and r.profile == p and r.card is not None and r.card.alive()

    def _retire(self, r: _Reader) -> None:
        """Pull ``r``'s card in the background (the slot no longer uses that reader)."""
        r.link.transport.close()
        if r.card is not None or r.profile is not None:
            self._start_job(r, self._eject, r)

    def _trace_path(self, slot: str) -> Path | None:
        if self.trace_dir is None:
            return None
        self.trace_dir.mkdir(parents=True, exist_ok=True)
        return self.trace_dir / f"emulator-{slot}.jsonl"  # one file per slot; each record names its reader

    def _insert(self, r: _Reader, p: CardProfile, lock_timeout: float) -> None:
        """Put ``p``'s card in the empty reader ``r``: wait until pcscd shows it, check its ATR."""
        spec = r.spec
        if r.lock is None and spec.port:
            lock = _PortLock(spec.port)
            lock.acquire(lock_timeout)
            r.lock = lock
        if self._occupied(spec.name):
            raise CardUnavailable(
                f"le lecteur {spec.name} contient déjà une carte qui n'est pas celle du banc "
                f"(un autre émulateur ou une autre session utilise le port {spec.port} ?)"
            )
        deadline = time.monotonic() + self.insert_timeout
        while True:
            # vpcd may still hold the previous connection for a poll after a pulled card: a connect made
            # then sits in its backlog and is never served (pitfall 5), so retry until pcscd sees the card.
            card = r.card
            budget = max(0.5, deadline - time.monotonic())
            if card is not None and card.alive():
                try:
                    card.insert(p, budget)  # the running emulator: no start-up
                except CardUnavailable:
                    card.stop()
                    r.card = None
                    raise
            else:
                if self.emulator == "thread":
                    card = _ThreadCard(p, spec, r.slot, self._trace_path(r.slot))
                else:
                    if p.path is None:
                        raise CardUnavailable("un profil chargé depuis un fichier est nécessaire pour l'émulateur")
                    card = _ProcessCard(p.path, spec, r.slot, self._trace_path(r.slot), self.python)
                r.card = card
                try:
                    card.wait_inserted(budget)
                except CardUnavailable:
                    r.card = None
                    raise
            try:
                atr = self._wait_state(r, True, max(0.1, min(1.0, deadline - time.monotonic())))
                break
            except CardUnavailable:
                card.stop()
                r.card = None
                if time.monotonic() >= deadline:
                    raise
        r.profile = p
        if atr != p.atr:
            self._eject(r)
            raise CardUnavailable(
                f"le lecteur {spec.name} présente l'ATR {atr.hex(' ').upper()} au lieu de celui du profil "
                f"{p.id} : un autre émulateur occupe-t-il le port {spec.port} ?"
            )

    def _eject(self, r: _Reader, wait: bool = True) -> None:
        """Pull the card from ``r`` (the emulator stays for the next card) and wait for EMPTY."""
        r.link.transport.close()
        had = r.profile is not None
        r.profile = None
        card = r.card
        if card is None or (not had and card.alive()):
            return  # nothing in the reader (the emulator has ejected its card already)
        if not (card.alive() and card.eject()):
            card.stop()
            r.card = None
        if wait:
            self._wait_state(r, False, self.insert_timeout)

    @staticmethod
    def _occupied(reader: str) -> bool:
        """A card is present in a reader where this bay has none (vpcd serves one card per port)."""
        with Context() as ctx:
            state = ctx.status([reader]).get(reader, (0, b""))[0]
        return card_present(state)

    def _prompt_insert(self, slot: str, p: CardProfile) -> None:
        """Physical reader: a card already there is kept (the guard checks it), else ask and wait."""
        spec = self._spec(slot)
        if self._occupied(spec.name):
            return
        message = f"Insérez la {p.describe_fr()} dans le lecteur « {spec.name} » ({slot})."
        if self.prompt is None:
            raise CardUnavailable(f"aucune carte dans le lecteur {spec.name} : {message}")
        self.prompt(message)
        wait_for(spec.name, True, self.operator_timeout)

    def emulated(self, slot: str) -> bool:
        """True when this bay's own emulator serves the card in ``slot`` (not a physical card)."""
        r = self._active.get(slot)
        return self.emulate and r is not None and r.card is not None and r.profile is not None

    def wait_card(self, slot: str, timeout: float) -> None:
        """Wait until a card is inserted in ``slot``'s reader (operator insertion)."""
        wait_for(self._spec(slot).name, True, timeout)

    def remove(self, slot: str) -> None:
        r = self._reader(slot)
        self._dirty.discard(slot)
        if self.emulate:
            self._eject(r)
        else:
            r.link.transport.close()
            r.profile = None

    def release(self) -> None:
        for r in self._all_readers():
            r.link.transport.close()

    def close(self) -> None:
        """Pull every emulated card, stop every emulator and thread the bay started."""
        readers = self._all_readers()
        for r in readers:
            if r.job is not None:
                r.job.join(self.insert_timeout + 5.0)
        self.release()
        pulled = []
        for r in readers:
            if r.card is not None:
                r.card.stop()  # all at once: pcscd polls the readers in parallel
                r.card = None
                pulled.append(r)
            r.profile = None
            r.want = None
        for r in pulled:
            with contextlib.suppress(CardUnavailable):
                self._wait_state(r, False, self.insert_timeout)
        for r in readers:
            if r.lock is not None:
                r.lock.release()
                r.lock = None
        self._stop.set()
        if self._watchdog is not threading.current_thread():
            self._watchdog.join(1.0)

    def __enter__(self) -> PcscBay:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def atr(self, slot: str) -> bytes:
        return self._reader(slot).link.transport.atr()

    def transmit(self, slot: str, apdu: bytes) -> tuple[bytes, int]:
        r = self._reader(slot)
        self._inflight = (slot, time.monotonic() + self.transmit_timeout)
        try:
            return r.link.transmit(apdu)
        except CardUnavailable as exc:
            self._dirty.add(slot)
            if slot in self._timed_out:
                raise CardUnavailable(
                    f"la carte du lecteur « {r.spec.name} » ne répond plus (muette depuis {self.transmit_timeout:g} s)"
                ) from exc
            raise
        finally:
            self._inflight = None

    def inject_fault(self, slot: str, fault: Fault | None) -> None:
        r = self._reader(slot)
        card = r.card
        if card is None or r.profile is None:
            raise CardUnavailable(f"pas de carte émulée dans {slot}")
        self._dirty.add(slot)
        card.set_fault(fault)


class _SlowFirstAtr:
    """A card that answers vpcd's first ATR request late: pcscd's poll thread of that reader is held
    that long, so its 400 ms poll cycle is shifted for good (used by :func:`stagger_poll_phases`)."""

    def __init__(self, card: Any, delay: float) -> None:
        self._card = card
        self._delay = delay

    @property
    def atr(self) -> bytes:
        if self._delay > 0:
            time.sleep(self._delay)
            self._delay = 0.0
        return bytes(self._card.atr)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._card, name)


def _insert_all(readers: dict[str, ReaderSpec], delays: dict[str, float], timeout: float) -> dict[str, float]:
    """Insert a card in every reader at once (late first ATR per ``delays``), return when pcscd showed
    each one (time.monotonic()), then pull them all and wait for EMPTY."""
    from ..paths import CARD_PROFILES_DIR

    profile = CARD_PROFILES_DIR / "vitale2-adult-standard.xml"
    cards = {n: VirtualICC(_SlowFirstAtr(build_card(profile), delays.get(n, 0.0)), s.port) for n, s in readers.items()}
    seen: dict[str, float] = {}

    def watch(name: str) -> None:
        with contextlib.suppress(CardUnavailable):
            wait_for(name, True, timeout)
            seen[name] = time.monotonic()

    threads = [threading.Thread(target=watch, args=(n,), daemon=True) for n in readers]
    try:
        for card in cards.values():
            card.insert(2.0)
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout + 1.0)
    finally:
        for card in cards.values():
            card.remove()
        for name in readers:
            with contextlib.suppress(CardUnavailable):
                wait_for(name, False, 2.0)
    if len(seen) != len(readers):
        raise CardUnavailable(f"lecteurs muets pendant le calage : {', '.join(sorted(set(readers) - set(seen)))}")
    return seen


def stagger_poll_phases(pools: dict[str, list[ReaderSpec]] | None = None) -> dict[str, float]:
    """Spread pcscd's poll phases over the readers of each pool of 3 readers or more; return the shifts (s).

    A freshly started pcscd polls all its readers in step, so a card prepared in any spare reader shows
    at the same moment. Spread evenly (every 400/n ms), the bay's ``prepare()`` can pick the spare that
    pcscd polls next. Run once right after pcscd starts (``scripts/pcscd.sh start``), with no card in
    the readers: it inserts a test card in each reader and answers pcscd's first ATR request late.
    Pools of two are left in step, which suits them better (the old card's reader must show EMPTY
    first). This is our own technique, not a pcsc-lite feature.
    """
    listed = set(list_readers())
    groups = [
        [r for r in specs if r.name in listed and r.port]
        for specs in (pools if pools is not None else default_pools()).values()
    ]
    groups = [g for g in groups if len(g) >= 3]
    readers = {r.name: r for g in groups for r in g}
    if not readers:
        return {}
    with Context() as ctx:
        if any(card_present(state) for state, _ in ctx.status(list(readers)).values()):
            raise CardUnavailable("calage des lecteurs impossible : un lecteur contient déjà une carte")
    seen = _insert_all(readers, {}, 2.0)
    delays: dict[str, float] = {}
    for group in groups:
        ref = seen[group[0].name]
        for k, r in enumerate(group):
            shift = (ref + k * POLL_PERIOD / len(group) - seen[r.name]) % POLL_PERIOD
            delays[r.name] = 0.0 if shift > POLL_PERIOD - 0.01 else shift  # ~a full period: in place already
    _insert_all(readers, delays, 2.0 + POLL_PERIOD)
    return delays
