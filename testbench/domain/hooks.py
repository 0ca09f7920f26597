"""The optional hooks of engines and card bays, as protocols the runner checks with ``isinstance``.

Every engine implements the engine interface and every bay the card interface; some offer more, and
the runner uses it when it is there:

- an engine that asks a person (operator mode) takes the campaign's operator and is told which step
  it performs (:class:`OperatorDriven`);
- an engine that restarts (out of process) reports its lifecycle and is told where cases begin and
  end, so that a restart is recorded with its case and never hidden inside one (:class:`CaseBounded`);
- an engine that builds the case's cards itself (``--engine-cards profiles``) is told which cards the bench
  presented (:class:`CardsPresented`);
- a bay with named readers says which reader holds a slot, readies the next case's cards while a case
  runs, and holds resources to close (:class:`NamedReaders`, :class:`Preparing`, :class:`Closable`); a bay
  that can tell vouches for a card's presence, so a card pulled during a person's step is noticed
  (:class:`PresenceAware`).

Arguments are typed loosely (``Any``) because their types belong to the layers above.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

from testbench.domain.attestation import Operator

#: Receives an engine process's lifecycle events, ``(kind, details)``: ``engine-restart``,
#: ``engine-stopped``, ``engine-start-failed`` (:class:`~testbench.domain.events.EventKind`);
#: ``details["message"]`` says it in French.
LifecycleSink = Callable[[str, dict[str, Any]], None]
#: Records what the operator attested of an engine step they performed, ``(step id, Attestation)``.
AttestationSink = Callable[[str, Any], None]


@runtime_checkable
class OperatorDriven(Protocol):
    """An engine whose steps a person performs; its observations are recorded with its own source."""

    observation_source: str

    def attach_operator(self, operator: Operator, record: AttestationSink | None = None) -> None: ...

    def begin_step(self, case: Any, step: Any) -> None: ...


@runtime_checkable
class CaseBounded(Protocol):
    """An engine that can restart between cases and must not restart inside one."""

    def attach_lifecycle(self, sink: LifecycleSink) -> None: ...

    def begin_case(self) -> None: ...

    def end_case(self, settle: bool = True) -> str | None:
        """The case ended; what the engine wrote after its last answer (the case's fault), if anything.
        ``settle=False`` when the run is being interrupted: what is there, without asking the engine again."""
        ...


@runtime_checkable
class CardsPresented(Protocol):
    """An engine told, at each case, the profile of the card the bench presented in each slot."""

    def cards_presented(self, profiles: Any) -> None: ...


@runtime_checkable
class NamedReaders(Protocol):
    """A bay whose slots are real (or virtual) readers with names worth recording."""

    def reader_name(self, slot: str) -> str: ...


@runtime_checkable
class Preparing(Protocol):
    """A bay that can ready a card in a free reader before the case that needs it starts."""

    def prepare(self, slot: str, profile: Any) -> None: ...


@runtime_checkable
class PresenceAware(Protocol):
    """A bay that vouches for the card in a slot (a ``cards.api.CardPresence``, None when it cannot tell)."""

    def presence(self, slot: str) -> Any: ...


@runtime_checkable
class Closable(Protocol):
    """A bay (or any part) holding resources until it is closed."""

    def close(self) -> None: ...
