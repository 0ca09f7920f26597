"""In-process cards and bay: the same card model answering APDUs without any PC/SC stack.

Used by fast unit tests and by the runner when pcscd is unavailable. Faults can be injected
(:class:`Fault`): the card pulled after N APDUs, a mute card, a forced status word.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .api import ApduSink, CardAbsent, CardPresence, CardUnavailable
from .link import Link
from .model import IsoCard
from .profile import CardProfile, load_profile
from .virtual import build_card

DEFAULT_SLOTS = ("vitale", "cps")
#: A reader's name, recorded in the session and shown in both languages: the mode's own word (``--cards
#: inprocess``) and the slot, no French or English (sessions recorded before keep « Lecteur virtuel cps »)
READER_NAME = "inprocess-{slot}"

#: Why a card this bay kept in its reader is still the one the guard read (recorded with a reused check).
KEPT_IN_MEMORY = (
    "carte en mémoire gardée par le banc dans son lecteur : ni retirée, ni changée, ni mise en défaut depuis"
)


@dataclass
class Fault:
    """A fault to inject on a slot.

    kind: ``pull`` (card removed once ``after`` APDUs have been answered), ``mute`` (the card stops
    answering after ``after`` APDUs), ``mute-power`` (the card answers nothing from its next power-up on,
    not even its ATR: through pcscd, the connect that powers it up never returns), ``sw`` (commands with
    instruction ``ins``, or all when None, get status word ``sw`` instead of their answer).
    """

    kind: str
    after: int = 0
    sw: int = 0x6F00
    ins: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in ("pull", "mute", "mute-power", "sw"):
            raise ValueError(f"fault kind inconnu : {self.kind}")


class CardTransport:
    """A virtual card seen as a transport: powers the card on at first use, applies faults."""

    def __init__(self, reader: str, card: IsoCard | None = None) -> None:
        self.reader = reader
        self.card = card
        self.fault: Fault | None = None
        self.count = 0
        #: a new object each time the bay puts a card from a profile here; None once the card is pulled,
        #: faulted or not the bay's own (``InProcessBay.presence``)
        self.token: object | None = None

    def atr(self) -> bytes:
        if self.card is None:
            raise CardAbsent(f"aucune carte dans le lecteur « {self.reader} »")
        if self.fault is not None and self.fault.kind == "mute-power":
            raise CardUnavailable(f"la carte du lecteur « {self.reader} » ne répond pas (mal insérée ou muette)")
        return self.card.atr

    def transmit_raw(self, apdu: bytes) -> bytes:
        card = self.card
        if card is None:
            raise CardAbsent(f"aucune carte dans le lecteur « {self.reader} »")
        f = self.fault
        if f is not None and self.count >= f.after:
            if f.kind == "pull":
                self.card = self.token = None
                raise CardUnavailable(f"la carte a été retirée du lecteur « {self.reader} » pendant le cas")
            if f.kind in ("mute", "mute-power"):
                raise CardUnavailable(f"la carte du lecteur « {self.reader} » ne répond plus (muette)")
            if f.ins is None or (len(apdu) > 1 and apdu[1] == f.ins):
                self.count += 1
                return f.sw.to_bytes(2, "big")
        if not card.powered:
            card.power_on()
        self.count += 1
        return card.process(apdu)

    def close(self) -> None:
        if self.card is not None:
            self.card.power_off()


class InProcessBay:
    """A :class:`CardBay` whose readers and cards live in this process."""

    def __init__(
        self, slots: Iterable[str] = DEFAULT_SLOTS, sinks: Iterable[ApduSink] = (), *, apdu_sink: ApduSink | None = None
    ) -> None:
        self._sinks = list(sinks) + ([apdu_sink] if apdu_sink is not None else [])
        self._links = {s: Link(CardTransport(READER_NAME.format(slot=s)), s, self._sinks) for s in slots}
        self.profiles: dict[str, CardProfile] = {}
        self.changed_pins: dict[str, str] = {}  # slot → the test PIN a change-pin set (testbench.cards.pin)

    def add_sink(self, sink: ApduSink) -> None:
        self._sinks.append(sink)
        for link in self._links.values():
            link.sinks = self._sinks

    def _link(self, slot: str) -> Link:
        try:
            return self._links[slot]
        except KeyError:
            raise CardUnavailable(f"emplacement de lecteur inconnu : {slot}") from None

    def _transport(self, slot: str) -> CardTransport:
        t = self._link(slot).transport
        assert isinstance(t, CardTransport)
        return t

    # CardBay
    def slots(self) -> list[str]:
        return list(self._links)

    def reader_name(self, slot: str) -> str:
        return self._transport(slot).reader

    def present(self, slot: str, profile: Path | CardProfile) -> None:
        p = profile if isinstance(profile, CardProfile) else load_profile(profile)
        t = self._transport(slot)
        # the same card again (the next case): a fresh card state, the card never left its reader
        kept = t.card is not None and t.token is not None and self.profiles.get(slot) is p
        t.card, t.fault, t.count = build_card(p), None, 0
        if not kept:
            t.token = object()
        self.profiles[slot] = p
        self.changed_pins.pop(slot, None)

    def insert_card(self, slot: str, card: IsoCard) -> None:
        """Insert an arbitrary card model (e.g. a replayed recording)."""
        t = self._transport(slot)
        t.card, t.fault, t.count, t.token = card, None, 0, None
        self.profiles.pop(slot, None)

    def remove(self, slot: str) -> None:
        t = self._transport(slot)
        t.card, t.fault, t.token = None, None, None
        self.profiles.pop(slot, None)
        self.changed_pins.pop(slot, None)

    def release(self) -> None:
        for link in self._links.values():
            link.transport.close()

    def describe(self) -> str:
        return f"cartes virtuelles en mémoire ({', '.join(self._links)})"

    def atr(self, slot: str) -> bytes:
        return self._transport(slot).atr()

    def transmit(self, slot: str, apdu: bytes) -> tuple[bytes, int]:
        link = self._links.get(slot)  # _link() without its call: every APDU comes through here
        return (link or self._link(slot)).transmit(apdu)

    def emulated(self, slot: str) -> bool:
        """Every card of this bay is a model in memory, never a real person's card."""
        return self._transport(slot).card is not None

    def presence(self, slot: str) -> CardPresence | None:
        """The card this bay put in ``slot`` and has kept there since, untouched (None: no such card)."""
        t = self._transport(slot)
        return CardPresence(t.token, KEPT_IN_MEMORY) if t.card is not None and t.token is not None else None

    def inject_fault(self, slot: str, fault: Fault | None) -> None:
        t = self._transport(slot)
        t.fault, t.count, t.token = fault, 0, None  # a faulted card is read again by the next guard
