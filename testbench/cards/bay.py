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
two-reader vpcd) ``prepare()`` does nothing; ``present()`` then changes the card inside the reader's
emulator and resets it, so pcscd reads the new ATR at once (docs/cards.md §4.2). Emulator processes
are kept per reader and told to eject / insert, so a change of card does not pay a Python start-up
either. An emulator process that died (or stopped answering) is replaced by a fresh one, and said: the
bay tells the sink given to ``attach_lifecycle`` (the runner: an event and a ``bench`` line with the case
under way), as an engine says its restarts.

A reader without a port (``ReaderSpec.port == 0``, ``TESTBENCH_CARD_READERS`` with no ``@PORT``) is a
*physical* reader, as is every reader with ``emulate=False``: no emulator ever serves it, pools are not
used, and ``present()`` asks the operator through ``prompt`` for the case's card and waits for it.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from testbench.domain.events import EventKind
from testbench.domain.hooks import LifecycleSink

from .api import ApduSink, CardPresence, CardUnavailable
from .emulator_control import EmulatorCard, PortLock, ProcessCard, ThreadCard
from .inprocess import Fault
from .link import Link
from .pcsc import SHARED, Context, PyscardTransport, card_present, list_readers, wait_for
from .poll_phases import POLL_PERIOD
from .profile import CardProfile, ProfileError, load_profile
from .reader_pools import ReaderSpec, default_pools

#: Why a card is still the one the guard read (recorded with a reused check): emulated, and physical.
KEPT_EMULATED = (
    "carte émulée gardée par le banc dans son lecteur : ni retirée, ni changée, ni mise en défaut depuis, "
    "et pcscd ne compte ni retrait ni insertion dans ce lecteur (compteur d'événements inchangé)"
)
KEPT_PHYSICAL = (
    "pcscd ne compte ni retrait ni insertion dans ce lecteur depuis (compteur d'événements inchangé) "
    "et la carte présente le même ATR"
)

#: Time between starting an insertion and the card being connected to vpcd (an emulator command + connect).
INSERT_LEAD = 0.015


