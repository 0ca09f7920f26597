"""The bench's card sequences run inside a PC/SC transaction, through the real pcscd + vpcd.

Another program reading the same card (the product under test, CPS middleware) must not slip its commands
between the bench's SELECT and READ BINARY: the bench's reads and verdicts do not depend on it. A program that
keeps the card in a transaction of its own past the bench's patience is named as the cause, not the card.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from smartcard import scard
from test_cards_shared_use import Application  # another PC/SC program on the reader

from testbench.cards.api import CardUnavailable
from testbench.cards.bay import PcscBay
from testbench.cards.pin import verify_test_pin
from testbench.cards.read import read_cps
from testbench.paths import CARD_PROFILES_DIR as P

pytestmark = pytest.mark.integration

#: SELECT of the CPS PKCS#15 application: leaves the card with no EF selected (the bench's next READ fails)
SELECT_AID = list(bytes.fromhex("00A404000DE828BD080F8025000001FF001000"))


@pytest.fixture
def cps_bay(pcsc_bay: PcscBay) -> Iterator[tuple[PcscBay, str]]:
    pcsc_bay.present("cps", P / "cps3-psad-lpp.xml")
    pcsc_bay.release()
    yield pcsc_bay, pcsc_bay.reader_name("cps")


def test_another_programs_commands_never_come_between_the_benchs(cps_bay: tuple[PcscBay, str]) -> None:
    bay, reader = cps_bay
    other = Application(reader)
    done = threading.Event()

    def keep_selecting() -> None:  # as the auditor's « aggressive » application: no transaction, no pause
        while not done.is_set():
            other.transmit(SELECT_AID)

    user = threading.Thread(target=keep_selecting)
    user.start()
    try:
        for _ in range(15):  # was: « lecture identité PS : SW 6986 (aucun EF sélectionné) » within a few reads
            assert read_cps(bay, "cps").rpps
            verify_test_pin(bay, "cps")  # a PIN step: its own sequence, ended after it
            bay.release()
    finally:
        done.set()
        user.join(10)
        other.close()


def test_a_pin_step_lets_the_card_go_after_it(cps_bay: tuple[PcscBay, str]) -> None:
    """The product reading the card after a bench PIN step (operator mode) is not kept waiting."""
    bay, reader = cps_bay
    verify_test_pin(bay, "cps")
    other = Application(reader)
    try:
        hr = scard.SCardBeginTransaction(other.hcard)
        assert hr == scard.SCARD_S_SUCCESS, hex(hr & 0xFFFFFFFF)
        scard.SCardEndTransaction(other.hcard, scard.SCARD_LEAVE_CARD)
    finally:
        other.close()


def test_a_program_keeping_the_card_is_named_not_the_card(cps_bay: tuple[PcscBay, str]) -> None:
    bay, reader = cps_bay
    other = Application(reader)
    try:
        assert scard.SCardBeginTransaction(other.hcard) == scard.SCARD_S_SUCCESS
        bay._active["cps"].link.transport.busy_timeout = 0.5
        with pytest.raises(CardUnavailable) as caught:
            read_cps(bay, "cps")
        message = str(caught.value)
        assert f"une autre application utilise la carte du lecteur « {reader} »" in message, message
        assert "SW" not in message
        scard.SCardEndTransaction(other.hcard, scard.SCARD_LEAVE_CARD)
        bay.present("cps", P / "cps3-psad-lpp.xml")  # the next case's card (the bench pulled the one it waited on)
        assert read_cps(bay, "cps").rpps
    finally:
        other.close()
