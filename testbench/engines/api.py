"""The engine interface: what the runner asks of a billing core ("moteur de facturation").

Every engine — the embedded reference engine, an external engine behind the JSON-RPC protocol
(``docs/engine-protocol.md``), or the operator performing the step — implements :class:`Engine`.
Requests and results are JSON objects (``dict``) because they cross a process boundary; amounts are
decimal strings ("33.60"), never floats, dates ISO 8601 strings.

Errors are distinct on purpose, because they lead to different verdicts:
- :class:`~testbench.domain.refusal.EngineRefusal` — the engine refused the request with a stable
  code (product behaviour; a case may expect it);
- :class:`EngineCrash`, :class:`EngineTimeout`, :class:`EngineProtocolError` — the engine failed
  (verdict ``failed`` for an external engine, the product; ``error`` for the reference engine, the bench's;
  the campaign goes on with a restarted engine); a malformed result, an engine that stopped in the middle
  of a case or failed to start are such failures;
- :class:`EngineUnavailable` — the engine could not be reached at all (verdict ``inconclusive``), or, from
  an engine that ran, it started wrongly (:func:`not_launched` tells them apart).

Who answers for an engine's fault (the product or the bench) is :mod:`testbench.runner.blame`'s rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from testbench.domain.refusal import EngineError

JsonObject = dict[str, Any]

#: Receives one line of the engine's own trace (channel ``engine``).
TraceSink = Callable[[str], None]


@dataclass(frozen=True)
class EngineInfo:
    """Who the engine is (name, version, agrément) and the calls it supports; recorded with each run."""

    name: str
    version: str
    agrement: str = ""  # agrément or test number, when the engine has one
    socle_version: str = ""  # FSV / socle technique version, e.g. 1.40.14
    capabilities: tuple[str, ...] = field(default_factory=tuple)  # action names it supports

    def as_dict(self) -> JsonObject:
        return {
            "name": self.name,
            "version": self.version,
            "agrement": self.agrement,
            "socle_version": self.socle_version,
            "capabilities": list(self.capabilities),
        }


class EngineCrash(EngineError):
    """The engine process died or raised an internal error."""


class EngineTimeout(EngineError):
    """The engine did not answer within the call's timeout."""


class EngineProtocolError(EngineError):
    """The engine answered something that is not a valid protocol message."""


class EngineStartFault(EngineError):
    """A fault met while the engine started (before it answered ``initialize``): its kind is « démarrage »
    whatever happened (a crash, a hang, a wrong answer), the first time as after two failed starts. Raised as
    one of the classes below, which are also the crash, timeout or protocol error they are."""


class EngineStartCrash(EngineStartFault, EngineCrash):
    """The engine died before it answered ``initialize``."""


class EngineStartTimeout(EngineStartFault, EngineTimeout):
    """The engine did not answer ``initialize`` in time."""


class EngineStartProtocolError(EngineStartFault, EngineProtocolError):
    """The engine answered ``initialize`` with something that is not a valid answer."""


class EngineCardDenied(EngineError):
    """The engine said a card was missing or unusable (``NO_CARD``, error -32001) while the bench, which relays
    its APDUs (``cards.mode = client``), found that card in its reader and answering, and relayed no card error
    to it during the call: the engine's own failure, not the environment's."""


class EngineUnavailable(EngineError):
    """The engine could not be started or reached: it never ran (:class:`EngineNotLaunched`), or it ran and
    could not start (it refused ``initialize``, or failed to start twice in a row)."""


class EngineNotLaunched(EngineUnavailable):
    """The engine never ran: its command could not be launched (not found, not executable, empty), or nobody
    was there to answer (operator mode's abandoned step). An environment problem, never the product's."""


def not_launched(exc: BaseException) -> bool:
    """Whether an engine fault means the engine never ran (:class:`EngineNotLaunched`). Any other fault — a
    crash, a hang, a protocol or schema violation, an error answer to ``initialize`` — comes from an engine that
    ran: its own behaviour. ``testbench.runner.blame`` says who answers for each; ``engine check`` reads an
    engine that ran but started wrongly as NON CONFORME, not MOTEUR INDISPONIBLE."""
    return isinstance(exc, EngineNotLaunched)


@runtime_checkable
class Engine(Protocol):
    """A billing core driven by the bench. Slots are logical reader names ("vitale", "cps").

    Its methods are :data:`testbench.domain.vocabulary.ENGINE_METHODS`; the optional hooks an engine
    may add (operator mode, restarts between cases) are the protocols of :mod:`testbench.domain.hooks`.
    """

    def describe(self) -> EngineInfo: ...

    def read_cps(self, slot: str) -> JsonObject: ...

    def read_vitale(self, slot: str) -> JsonObject: ...

    def adri_query(self, request: JsonObject) -> JsonObject: ...

    def create_invoice(self, request: JsonObject) -> JsonObject: ...

    def secure_invoice(self, request: JsonObject) -> JsonObject: ...

    def build_lot(self, request: JsonObject) -> JsonObject: ...

    def read_returns(self, request: JsonObject) -> JsonObject: ...

    def apcv_context(self, request: JsonObject) -> JsonObject: ...

    def insi_query(self, request: JsonObject) -> JsonObject: ...

    def eprescription_fetch(self, request: JsonObject) -> JsonObject: ...

    def close(self) -> None: ...