class _Reader:
    """One reader of a slot's pool and what the bay put in it.

    Fields written by a background job (``card``, ``profile``, ``lock``, ``error``) are read by the
    main thread only after joining that job; ``want`` and ``job`` belong to the main thread.
    """

    def __init__(self, spec: ReaderSpec, slot: str, link: Link) -> None:
        self.spec = spec
        self.slot = slot
        self.link = link
        self.card: EmulatorCard | None = None  # the emulator (alive with no card after an eject)
        self.profile: CardProfile | None = None  # the card pcscd shows here (None: empty)
        self.lock: PortLock | None = None
        self.want: CardProfile | None = None  # what the last prepare() asked this reader to hold
        self.job: threading.Thread | None = None
        self.error: Exception | None = None  # the last background job's failure
        self.stamp = 0.0  # when it was last given a job: the oldest spare is reused first
        self.poll: float | None = None  # when pcscd was last seen polling this reader (a change reported)
        self.events: int | None = None  # physical reader: pcscd's event counter when present() left it
        #: a new object each time the bay puts a card here or another card in place; None once pulled
        self.token: object | None = None
        self.lost: EmulatorCard | None = None  # an emulator found dead (said), until a fresh one runs here

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
        swap_in_place: bool = True,
    ) -> None:
        pools = {s: [v] if isinstance(v, ReaderSpec) else list(v) for s, v in (readers or default_pools()).items()}
        pools = self._usable(pools, emulate)
        self._sinks = list(sinks) + ([apdu_sink] if apdu_sink is not None else [])
        self.reuse = reuse
        # False when the product under test watches the readers itself (operator mode): it must see a
        # card change as a removal and an insertion, which a change inside the emulator does not give
        self.swap_in_place = swap_in_place
        self._dirty: set[str] = set()  # slots whose emulated card saw a fault or a failure
        # slot → the test PIN a change-pin set (testbench.cards.pin); an emulated card presented afresh
        # has its profile's PIN again, a physical card keeps what was set until changed back
        self.changed_pins: dict[str, str] = {}
        self.lock_timeout = 30.0
        self.emulate = emulate
        self.emulator = emulator
        self.trace_dir = trace_dir
        self.insert_timeout = insert_timeout
        self.transmit_timeout = transmit_timeout
        self.prompt = prompt
        self.operator_timeout = operator_timeout
        self.operator_stop: threading.Event | None = None  # set: stop waiting for the operator's hand (stop_on)
        self.python = python
        self._pools = {
            s: [_Reader(spec, s, Link(PyscardTransport(spec.name, mode), s, self._sinks)) for spec in specs]
            for s, specs in pools.items()
        }
        self._active = {s: pool[0] for s, pool in self._pools.items()}
        if emulate and emulator == "process":
            self._start_emulators()
        # watchdog for mute cards: one thread, polling a single in-flight deadline
        self._inflight: tuple[str, float] | None = None
        self._timed_out: set[str] = set()
        self._stop = threading.Event()
        self._watchdog = threading.Thread(target=self._watch, name="pcscbay-watchdog", daemon=True)
        self._watchdog.start()
        # an emulator that died and its replacement, told to the lifecycle sink from present() and remove()
        # (the caller's thread: a background job only queues them)
        self._lifecycle: LifecycleSink | None = None
        self._notices: list[tuple[str, dict[str, Any]]] = []
        self._notices_lock = threading.Lock()

    def _start_emulators(self) -> None:
        """Start the emulator of each slot's first reader now, its reader empty: the Python start-up runs
        while the bench is assembled, and the run's first card is an insert command (docs/cards.md §4)."""
        for r in self._active.values():
            if r.spec.port:
                with contextlib.suppress(OSError):  # present() starts one itself (and says what fails)
                    r.card = ProcessCard(None, r.spec, r.slot, self._trace_path(r.slot), self.python)

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
    def _emulates(self, r: _Reader) -> bool:
        """True when the bay's own emulator serves ``r``: a vpcd reader (with a port) of an emulating bay."""
        return self.emulate and bool(r.spec.port)

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
        # a twentieth of the timeout (0.25 s for 5 s): one wake-up per bay every 50 ms took the GIL from the
        # parallel benches' threads (run --workers) for nothing
        period = min(0.25, self.transmit_timeout / 20)
        while not self._stop.wait(period):
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
        if all(self._emulates(r) for r in self._active.values()):
            return f"cartes émulées via pcscd + vpcd ({readers})"
        return f"lecteurs PC/SC ({readers})"

    def attach_lifecycle(self, sink: LifecycleSink) -> None:
        """Where the bay says that an emulator process stopped and that a fresh one replaced it."""
        self._lifecycle = sink

    def _notice(self, kind: str, details: dict[str, Any]) -> None:
        with self._notices_lock:
            self._notices.append((kind, details))

    def _tell(self) -> None:
        with self._notices_lock:
            notices, self._notices = self._notices, []
        if self._lifecycle is not None:
            for kind, details in notices:
                self._lifecycle(kind, details)

    def _lost(self, r: _Reader, card: EmulatorCard) -> None:
        """``r``'s emulator process was found dead or mute, not stopped by the bay's watchdog: said once."""
        if not isinstance(card, ProcessCard) or r.lost is card or r.slot in self._timed_out:
            return
        r.lost = card
        code, slot, reader = card.proc.poll(), r.slot, r.spec.name
        if code is None:
            message = f"l'émulateur de carte {slot} (lecteur {reader}) ne répond plus : arrêté par le banc"
        else:
            message = f"l'émulateur de carte {slot} (lecteur {reader}) s'est arrêté (code {code})"
        details = {"slot": slot, "reader": reader, "exit_code": code, "message": message}
        self._notice(EventKind.EMULATOR_STOPPED, details)

    def _relaunched(self, r: _Reader, card: EmulatorCard) -> None:
        """A fresh emulator runs in ``r`` where one was found dead or mute: said once."""
        if r.lost is None or not isinstance(card, ProcessCard):
            return
        r.lost = None
        message = f"émulateur de carte {r.slot} relancé (processus {card.proc.pid})"
        details = {"slot": r.slot, "reader": r.spec.name, "pid": card.proc.pid, "message": message}
        self._notice(EventKind.EMULATOR_RESTART, details)

    def present(self, slot: str, profile: Path | CardProfile) -> None:
        try:
            self._present(slot, profile)
        finally:
            self._tell()

    def _present(self, slot: str, profile: Path | CardProfile) -> None:
        p = profile if isinstance(profile, CardProfile) else load_profile(profile)
        r = self._reader(slot)
        if r.card is not None and not r.card.alive():
            self._lost(r, r.card)  # said now, whichever reader the slot's card then goes to
        if self._emulates(r):
            self.changed_pins.pop(slot, None)
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
        if self._change_in_place(slot, r, p):
            return
        if not self._emulates(r):
            r.link.transport.close()
            self._prompt_insert(slot, r, p)
            r.profile = p
            r.token = r.token or object()  # a card changed by hand moves pcscd's event counter (presence)
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

    def _change_in_place(self, slot: str, r: _Reader, p: CardProfile) -> bool:
        """A slot with one reader: put ``p``'s card in place of the current one inside its emulator.

        Through vpcd a remove + insert shows at two of pcscd's polls (0.4 to 0.8 s), paid at every change
        when there is no spare reader to prepare in. Here the vpcd connection stays and the bay
        disconnects with a reset: pcscd powers the card up again and reads the new card's ATR at once,
        as it does for a card reset (docs/cards.md §4.2). False: the caller takes the normal path.
        """
        transport = r.link.transport
        if not (
            self._emulates(r)
            and self.reuse
            and self.swap_in_place
            and len(self._pools[slot]) == 1
            and r.card is not None
            and r.profile is not None
            and slot not in self._dirty
            and getattr(transport, "reset_on_release", False)
        ):
            return False
        transport.close()
        r.token = None
        if not r.card.reload(p):
            return False
        r.profile = p  # the emulator holds p now: the normal path pulls it if pcscd does not show it
        try:
            transport.atr()  # connect…
            transport.close()  # …and disconnect with a reset: pcscd reads the new card's ATR
            if transport.atr() != p.atr:
                return False
            r.token = object()  # another card, though pcscd's event counter did not move
            return True
        except CardUnavailable:
            return False

    def prepare(self, slot: str, profile: Path | CardProfile) -> None:
        """Insert ``profile``'s card in a spare reader of ``slot`` in the background (the next case's card).

        Returns at once. ``present(slot, profile)`` then waits for it and switches readers; a card
        prepared for nothing stays in its spare reader until a later prepare() needs the reader. A no-op
        without a spare reader, for physical readers, or when the slot already holds this card.
        """
        pool = self._pools.get(slot)
        if pool is None or len(pool) < 2 or not self._emulates(self._active[slot]):
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
            lock = PortLock(spec.port)
            lock.acquire(lock_timeout, self._busy_notice(r, lock_timeout))
            r.lock = lock
        if self._occupied(spec.name):
            raise CardUnavailable(
                f"le lecteur {spec.name} contient déjà une carte qui n'est pas celle du banc "
                f"(un autre émulateur ou une autre session utilise le port {spec.port} ?)"
            )
        deadline = time.monotonic() + self.insert_timeout
        while True:
            # vpcd may still hold the previous connection for a poll after a pulled card: a connect made
            # then sits in its backlog and is never served (docs/cards.md §4), so retry until pcscd sees the card.
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
                    card = ThreadCard(p, spec, r.slot, self._trace_path(r.slot))
                else:
                    if p.path is None:
                        raise CardUnavailable("un profil chargé depuis un fichier est nécessaire pour l'émulateur")
                    card = ProcessCard(p.path, spec, r.slot, self._trace_path(r.slot), self.python)
                r.card = card
                try:
                    card.wait_inserted(budget)
                except CardUnavailable:
                    r.card = None
                    raise
                self._relaunched(r, card)
            try:
                atr = self._wait_state(r, True, max(0.1, min(1.0, deadline - time.monotonic())))
                break
            except CardUnavailable:
                card.stop()
                r.card = None
                if time.monotonic() >= deadline:
                    raise
        r.profile = p
        r.token = object()
        if atr != p.atr:
            self._eject(r)
            raise CardUnavailable(
                f"le lecteur {spec.name} présente l'ATR {atr.hex(' ').upper()} au lieu de celui du profil "
                f"{p.id} : un autre émulateur occupe-t-il le port {spec.port} ?"
            )

    def _busy_notice(self, r: _Reader, timeout: float) -> Callable[[str], None] | None:
        """What tells the person that ``r``'s port is held by another bench while this one waits for it."""
        prompt = self.prompt
        if prompt is None:
            return None
        return lambda held: prompt(
            f"lecteur {r.slot} occupé : {held} ; le banc attend qu'il se libère, {timeout:.0f} s au plus"
        )

    def _eject(self, r: _Reader, wait: bool = True) -> None:
        """Pull the card from ``r`` (the emulator stays for the next card) and wait for EMPTY."""
        r.link.transport.close()
        had = r.profile is not None
        r.profile = r.token = None
        card = r.card
        if card is None or (not had and card.alive()):
            return  # nothing in the reader (the emulator has ejected its card already)
        if not (card.alive() and card.eject()):
            self._lost(r, card)
            card.stop()
            r.card = None
        if wait:
            self._wait_state(r, False, self.insert_timeout)

    @staticmethod
    def _occupied(reader: str) -> bool:
        """A card is present in a reader where this bay has none (vpcd serves one card per port)."""
        return PcscBay._events(reader)[1]

    def _prompt_insert(self, slot: str, r: _Reader, p: CardProfile) -> None:
        """Physical reader: ask the operator for ``p``'s card and wait until it is in the reader.

        A card already there is kept (the guard checks it), unless this bay asked for another card in the
        previous case and pcscd has counted no removal nor insertion since: the operator then swaps it.
        """
        name = r.spec.name
        events, present = self._events(name)
        if present and (self.prompt is None or r.profile is None or r.profile == p or r.events != events):
            r.events = events
            return
        if present:
            message = f"Retirez la carte du lecteur « {name} » ({slot}) et insérez la {p.describe_fr()}."
        else:
            message = f"Insérez la {p.describe_fr()} dans le lecteur « {name} » ({slot})."
        if self.prompt is None:
            raise CardUnavailable(f"aucune carte dans le lecteur {name} : {message}")
        self.prompt(message)
        try:
            if present:
                wait_for(name, False, self.operator_timeout, stop=self.operator_stop)
            wait_for(name, True, self.operator_timeout, stop=self.operator_stop)
        except CardUnavailable as exc:
            if self.operator_stop is not None and self.operator_stop.is_set():
                stopped = f"arrêt demandé avant l'insertion de la carte au lecteur {name} : {message}"
                raise CardUnavailable(stopped) from exc
            raise CardUnavailable(
                f"pas de réponse de l'opérateur en {self.operator_timeout:g} s au lecteur {name} : {message}"
            ) from exc
        r.events = self._events(name)[0]

    def stop_on(self, event: threading.Event | None) -> None:
        """A run's stop (``event``) also ends a wait for the operator to insert a card in a physical reader:
        that wait lasts minutes, and a stop (or quitting the workstation) must not wait for it."""
        self.operator_stop = event

    @staticmethod
    def _events(reader: str) -> tuple[int, bool]:
        """pcscd's event counter for ``reader`` (insertions and removals) and whether a card is in it."""
        with Context() as ctx:
            state = ctx.status([reader]).get(reader, (0, b""))[0]
        return state >> 16, card_present(state)

    def emulated(self, slot: str) -> bool:
        """True when this bay's own emulator serves the card in ``slot`` (not a physical card)."""
        r = self._active.get(slot)
        return r is not None and self._emulates(r) and r.card is not None and r.profile is not None

    def presence(self, slot: str) -> CardPresence | None:
        """The card in ``slot`` has stayed in its reader untouched since the bay last vouched for it when the
        token is equal: the bay's own record of what it put there (a card changed inside its reader moves no
        counter, docs/cards.md §4.2) with pcscd's event counter for the reader and the ATR it shows (any
        removal or insertion, by the bay or by hand, moves the counter). None when it cannot tell."""
        r = self._active.get(slot)
        if r is None or r.token is None or slot in self._dirty or slot in self._timed_out:
            return None
        emulated = self._emulates(r)
        if emulated and (r.card is None or r.profile is None):
            return None
        try:
            state, atr = r.link.transport.reader_state()
        except CardUnavailable:
            return None
        if not card_present(state):
            return None
        why = KEPT_EMULATED if emulated else KEPT_PHYSICAL
        return CardPresence((r.token, r.spec.name, state >> 16, atr), why)

    def wait_card(self, slot: str, timeout: float) -> None:
        """Wait until a card is inserted in ``slot``'s reader (operator insertion)."""
        wait_for(self._spec(slot).name, True, timeout)

    def remove(self, slot: str) -> None:
        r = self._reader(slot)
        self._dirty.discard(slot)
        if self._emulates(r):
            self.changed_pins.pop(slot, None)
            try:
                self._eject(r)
            finally:
                self._tell()
        else:
            r.link.transport.close()
            r.profile = r.token = None

    def release(self) -> None:
        for r in self._all_readers():
            r.link.transport.close()

    def close(self) -> None:
        """Pull every emulated card, stop every emulator and thread the bay started."""
        readers = self._all_readers()
        for r in readers:
            if r.job is not None:
                r.job.join(self.insert_timeout + 5.0)
        for r in readers:
            r.link.transport.dispose()  # the card handle and the reader's PC/SC context
        pulled = []
        for r in readers:
            if r.card is not None:
                r.card.stop()  # all at once: pcscd polls the readers in parallel
                r.card = None
                pulled.append(r)
            r.profile = r.token = None
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
