"""Unit tests of the reader layer with a fake pyscard connection: T=0 handling, masking, errors."""

from __future__ import annotations

from collections import deque

import pytest
from smartcard.CardConnection import CardConnection
from smartcard.Exceptions import CardConnectionException, NoCardException

from testbench.cards import layout as L
from testbench.cards.api import ApduExchange, CardUnavailable
from testbench.cards.link import Link
from testbench.cards.pcsc import HR_UNPOWERED, PyscardTransport
from testbench.cards.read import read_vitale
from testbench.cards.virtual import build_card
from testbench.paths import CARD_PROFILES_DIR


class FakeReader:
    def __init__(self, name: str = "Fake Reader 00 00") -> None:
        self.name = name

    def __str__(self) -> str:
        return self.name


class ScriptedConnection(CardConnection):
    """Answers from a script (list of R-APDUs) or from a card model; records every command."""

    def __init__(self, script: list[bytes] | None = None, card=None, connect_errors: list[Exception] | None = None):
        super().__init__(FakeReader())
        self.script = deque(script or [])
        self.card = card
        self.sent: list[bytes] = []
        self.connect_errors = deque(connect_errors or [])
        self.connected = False

    def connect(self, protocol=None, mode=None, disposition=None):
        if self.connect_errors:
            raise self.connect_errors.popleft()
        if self.card is not None:
            self.card.power_on()
        self.connected = True
        super().connect(protocol, mode, disposition)

    def disconnect(self):
        self.connected = False
        super().disconnect()

    def getATR(self):
        return list(self.card.atr) if self.card else [0x3B, 0x00]

    def getProtocol(self):
        return CardConnection.T0_protocol

    def doTransmit(self, command, protocol=None):
        if not self.connected:
            raise CardConnectionException("card removed", hresult=0x80100069)
        cmd = bytes(command)
        self.sent.append(cmd)
        r = self.card.process(cmd) if self.card is not None else self.script.popleft()
        return list(r[:-2]), r[-2], r[-1]


def _link(conn: ScriptedConnection, sinks=()) -> Link:
    return Link(PyscardTransport("Fake Reader 00 00", connection_factory=lambda: conn), "vitale", sinks)


def test_6cxx_resends_with_exact_le() -> None:
    conn = ScriptedConnection([bytes.fromhex("6C05"), bytes.fromhex("0102030405 9000".replace(" ", ""))])
    data, sw = _link(conn).transmit(bytes.fromhex("00B0820000"))
    assert (data, sw) == (bytes.fromhex("0102030405"), 0x9000)
    assert conn.sent == [bytes.fromhex("00B0820000"), bytes.fromhex("00B0820005")]


def test_61xx_chains_get_response_and_concatenates() -> None:
    conn = ScriptedConnection([bytes.fromhex("6104"), bytes.fromhex("AABB6102"), bytes.fromhex("CCDD9000")])
    data, sw = _link(conn).transmit(bytes.fromhex("00A4040002D25000"))
    assert (data, sw) == (bytes.fromhex("AABBCCDD"), 0x9000)
    assert conn.sent[1:] == [bytes.fromhex("00C0000004"), bytes.fromhex("00C0000002")]


def test_plain_error_status_is_returned_unchanged() -> None:
    conn = ScriptedConnection([bytes.fromhex("6A82")])
    assert _link(conn).transmit(bytes.fromhex("00A4040002D250")) == (b"", 0x6A82)
    assert len(conn.sent) == 1


def test_every_physical_exchange_is_traced_with_pin_masked() -> None:
    seen: list[ApduExchange] = []
    conn = ScriptedConnection([bytes.fromhex("63C2"), bytes.fromhex("6C02"), bytes.fromhex("01029000")])
    link = _link(conn, [seen.append])
    verify = bytes.fromhex("0020008108") + L.pin_block("4719")
    link.transmit(verify)
    link.transmit(bytes.fromhex("00B0000000"))
    assert conn.sent[0] == verify  # the card got the real PIN …
    assert seen[0].command == bytes.fromhex("0020008108") + b"*" * 8  # … the sink never did
    assert [e.sw for e in seen] == [0x63C2, 0x6C02, 0x9000]
    assert all(e.reader == "Fake Reader 00 00" and e.slot == "vitale" and e.duration_us >= 0 for e in seen)


def test_no_card_and_removed_card_become_card_unavailable() -> None:
    conn = ScriptedConnection(connect_errors=[NoCardException("no card", hresult=0x8010000C)])
    with pytest.raises(CardUnavailable, match="aucune carte"):
        _link(conn).transmit(bytes.fromhex("00A40000023F00"))
    conn2 = ScriptedConnection([bytes.fromhex("9000")])
    link = _link(conn2)
    link.transmit(bytes.fromhex("00A40000023F00"))
    conn2.connected = False  # pulled
    with pytest.raises(CardUnavailable, match="retirée"):
        link.transmit(bytes.fromhex("00A40000023F00"))


def test_unpowered_card_is_retried() -> None:
    conn = ScriptedConnection(
        [bytes.fromhex("9000")], connect_errors=[CardConnectionException("unpowered", hresult=HR_UNPOWERED)]
    )
    assert _link(conn).transmit(bytes.fromhex("00A40000023F00")) == (b"", 0x9000)


def test_read_vitale_over_fake_pyscard_connection() -> None:
    card = build_card(CARD_PROFILES_DIR / "vitale2-maternity.xml")
    conn = ScriptedConnection(card=card)
    link = _link(conn)

    class Channel:
        def atr(self, slot: str) -> bytes:
            return link.transport.atr()

        def transmit(self, slot: str, apdu: bytes) -> tuple[bytes, int]:
            return link.transmit(apdu)

    data = read_vitale(Channel(), "vitale")
    assert data.beneficiaries[0].coverage.periods["maternity"] == ("2026-06-01", "2030-03-31")
    assert any(c[1] == 0xB0 and c[4] != 0 for c in conn.sent)  # T=0: resent with the exact Le
    link.transport.close()
    assert not conn.connected


