"""``PcscBay``: the card bay over the real PC/SC stack (pyscard → pcscd → vpcd → emulator).

Per slot, a pool of readers (name + vpcd port); one of them is the slot's *active* reader, the one
``present()`` fills and ``transmit()`` talks to. ``present()`` starts an emulator for the profile (a
child process by default, or a thread) and waits for pcscd to report the card (SCardGetStatusChange —
pcscd polls every 400 ms, so never sleep), then checks the ATR so that an orphan emulator holding
the port cannot pass for our card. ``remove()`` pulls the card and waits for EMPTY. Faults can be
injected. A transmit, or a connect (``atr()``: pcscd powers the card up and waits for its ATR), that does
not finish within ``transmit_timeout`` (mute card; neither pcscd nor vpcd has a time limit) makes the bay
pull that emulated card, so the call ends with :class:`CardUnavailable` instead of hanging forever. A card the
bay does not emulate cannot be pulled: its transport makes the call on a thread of its own and gives it up at
the same limit (:class:`~.pcsc.CardMute`), and a ^C or SIGTERM stops the run meanwhile. One sentence either way.

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
used, ``present()`` asks the operator through ``prompt`` for the case's card and waits for it, and ``remove()`` asks
for the card to be pulled and waits until the reader is empty.

A reader the bench cannot use (its port held by another bench, its card held exclusively by another
program, a foreign card in it) is set aside once and said, and the slot goes on with its next reader, so
a campaign does not wait on it at every case; with none left, only the slot's first failure waits for the
port (docs/cards.md §4.1). ``ready()`` runs the same checks before a parallel worker takes a case.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from testbench.domain.events import EventKind
from testbench.domain.hooks import LifecycleSink
from testbench.fmt import seconds
from testbench.i18n import _t

from . import layout as L
from .api import ApduSink, CardNotInserted, CardPresence, CardUnavailable, CardWaitStopped, ReaderBusy
from .emulator_control import EmulatorCard, PortLock, ProcessCard, ThreadCard
from .inprocess import Fault
from .link import Link
from .messages import FAMILY_FR
from .model import DF, IsoCard
from .pcsc import SHARED, CardMute, Context, PyscardTransport, card_present, list_readers, mute_message, wait_for
from .pcsc_errors import HELD_BY_ANOTHER
from .poll_phases import POLL_PERIOD
from .profile import CardProfile, ProfileError, load_profile
from .reader_pools import ReaderSpec, default_pools
from .vpcd import VirtualICC

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

#: PC/SC's reader state bit (pcsc-lite and winscard alike): a program holds the card with SCARD_SHARE_EXCLUSIVE.
SCARD_STATE_EXCLUSIVE = 0x0080
#: … and with SCARD_SHARE_SHARED (one program or more).
SCARD_STATE_INUSE = 0x0100


#: A reader the bay stops using (docs/cards.md §4.1): which, and why (the reason last: it may hold « : »).
SET_ASIDE = _t("lecteur {slot} « {reader} » mis de côté : {reason}")
#: Another program holds the reader's card with SCARD_SHARE_EXCLUSIVE: the bench cannot even read it.
HELD_EXCLUSIVELY = _t("une autre application tient le lecteur « {reader} » en exclusivité")
#: Every reader of a slot was found unusable: the first one's reason (each was said when set aside).
NO_USABLE_READER = _t("aucun lecteur {slot} utilisable : {reason}")

#: How long a failed insertion looks for the reader its port feeds (:func:`_reader_of_port`): a few polls.
CROSS_CHECK = 3.0
#: The card put on a reader's port showed in another reader: the reader and the port given are crossed.
CROSSED_PORT = _t(
    "délai dépassé ({seconds} s) en attendant l'insertion de la carte dans le lecteur « {reader} » : la carte du"
    " port vpcd {port} est apparue dans le lecteur « {other} » ; ce port n'est pas celui du lecteur « {reader} »"
    " (lecteurs et ports croisés dans TESTBENCH_CARD_READERS ?)"
)

#: Physical readers: the operator is asked for the case's card in an empty reader, to swap the previous case's
#: card, a card the guard refused, or a card whose ATR tells another family than the case's.
INSERT_CARD = _t("Insérez la {card} dans le lecteur « {reader} » ({slot}).")
SWAP_CARD = _t("Retirez la carte du lecteur « {reader} » ({slot}) et insérez la {card}.")
SWAP_REFUSED = _t("Carte refusée dans le lecteur « {reader} » ({slot}) : retirez-la et insérez la {card}.")
OTHER_FAMILY = _t(
    "La carte du lecteur « {reader} » ({slot}) est une carte {found}, le cas attend une carte {expected} :"
    " retirez-la et insérez la {card}."
)
#: A ``<remove-card>`` on a physical reader: the bench cannot pull the card, a person does.
REMOVE_CARD = _t("Retirez la carte du lecteur « {reader} » ({slot}).")


def _fits(atr: bytes, p: CardProfile) -> bool:
    """False when ``atr`` tells a card family other than ``p``'s; an ATR of no known family is left to the guard."""
    family = L.atr_family(atr)
    return family is None or family == p.kind


