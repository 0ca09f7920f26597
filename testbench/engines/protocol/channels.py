"""Card channels for a served engine: ask the client (APDU proxy), PC/SC by reader name, or profiles.

- ``client``: every APDU goes back to the bench over the same stdio pipe (``card.transmit``); the
  bench answers from its own card bay, so the virtual in-memory bay and real pcscd both work and the
  engine never needs to know which;
- ``pcsc``: the served process opens PC/SC readers itself, by name (pyscard), as a real vendor
  engine would; the bench must release the cards first;
- ``profiles``: an in-process virtual bay in the served process, from card profile paths.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from testbench.cards.api import CardAbsent, CardChannel, CardError, CardUnavailable, card_error
from testbench.engines.protocol.jsonrpc import shown_json

#: Sends a request to the client and returns its result; raises CardError on a card error answer.
Ask = Callable[[str, dict[str, Any]], Any]


class ClientChannel:
    """CardChannel whose cards live in the client (the bench)."""

    def __init__(self, ask: Ask) -> None:
        self.ask = ask

    def atr(self, slot: str) -> bytes:
        answer = self.ask("card.atr", {"slot": slot})
        return bytes.fromhex(str(answer.get("atr", "")))

    def transmit(self, slot: str, apdu: bytes) -> tuple[bytes, int]:
        answer = self.ask("card.transmit", {"slot": slot, "apdu": apdu.hex().upper()})
        try:
            return bytes.fromhex(str(answer["data"])), int(answer["sw"])
        except (KeyError, TypeError, ValueError) as exc:
            raise CardError(f"réponse carte invalide du client : {shown_json(answer)}") from exc


class PcscChannel:
    """CardChannel over pyscard, slots mapped to reader names (or name prefixes)."""

    def __init__(self, readers: dict[str, str]) -> None:
        self.readers = dict(readers)
        self._connections: dict[str, Any] = {}

    def _connection(self, slot: str) -> Any:
        conn = self._connections.get(slot)
        if conn is not None:
            return conn
        try:
            from smartcard.System import readers as list_readers
        except ImportError as exc:  # pragma: no cover - pyscard is a dependency
            raise CardUnavailable(f"pyscard indisponible: {exc}") from exc
        wanted = self.readers.get(slot)
        if wanted is None:
            raise CardUnavailable(f"aucun lecteur configuré pour l'emplacement {slot}")
        try:
            found = [r for r in list_readers() if str(r) == wanted or str(r).startswith(wanted)]
        except Exception as exc:
            raise CardUnavailable(f"PC/SC indisponible : {exc}") from exc
        if not found:
            raise CardUnavailable(f"lecteur introuvable : {wanted}")
        conn = found[0].createConnection()
        try:
            conn.connect()
        except Exception as exc:
            from smartcard.Exceptions import NoCardException

            kind = CardAbsent if isinstance(exc, NoCardException) else CardUnavailable  # NO_CARD for an empty reader
            raise kind(f"pas de carte dans {wanted} : {exc}") from exc
        self._connections[slot] = conn
        return conn

    def atr(self, slot: str) -> bytes:
        """The card's ATR, on a fresh connection: a card read starts here, and the card in the reader may have
        been changed or reset since the last one (PC/SC then fails the old connection: « Card was reset »)."""
        self._forget(slot)
        return bytes(self._connection(slot).getATR())

    def transmit(self, slot: str, apdu: bytes) -> tuple[bytes, int]:
        conn = self._connection(slot)
        try:
            data, sw1, sw2 = conn.transmit(list(apdu))
        except Exception as exc:
            self._forget(slot)
            raise CardUnavailable(f"échange APDU impossible ({slot}): {exc}") from exc
        return bytes(data), (sw1 << 8) | sw2

    def _forget(self, slot: str) -> None:
        conn = self._connections.pop(slot, None)
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.disconnect()

    def close(self) -> None:
        for slot in list(self._connections):
            self._forget(slot)


def profiles_channel(profiles: dict[str, str]) -> CardChannel:
    from testbench.cards.inprocess import InProcessBay

    bay = InProcessBay(slots=list(profiles) or ["vitale", "cps"])
    for slot, path in profiles.items():
        bay.present(slot, path)
    return bay


def card_error_kind(kind: str, message: str) -> CardError:
    return card_error(kind, message)
