"""The transport's one thread for the PC/SC calls that may wait without a limit (testbench.cards.pcsc).

SCardBeginTransaction (another application keeps the card) is waited for on the same thread of the transport's as
a connect or a command to a card the bench cannot pull (``answer_timeout``), not on a thread started per
connection. A fake connection stands in for pyscard here; the real stack is in
tests/test_cards_transaction_beside_another_app.py and tests/test_cards_mute_transmit.py.
"""

from __future__ import annotations

import _thread
import threading
import time
from typing import Any

import pytest

from testbench.cards import pcsc_errors as E
from testbench.cards.api import CardUnavailable
from testbench.cards.pcsc import PyscardTransport

READER = "Fake Reader 00 00"
SELECT_MF = bytes.fromhex("00A4000C023F00")


class Connection:
    """A pyscard-like connection that notes the thread of each call. ``busy``: another application keeps the
    card while it is set; ``deaf``: the library's wait does not end when the handle is disconnected."""

    def __init__(
        self, calls: list[tuple[str, threading.Thread]], busy: threading.Event | None = None, deaf: bool = False
    ) -> None:
        self.calls = calls
        self.busy = busy
        self.deaf = deaf
        self.log: list[str] = []
        self.disposition = 0
        self.gone = threading.Event()

    def _note(self, name: str) -> None:
        self.calls.append((name, threading.current_thread()))

    def connect(self, mode: int, disposition: int) -> None:
        self._note("connect")
        self.disposition = disposition

    def getATR(self) -> list[int]:  # pyscard's name
        return [0x3B, 0x00]

    def transmit(self, command: list[int]) -> tuple[list[int], int, int]:
        self._note("transmit")
        return [], 0x90, 0x00

    def begin_transaction(self) -> int:
        self._note("begin")
        while self.busy is not None and self.busy.is_set():
            if self.gone.is_set() and not self.deaf:
                return E.E_INVALID_HANDLE
            time.sleep(0.01)
        return 0

    def end_transaction(self) -> None:
        self.log.append("end")

    def disconnect(self) -> None:
        from smartcard import scard

        self.log.append("leave" if self.disposition == scard.SCARD_LEAVE_CARD else "reset")
        self.gone.set()


def _threads(calls: list[tuple[str, threading.Thread]], name: str) -> list[threading.Thread]:
    return [thread for call, thread in calls if call == name]


@pytest.mark.parametrize("answer_timeout", [None, 1.0])
def test_the_transactions_of_a_transport_are_waited_for_on_its_one_thread(answer_timeout: float | None) -> None:
    calls: list[tuple[str, threading.Thread]] = []
    transport = PyscardTransport(
        READER, transaction=True, answer_timeout=answer_timeout, connection_factory=lambda: Connection(calls)
    )
    try:
        for _ in range(3):  # three connections, each in a transaction of its own
            assert transport.transmit_raw(SELECT_MF) == b"\x90\x00"
            transport.close()
    finally:
        transport.dispose()
    begins = _threads(calls, "begin")
    assert len(begins) == 3 and len(set(begins)) == 1, begins  # one thread, not one started per connection
    (thread,) = set(begins)
    assert thread is not threading.current_thread()
    card_calls = set(_threads(calls, "connect") + _threads(calls, "transmit"))
    if answer_timeout is None:  # a card its owner can pull: connect and commands stay on the caller's thread
        assert card_calls == {threading.current_thread()}
    else:  # a card the bench cannot pull: the same thread as the transactions
        assert card_calls == {thread}
    thread.join(1.0)
    assert not thread.is_alive()  # dispose() let it go


def test_a_transaction_wait_the_disconnect_does_not_end_leaves_the_next_connection_free() -> None:
    """Past ``busy_timeout`` the thread still waiting in the library is let go: the next connection (the other
    application done) gets a fresh thread at once, not a place in a queue behind that wait."""
    calls: list[tuple[str, threading.Thread]] = []
    busy = threading.Event()
    busy.set()
    first = Connection(calls, busy, deaf=True)
    made: list[Any] = [first]
    transport = PyscardTransport(
        READER, transaction=True, busy_timeout=0.2, connection_factory=lambda: made.pop() if made else Connection(calls)
    )
    try:
        start = time.monotonic()
        with pytest.raises(CardUnavailable, match="une autre application utilise la carte du lecteur"):
            transport.atr()
        assert time.monotonic() - start < 1.0
        assert first.log[-1] == "leave"  # disconnected without a reset under the other application
        start = time.monotonic()
        assert transport.transmit_raw(SELECT_MF) == b"\x90\x00"
        assert time.monotonic() - start < 0.5  # the first wait is still under way: not waited behind
        stuck, fresh = _threads(calls, "begin")
        assert stuck is not fresh and stuck.is_alive()
    finally:
        busy.clear()
        transport.dispose()
    stuck.join(1.0)
    assert not stuck.is_alive()  # its wait over, the thread let go ends


def test_a_ctrl_c_while_another_application_keeps_the_card_lets_the_card_go_at_once() -> None:
    """``interrupt_main`` sets the interruption without waking a blocked wait, as a ^C on Windows does: the
    transport's wait in slices sees it within a slice, not at ``busy_timeout``."""
    calls: list[tuple[str, threading.Thread]] = []
    busy = threading.Event()
    busy.set()
    first = Connection(calls, busy)
    made: list[Any] = [first]
    transport = PyscardTransport(
        READER, transaction=True, busy_timeout=5.0, connection_factory=lambda: made.pop() if made else Connection(calls)
    )
    timer = threading.Timer(0.3, _thread.interrupt_main)
    try:
        start = time.monotonic()
        timer.start()
        with pytest.raises(KeyboardInterrupt):
            transport.atr()
        assert time.monotonic() - start < 1.5  # not the 5 s of busy_timeout
        assert first.log[-1] == "leave" and not transport.waiting
        busy.clear()  # the other application is done: the transport goes on
        assert transport.transmit_raw(SELECT_MF) == b"\x90\x00"
    finally:
        timer.cancel()
        busy.clear()
        transport.dispose()