def _other_family(atr: bytes, p: CardProfile, fields: dict[str, str]) -> str:
    """What the operator is told of a card of another family than ``p``'s (``fields``: reader, slot, card)."""
    found = FAMILY_FR.get(L.atr_family(atr) or "", "")
    return OTHER_FAMILY.format(found=found, expected=FAMILY_FR[p.kind], **fields)


def _reader_of_port(port: int, timeout: float) -> str | None:
    """The reader pcscd shows a card put on vpcd ``port`` in, or None. The card has an ATR of its own, so no
    other bench's card can pass for it (many share a profile's ATR); it is connected again after each few polls
    it is not seen in (vpcd never serves a connection taken while it still holds the previous one, §4)."""
    atr = b"\x3b\x0a" + b"TB" + os.urandom(8)  # T=0 only, ten historical bytes: a card no one else presents
    deadline = time.monotonic() + timeout
    with contextlib.suppress(CardUnavailable), Context() as ctx:
        names = ctx.readers()
        while names and time.monotonic() < deadline:
            beacon = VirtualICC(IsoCard(atr, DF(0x3F00)), port)
            try:
                beacon.insert(0.5)
            except OSError:
                return None
            shown: list[str] = []
            try:
                until, known = min(deadline, time.monotonic() + 3 * POLL_PERIOD), None
                while not shown and time.monotonic() < until:
                    wait_ms = 0 if known is None else max(1, int((until - time.monotonic()) * 1000))
                    states = ctx.status(names, wait_ms, known)
                    shown = [name for name, (state, got) in states.items() if card_present(state) and got == atr]
                    known = {name: state for name, (state, _) in states.items()} or known
            finally:
                beacon.remove()
            if shown:  # the reader left empty, as found, before anyone else looks at it
                with contextlib.suppress(CardUnavailable):
                    wait_for(shown[0], False, 3 * POLL_PERIOD, ctx)
                return shown[0]
    return None


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
        self.aside: str | None = None  # why the bay set this reader aside (French, said once); None: usable
        self.refused = False  # physical reader: the guard refused its card (asked to change it, refused())
        self.why = ""  # … and why (the guard's words, French), said before asking for another card

    def busy(self) -> bool:
        return self.job is not None and self.job.is_alive()


