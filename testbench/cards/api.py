"""The card layer's interface: readers, slots and the cards in them.

Two users: the runner (make the case's cards present, check them, release them) and engines
(exchange APDUs with the card in a slot). Slots are logical names ("vitale", "cps") that the card
layer maps to PC/SC readers; the same code path serves the in-process fake, virtual cards through
the real pcscd, and physical readers.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from pathlib import Path
from typing import NamedTuple, Protocol, runtime_checkable


class CardError(Exception):
    """Base of card-layer failures. These are environment problems: verdict ``inconclusive``."""


class CardUnavailable(CardError):
    """No reader, no card, or the card was removed or went mute."""


class CardWaitStopped(CardUnavailable):
    """A stop (the workstation's ctrl+t or quitting) ended the wait for a person to insert a card: the case was
    cut before it began, so it gets no final verdict and a resume runs it again."""


class CardNotInserted(CardUnavailable):
    """Nobody put the card a physical reader asked for in it within the operator's time limit. At a case's start
    the case never began: like a stop, no final verdict, and a resume runs it again (the person was away)."""


class CardAbsent(CardUnavailable):
    """The reader holds no card (never inserted, or pulled out): what a product answers ``NO_CARD`` to.

    A card that goes mute or a stack that fails stays :class:`CardUnavailable`: the bench's trouble.
    """


class ReaderBusy(CardUnavailable):
    """The reader cannot be used now, whatever the card: another bench holds its vpcd port, another program
    holds it exclusively, a card that is not the bench's sits in it, or pcscd no longer has it. A bay sets such
    a reader aside and turns to another one (docs/cards.md §4.1)."""


class CardMismatch(CardError):
    """The card in the reader is not the one the case expects (the case must not start)."""


def card_error(kind: str, message: str) -> CardError:
    """The card error named ``kind`` (its class name, as the engine protocol carries it) with ``message``."""
    kinds: dict[str, type[CardError]] = {k.__name__: k for k in (CardUnavailable, CardAbsent, CardMismatch)}
    return kinds.get(kind, CardError)(message)


class ApduExchange(NamedTuple):
    """One command/response pair, as traced on channel ``apdu``. PIN bytes never appear here.

    Immutable; a named tuple because one is made for every APDU (half the cost of a frozen dataclass).
    """

    reader: str
    slot: str
    command: bytes
    response: bytes  # data without the status word
    sw: int
    duration_us: int


class CardPresence(NamedTuple):
    """What a bay vouches for about the card in a slot, so that the guard need not read it again.

    ``token`` stays equal while the same card stays in its reader untouched: not removed, reinserted,
    changed (even inside its reader) or faulted; a bay that cannot tell returns no presence at all.
    Tokens of two bays never compare equal. ``why`` says how the bay knows, in French as recorded.
    """

    token: Hashable
    why: str


#: Receives every APDU exchange (channel ``apdu``).
ApduSink = Callable[[ApduExchange], None]


@runtime_checkable
class CardChannel(Protocol):
    """What an engine needs: send an APDU to the card in a slot."""

    def atr(self, slot: str) -> bytes: ...

    def transmit(self, slot: str, apdu: bytes) -> tuple[bytes, int]:
        """Return (response data, status word). Raise CardUnavailable when there is no card."""
        ...


@runtime_checkable
class CardBay(CardChannel, Protocol):
    """What the runner needs: make a case's cards present, then let go of them."""

    def slots(self) -> list[str]: ...

    def present(self, slot: str, profile: Path) -> None:
        """Make the card described by ``profile`` available in ``slot`` (insert it, or prompt for it)."""
        ...

    def remove(self, slot: str) -> None: ...

    def release(self) -> None:
        """Disconnect from every card so that the application under test can take them."""
        ...

    def describe(self) -> str:
        """One line for reports: the kind of bay and its readers."""
        ...
