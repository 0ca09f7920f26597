"""The engine interface: what the runner asks of a billing core ("moteur de facturation").

Every engine — the embedded reference engine, an external engine behind the JSON-RPC protocol
(``docs/engine-protocol.md``), or the operator performing the step — implements :class:`Engine`.
Requests and results are JSON objects (``dict``) because they cross a process boundary; amounts are
decimal strings ("33.60"), never floats, dates ISO 8601 strings.

Errors are distinct on purpose, because they lead to different verdicts:
- :class:`EngineRefusal` — the engine refused the request with a stable code (product behaviour;
  a case may expect it);
- :class:`EngineCrash`, :class:`EngineTimeout`, :class:`EngineProtocolError` — the engine failed
  (verdict ``error``, the campaign goes on with a restarted engine); a malformed result, an engine
  that stopped in the middle of a case or failed to start are such failures;
- :class:`EngineUnavailable` — the engine could not be reached at all (verdict ``inconclusive``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

JsonObject = dict[str, Any]

#: Receives one line of the engine's own trace (channel ``engine``).
TraceSink = Callable[[str], None]

#: Receives an engine process's lifecycle events, ``(kind, details)``: ``engine-restart``,
#: ``engine-stopped``, ``engine-start-failed``; ``details["message"]`` says it in French. An engine that
#: can restart offers ``attach_lifecycle(sink)``, ``begin_case()`` and ``end_case()``; the runner uses
#: them when present, so that a restart is recorded with its case and never hidden inside one.
LifecycleSink = Callable[[str, JsonObject], None]


@dataclass(frozen=True)
class EngineInfo:
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


class EngineError(Exception):
    """Base of every engine failure."""


class EngineRefusal(EngineError):
    """The engine refused the request: a business answer with a stable code, not a fault."""

    def __init__(self, code: str, message: str = "", details: JsonObject | None = None) -> None:
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.message = message
        self.details = details or {}


class EngineCrash(EngineError):
    """The engine process died or raised an internal error."""


class EngineTimeout(EngineError):
    """The engine did not answer within the call's timeout."""


class EngineProtocolError(EngineError):
    """The engine answered something that is not a valid protocol message."""


class EngineUnavailable(EngineError):
    """The engine could not be started or reached (environment problem)."""


@runtime_checkable
class Engine(Protocol):
    """A billing core driven by the bench. Slots are logical reader names ("vitale", "cps")."""

    def describe(self) -> EngineInfo: ...

    def read_cps(self, slot: str) -> JsonObject: ...

    def read_vitale(self, slot: str) -> JsonObject: ...

    def adri_query(self, request: JsonObject) -> JsonObject: ...

    def create_invoice(self, request: JsonObject) -> JsonObject: ...

    def secure_invoice(self, request: JsonObject) -> JsonObject: ...

    def build_lot(self, request: JsonObject) -> JsonObject: ...

    def read_returns(self, request: JsonObject) -> JsonObject: ...

    def close(self) -> None: ...