def test_shared_or_exclusive_mode_and_release_disposition_reach_connect() -> None:
    from smartcard import scard

    from testbench.cards.pcsc import EXCLUSIVE, SHARED

    seen: list[tuple[object, object]] = []

    class Recording(ScriptedConnection):
        def connect(self, protocol=None, mode=None, disposition=None):
            seen.append((mode, disposition))
            super().connect(protocol, mode, disposition)

    for mode, reset in ((SHARED, True), (EXCLUSIVE, False)):
        conn = Recording([bytes.fromhex("9000")])
        t = PyscardTransport(
            "Fake Reader 00 00", mode=mode, reset_on_release=reset, connection_factory=lambda c=conn: c
        )
        t.transmit_raw(bytes.fromhex("00A40000023F00"))
        t.close()
        assert not conn.connected
    assert seen == [
        (scard.SCARD_SHARE_SHARED, scard.SCARD_RESET_CARD),
        (scard.SCARD_SHARE_EXCLUSIVE, scard.SCARD_LEAVE_CARD),
    ]


# ---- another application on the same card (cards probe beside a product or a campaign)

W_RESET_CARD = 0x80100068  # pcscd's answer to a handle once another one reset the card


class ResetByAnother(ScriptedConnection):
    """A card another application resets: ``resets`` of the next status reads or transmits answer
    W_RESET_CARD (as pcscd does until this handle connects again); records transactions and dispositions."""

    def __init__(self, script=None, status_resets: int = 0, transmit_resets: int = 0) -> None:
        super().__init__(script)
        self.status_resets = status_resets
        self.transmit_resets = transmit_resets
        self.log: list[str] = []

    def connect(self, protocol=None, mode=None, disposition=None):
        self.log.append("connect")
        self.disposition = disposition  # as pyscard's own connection keeps it for disconnect()
        super().connect(protocol, mode, disposition)

    def getATR(self):
        if self.status_resets:
            self.status_resets -= 1
            raise CardConnectionException("status", hresult=W_RESET_CARD)
        return super().getATR()

    def doTransmit(self, command, protocol=None):
        if self.transmit_resets:
            self.transmit_resets -= 1
            raise CardConnectionException("transmit", hresult=W_RESET_CARD)
        return super().doTransmit(command, protocol)

    def begin_transaction(self) -> int:
        self.log.append("begin")
        return 0

    def end_transaction(self) -> None:
        self.log.append("end")

    def disconnect(self):
        from smartcard import scard

        self.log.append("leave" if self.disposition == scard.SCARD_LEAVE_CARD else "reset")
        super().disconnect()


def test_a_card_reset_by_another_application_right_after_the_connect_is_connected_to_again() -> None:
    """pcscd answers the status read after the connect W_RESET_CARD: a clean card, nothing of ours lost. It
    used to leave the transport as pyscard's CardConnectionException (« erreur interne » for the run)."""
    conn = ResetByAnother([bytes.fromhex("9000")], status_resets=1)
    transport = PyscardTransport("Fake Reader 00 00", connection_factory=lambda: conn)
    assert transport.atr() == bytes([0x3B, 0x00])
    assert conn.log == ["connect", "leave", "connect"]  # the card reset already: not reset once more
    assert transport.transmit_raw(bytes.fromhex("00A40000023F00")) == bytes.fromhex("9000")


def test_a_reset_before_the_first_command_sends_it_again_and_after_fails_the_exchange() -> None:
    conn = ResetByAnother([bytes.fromhex("9000")] * 2, transmit_resets=1)
    transport = PyscardTransport("Fake Reader 00 00", connection_factory=lambda: conn)
    transport.atr()
    assert transport.transmit_raw(bytes.fromhex("00A40000023F00")) == bytes.fromhex("9000")  # nothing was lost
    assert conn.log == ["connect", "leave", "connect"]
    conn.transmit_resets = 1  # now the card has lost the file our commands selected: the step cannot go on
    with pytest.raises(CardUnavailable, match="réinitialisée par une autre application"):
        transport.transmit_raw(bytes.fromhex("00B0000002"))
    assert conn.log[-1] == "leave"  # and the bench does not reset it again under that application


def test_a_transaction_wraps_the_connection_and_the_card_is_left_as_it_is() -> None:
    conn = ResetByAnother([bytes.fromhex("9000")])
    transport = PyscardTransport(
        "Fake Reader 00 00", reset_on_release=False, transaction=True, connection_factory=lambda: conn
    )
    transport.transmit_raw(bytes.fromhex("00A40000023F00"))
    transport.close()
    assert conn.log == ["connect", "begin", "end", "leave"]


def test_another_applications_endless_transaction_is_waited_for_a_bounded_time() -> None:
    import threading
    import time

    released = threading.Event()

    class Busy(ResetByAnother):
        def begin_transaction(self) -> int:  # pcsc-lite retries until the other transaction ends
            released.wait(10)
            return 0x80100003  # the handle was disconnected meanwhile

        def disconnect(self):
            released.set()
            super().disconnect()

    conn = Busy()
    transport = PyscardTransport(
        "Fake Reader 00 00", transaction=True, busy_timeout=0.2, connection_factory=lambda: conn
    )
    start = time.monotonic()
    with pytest.raises(CardUnavailable, match="une autre application utilise la carte du lecteur"):
        transport.atr()
    assert time.monotonic() - start < 2.0
    assert released.is_set() and conn.log[-1] == "leave"  # disconnected: the library's wait ends with it