class PcscBay:
    """A :class:`CardBay` over pyscard; see the module docstring.

    ``readers`` maps a slot to a reader or to a pool of readers (the first is where the slot starts);
    by default :func:`default_pools`. Spares that pcscd does not list are dropped. ``reserve`` gives a slot
    readers it uses only once its own are set aside (a parallel worker: the readers no worker was given).
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
        reserve: Mapping[str, Sequence[ReaderSpec]] | None = None,
    ) -> None:
        pools = {s: [v] if isinstance(v, ReaderSpec) else list(v) for s, v in (readers or default_pools()).items()}
        pools = self._usable(pools, emulate)
        spare = self._listed({s: list(v) for s, v in (reserve or {}).items() if s in pools}) if emulate else {}
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
        # slot → readers out of its pool: those to turn to when its own are set aside, then those set aside
        taken = {r.spec for pool in self._pools.values() for r in pool}
        self._reserve = {
            s: [
                _Reader(spec, s, Link(PyscardTransport(spec.name, mode), s, self._sinks))
                for spec in spare.get(s, ())
                if spec not in taken
            ]
            for s in self._pools
        }
        self._failed: set[str] = set()  # slots that found no usable reader: no more waiting for one
        self._checked: set[str] = set()  # slots ready() has just checked: present() need not check them again
        if emulate and emulator == "process":
            self._start_emulators()
        # watchdog for mute cards: one thread, polling a single in-flight deadline
        self._inflight: tuple[str, float] | None = None
        self._timed_out: set[str] = set()
        self._elsewhere: set[str] = set()  # of those, slots whose card another program was using (_used_elsewhere)
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

    @staticmethod
    def _listed(reserve: dict[str, list[ReaderSpec]]) -> dict[str, list[ReaderSpec]]:
        """The reserve readers that are emulated (a port) and that pcscd lists."""
        if not any(reserve.values()):
            return {}
        try:
            present = set(list_readers())
        except CardUnavailable:
            return {}
        return {s: [r for r in specs if r.port and r.name in present] for s, specs in reserve.items()}

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
        return [r for slot, pool in self._pools.items() for r in (*pool, *self._reserve[slot])]

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
            if inflight is not None and time.monotonic() > self._deadline(*inflight):
                slot = inflight[0]
                self._inflight = None
                self._timed_out.add(slot)
                if self._used_elsewhere(self._active[slot]):
                    self._elsewhere.add(slot)
                card = self._active[slot].card
                if card is not None:
                    card.stop()  # unblocks the transmit: vpcd sees the card go away

    @staticmethod
    def _used_elsewhere(r: _Reader) -> bool:
        """The bench, not yet connected, waits on a card another program is connected to: pcscd holds a connect
        back while that program keeps the card in a transaction, so the card is not mute (a fresh context: the
        transport's is busy with that connect)."""
        if getattr(r.link.transport, "_conn", True) is not None:
            return False
        return PcscBay._in_use(r)

    @staticmethod
    def _in_use(r: _Reader) -> bool:
        """pcscd shows ``r``'s card as connected to (SCARD_STATE_INUSE), read on a fresh context."""
        try:
            with Context() as ctx:
                state = ctx.status([r.spec.name]).get(r.spec.name, (0, b""))[0]
        except CardUnavailable:
            return False
        return bool(state & SCARD_STATE_INUSE)

    def _deadline(self, slot: str, deadline: float) -> float:
        """When the card of ``slot`` counts as mute: a wait for another program's PC/SC transaction is no
        silence of the card's (the time limit starts again after it)."""
        transport = self._active[slot].link.transport
        if getattr(transport, "waiting", False):
            return float("inf")
        return max(deadline, getattr(transport, "waited", 0.0) + self.transmit_timeout)

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
        if slot in self._checked:
            self._checked.discard(slot)
        elif r.aside is None and r.profile is not None and self._emulates(r):
            # the card left there by the previous case: another program may have taken it since (30 µs)
            try:
                self._probe(r, 0.0)
            except ReaderBusy as exc:
                self._set_aside(r, str(exc))
                r = self._reader(slot)
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
            self._timed_out.discard(slot)  # a mute card's time-out said for its case only, not for the next one's
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
            if isinstance(spare.error, ReaderBusy):
                self._set_aside(spare, str(spare.error))
            if r.job is not None:
                r.job.join()
        # the normal path: pull the card of the active reader (wait for EMPTY), insert the new one there, or in
        # the slot's next usable reader when that one cannot be used
        self._eject(r)
        self._insert_usable(slot, p)
        self._timed_out.discard(slot)
        self._dirty.discard(slot)

    # ---- readers set aside: another bench or program holds them (docs/cards.md §4.1)
    def _candidates(self, slot: str, tried: Sequence[_Reader] = ()) -> list[_Reader]:
        """The slot's readers in the order to try them: the active one, the pool's others, the reserve's, and
        last those set aside (tried again when no other one works: a reader that frees is used again)."""
        active = self._active[slot]
        readers = [active, *(x for x in self._pools[slot] if x is not active), *self._reserve[slot]]
        fresh = [x for x in readers if x.aside is None]
        aside = [x for x in readers if x.aside is not None]
        return [x for x in dict.fromkeys([*fresh, *aside]) if x not in tried]

    def _set_aside(self, r: _Reader, reason: str) -> None:
        """``r`` cannot be used: out of its slot's pool, its card of ours pulled (a program holding it exclusively
        loses it), and when it was active the slot moves to its next reader, if it has one. Said once, through
        ``prompt`` at once and to the lifecycle sink (an event and a line of the case under way)."""
        slot, first = r.slot, r.aside is None
        r.aside = reason
        r.want = None
        if r.job is not None:
            r.job.join(self.insert_timeout + 5.0)
        with contextlib.suppress(CardUnavailable):
            self._eject(r)
        pool, reserve = self._pools[slot], self._reserve[slot]
        if r in pool and len(pool) > 1:
            pool.remove(r)
            reserve.append(r)
        if self._active[slot] is r:
            fresh = [x for x in (*pool, *reserve) if x.aside is None]
            if fresh:
                self._use(fresh[0])
        if not first:
            return
        message = SET_ASIDE.format(slot=slot, reader=r.spec.name, reason=reason)
        if self.prompt is not None:
            self.prompt(message)
        details = {"slot": slot, "reader": r.spec.name, "reason": reason, "message": message}
        self._notice(EventKind.READER_SET_ASIDE, details)

    def _use(self, r: _Reader) -> None:
        """Make ``r`` its slot's active reader, in its pool (from the reserve, or back from being set aside)."""
        slot = r.slot
        pool, reserve = self._pools[slot], self._reserve[slot]
        if r.job is not None:
            r.job.join(self.insert_timeout + 5.0)  # a card prepared there: settled before the slot reads r
        r.aside = None
        if r in reserve:
            reserve.remove(r)
            pool.append(r)
        old = self._active[slot]
        if old is not r and old.aside is not None and old in pool:
            pool.remove(old)  # kept active only while nothing could replace it
            reserve.append(old)
        self._active[slot] = r

    def _probe(self, r: _Reader, wait: float) -> None:
        """Raise :class:`ReaderBusy` when the bench cannot use ``r`` now: its vpcd port held by another bench
        (waiting up to ``wait`` s for it, said through ``prompt``), its card held exclusively by another program,
        a card that is not the bench's in it, or pcscd not answering for it. Cheap once the port is ours: one
        SCardGetStatusChange on the reader's kept PC/SC context (about 30 µs)."""
        if self._emulates(r) and r.lock is None:
            lock = PortLock(r.spec.port)
            try:
                lock.acquire(wait, self._busy_notice(r, wait) if wait > 0 else None)
            except CardUnavailable as exc:
                raise ReaderBusy(str(exc)) from None
            r.lock = lock
        transport = r.link.transport
        try:
            try:
                state = transport.reader_state()[0]
            except CardUnavailable:
                transport.dispose()  # a context made before pcscd restarted: once more on a fresh one
                state = transport.reader_state()[0]
        except CardUnavailable as exc:
            raise ReaderBusy(str(exc)) from None
        if state & SCARD_STATE_EXCLUSIVE:
            raise ReaderBusy(HELD_EXCLUSIVELY.format(reader=r.spec.name))
        if self._emulates(r) and r.profile is None and card_present(state) and not self._empties(r):
            raise ReaderBusy(
                f"le lecteur {r.spec.name} contient déjà une carte qui n'est pas celle du banc "
                f"(un autre émulateur ou une autre session utilise le port {r.spec.port} ?)"
            )

    @staticmethod
    def _empties(r: _Reader) -> bool:
        """The card pcscd shows in ``r``, whose port is the bench's now, leaves within a few polls: the previous
        holder's card, pcscd showing it until its next poll (0.4 to 0.8 s) after that holder let the port go."""
        try:
            wait_for(r.spec.name, False, 3 * POLL_PERIOD)
        except CardUnavailable:
            return False
        return True

    def _usable_reader(self, slot: str, wait: bool, use: Callable[[_Reader, float], None]) -> None:
        """Run ``use(reader, lock wait)`` on the slot's readers in turn (:meth:`_candidates`) until one does not
        raise :class:`ReaderBusy`; each one that does is set aside, and the one that works becomes active.

        Only the last reader left waits for a port another bench holds (``lock_timeout``, when ``wait``), and
        only until the slot has once found none: after that every case would pay the whole wait again.
        Raises :class:`ReaderBusy` (its first reader's reason) when no reader of the slot works.
        """
        tried: list[_Reader] = []
        reasons: list[str] = []
        while candidates := self._candidates(slot, tried):
            r = candidates[0]
            tried.append(r)
            last = len(candidates) == 1
            try:
                use(r, self.lock_timeout if wait and last and slot not in self._failed else 0.0)
            except ReaderBusy as exc:
                reasons.append(str(exc))
                self._set_aside(r, str(exc))
                continue
            self._use(r)
            self._failed.discard(slot)
            return
        self._failed.add(slot)
        if len(tried) == 1:
            raise ReaderBusy(reasons[0])
        raise ReaderBusy(NO_USABLE_READER.format(slot=slot, reason=reasons[0]))

    def _insert_usable(self, slot: str, p: CardProfile) -> None:
        """The normal path's insertion: in the active reader, else in the slot's next usable one."""
        active = self._active[slot]

        def insert(r: _Reader, wait: float) -> None:
            if r.job is not None:
                r.job.join(self.insert_timeout + 5.0)
            if r is not active:
                self._eject(r)  # a card prepared there for nothing
            self._insert(r, p, wait)

        self._usable_reader(slot, True, insert)

    def ready(self, slots: Iterable[str], wait: bool = True) -> None:
        """Before a parallel worker takes a case (``run --workers``): each of ``slots`` has a reader the bench can
        use now (:meth:`_probe`), else the next one of the slot is made active (the card goes there at
        ``present()``). Raises :class:`ReaderBusy` when a slot has none, so that the worker leaves the case to a
        bench whose readers work; ``wait``: the last bench may wait for a port another bench holds, once."""
        for slot in dict.fromkeys(slots):
            if slot in self._active:
                self._usable_reader(slot, wait, self._probe)
                self._checked.add(slot)

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
            with self._watched(slot):
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

    def _wait_state(self, r: _Reader, present: bool, timeout: float, waited: float | None = None) -> bytes:
        """``wait_for`` on ``r``, noting when pcscd polled it if the state changed meanwhile."""
        start = time.monotonic()
        atr = wait_for(r.spec.name, present, timeout, waited=waited)
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
        self._probe(r, lock_timeout)  # ReaderBusy: the caller turns to another reader
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
                budget = max(0.1, min(1.0, deadline - time.monotonic()))
                atr = self._wait_state(r, True, budget, waited=self.insert_timeout)
                break
            except CardUnavailable:
                card.stop()
                r.card = None
                if time.monotonic() >= deadline:
                    fed = _reader_of_port(spec.port, CROSS_CHECK)  # where the port's card goes, if not here
                    if fed is not None and fed != spec.name:
                        waited = seconds(self.insert_timeout, "fr")
                        raise CardUnavailable(
                            CROSSED_PORT.format(seconds=waited, reader=spec.name, port=spec.port, other=fed)
                        ) from None
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

    def _prompt_insert(self, slot: str, r: _Reader, p: CardProfile) -> None:
        """Physical reader: ask the operator for ``p``'s card and wait until it is in the reader.

        A card already there is kept (the guard checks it), unless its ATR tells another family than ``p``'s, the
        guard refused it and pcscd has counted no removal nor insertion since (:meth:`refused`), or this bay asked
        for another card in the previous case and pcscd has counted no change since: the operator then swaps it.
        A card of another family inserted is said at once and waited for again (its ATR tells it, no read).
        """
        name = r.spec.name
        events, present, atr = self._status(name)
        if present and (self.prompt is None or self._keeps(r, p, events, atr)):
            r.events, r.refused, r.why = events, False, ""
            return
        fields = {"reader": name, "slot": slot, "card": p.describe_fr()}
        unchanged = r.events == events
        why = ""
        if not present:
            message = INSERT_CARD.format(**fields)
        elif r.refused and unchanged:
            message, why = SWAP_REFUSED.format(**fields), r.why
        elif r.profile is not None and r.profile != p and unchanged:  # the previous case's card
            message = SWAP_CARD.format(**fields)
        else:
            message = _other_family(atr, p, fields)
        if self.prompt is None:
            raise CardUnavailable(f"aucune carte dans le lecteur {name} : {_unnamed(message, p)}")
        if why:
            self.prompt(why)
        self.prompt(message)
        # half-second waits even without a stop event: a ^C (KeyboardInterrupt) is seen at once, not after minutes
        stop = self.operator_stop or threading.Event()
        try:
            while True:
                if present:
                    wait_for(name, False, self.operator_timeout, stop=stop)
                atr = wait_for(name, True, self.operator_timeout, stop=stop)
                if _fits(atr, p):
                    break
                message, present = _other_family(atr, p, fields), True
                self.prompt(message)
        except CardUnavailable as exc:
            said = _unnamed(message, p)
            if stop.is_set():
                stopped = f"arrêt demandé avant l'insertion de la carte au lecteur {name} : {said}"
                raise CardWaitStopped(stopped) from exc
            raise CardNotInserted(
                f"pas de réponse de l'opérateur en {self.operator_timeout:g} s au lecteur {name} : {said}"
            ) from exc
        r.events, r.refused, r.why = self._status(name)[0], False, ""

    @staticmethod
    def _keeps(r: _Reader, p: CardProfile, events: int, atr: bytes) -> bool:
        """The card in physical reader ``r`` (pcscd's ``events`` counter, its ``atr``) stays for ``p``'s case."""
        if not _fits(atr, p):
            return False
        changed = r.events != events  # removed or inserted by hand since the bay last saw the reader
        if r.refused:
            return changed
        return r.profile is None or r.profile == p or changed

    def refused(self, slot: str, why: str = "") -> bool:
        """The guard refused the card in ``slot`` (``why``: its words, said first): a physical reader asks for
        another card at its next ``present()`` unless the operator changes it first (an emulated card is put in
        afresh anyway). True when it will ask a person (with a ``prompt``), so that the caller presents the case's
        cards again instead of ending the case."""
        r = self._active.get(slot)
        if r is None or self._emulates(r):
            return False
        try:
            r.events = self._status(r.spec.name)[0]
        except CardUnavailable:
            return False
        r.refused, r.why = True, why
        return self.prompt is not None

    def stop_on(self, event: threading.Event | None) -> None:
        """A run's stop (``event``) also ends a wait for the operator to insert a card in a physical reader:
        that wait lasts minutes, and a stop (or quitting the workstation) must not wait for it."""
        self.operator_stop = event

    @staticmethod
    def _status(reader: str) -> tuple[int, bool, bytes]:
        """pcscd's event counter for ``reader`` (insertions and removals), whether a card is in it, and its ATR."""
        with Context() as ctx:
            state, atr = ctx.status([reader]).get(reader, (0, b""))
        return state >> 16, card_present(state), atr

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
            self._prompt_remove(r)

    def _prompt_remove(self, r: _Reader) -> None:
        """Physical reader: ask the operator to pull the card and wait until the reader is empty, so that a
        removal is recorded only once it happened (the bench cannot pull a card it does not emulate)."""
        name = r.spec.name
        r.link.transport.close()
        if self._status(name)[1]:
            message = REMOVE_CARD.format(reader=name, slot=r.slot)
            if self.prompt is None:
                raise CardUnavailable(f"carte toujours dans le lecteur {name} : {message}")
            self.prompt(message)
            stop = self.operator_stop or threading.Event()  # half-second waits: a ^C is seen at once
            try:
                wait_for(name, False, self.operator_timeout, stop=stop)
            except CardUnavailable as exc:
                if stop.is_set():
                    raise CardWaitStopped(f"arrêt demandé avant le retrait de la carte du lecteur {name}") from exc
                raise CardUnavailable(
                    f"pas de réponse de l'opérateur en {self.operator_timeout:g} s au lecteur {name} : {message}"
                ) from exc
        r.profile = r.token = None
        r.events, r.refused, r.why = self._status(name)[0], False, ""

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

    @contextlib.contextmanager
    def _watched(self, slot: str) -> Iterator[None]:
        """The watchdog's deadline over one call that waits on ``slot``'s card (see the module docstring). Where the
        bay has no card of its own to pull (a reader it does not emulate), the transport's limit ends the call,
        made on the transport's thread; over its own emulated card the call stays on this thread (a hand-over
        costs a quarter to a half of a virtual card's answer, docs/cards.md §4) and the pull ends it."""
        r = self._active[slot]
        transport = r.link.transport
        if isinstance(transport, PyscardTransport):
            pulled = self._emulates(r) and r.card is not None
            transport.answer_timeout = None if pulled else self.transmit_timeout
        self._inflight = (slot, time.monotonic() + self.transmit_timeout)
        try:
            yield
        finally:
            self._inflight = None

    def _mute(self, slot: str, r: _Reader, exc: CardUnavailable, connecting: bool) -> CardUnavailable | None:
        """The one sentence for a call on ``slot``'s card that outlived ``transmit_timeout``, whichever ended it
        (the watchdog's pull, or the transport's limit: :class:`CardMute`); None when neither did."""
        if isinstance(exc, CardMute):
            self._timed_out.add(slot)
            if exc.connecting and not exc.again and self._in_use(r):  # held back by another program's transaction
                self._elsewhere.add(slot)
        if slot in self._elsewhere:
            self._elsewhere.discard(slot)
            return CardUnavailable(HELD_BY_ANOTHER.format(reader=r.spec.name))
        if isinstance(exc, CardMute):  # its own words: how long the card has been silent
            return CardUnavailable(str(exc))
        if slot in self._timed_out:
            return CardUnavailable(mute_message(r.spec.name, self.transmit_timeout, connecting))
        return None

    def atr(self, slot: str) -> bytes:
        r = self._reader(slot)
        try:
            with self._watched(slot):
                return r.link.transport.atr()  # the connect, when the slot has no connection yet
        except CardUnavailable as exc:
            said = self._mute(slot, r, exc, connecting=True)
            if said is None:
                raise
            self._dirty.add(slot)
            raise said from exc

    @staticmethod
    def _hold(r: _Reader) -> None:
        """Take ``r``'s card for the bench's exchanges (one PC/SC transaction, kept until :meth:`release` or the
        end of a :meth:`sequence`): another program's commands wait, never coming between a SELECT and its READ
        BINARY or a ``61xx`` and its GET RESPONSE. The watchdog leaves out a wait for another program's
        transaction (``busy_timeout``): the card is not mute."""
        if not r.link.transport.held:
            r.link.transport.hold()

    @contextlib.contextmanager
    def sequence(self, slot: str) -> Iterator[None]:
        """One sequence of the bench's commands to ``slot``'s card (a PIN step) in one PC/SC transaction, ended
        after it while the connection stays: a product that reads the card next (operator mode, an engine's own
        PC/SC connection) is not kept waiting until the end of the case."""
        r = self._reader(slot)
        held = r.link.transport.held
        try:
            yield
        finally:
            if not held:
                r.link.transport.unhold()

    def transmit(self, slot: str, apdu: bytes) -> tuple[bytes, int]:
        r = self._reader(slot)
        try:
            self._hold(r)
            with self._watched(slot):
                return r.link.transmit(apdu)
        except CardUnavailable as exc:
            self._dirty.add(slot)
            said = self._mute(slot, r, exc, connecting=isinstance(exc, CardMute) and exc.connecting)
            if said is None:
                raise
            raise said from exc

    def inject_fault(self, slot: str, fault: Fault | None) -> None:
        r = self._reader(slot)
        card = r.card
        if card is None or r.profile is None:
            raise CardUnavailable(f"pas de carte émulée dans {slot}")
        self._dirty.add(slot)
        card.set_fault(fault)


def _unnamed(prompt: str, p: CardProfile) -> str:
    """A prompt to the operator as a reason is recorded: the card without its holder (the person at the reader
    needs the name to pick the card; the exports, which meet it before any read of the card, do not)."""
    return prompt.replace(p.describe_fr(), p.describe_fr(holder=False))
