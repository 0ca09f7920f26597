"""A bench that waited for a vpcd port another holder let go keeps its promise (docs/cards.md §4.1), through the
real pcscd + vpcd: pcscd still shows the departed holder's card until its next poll, and that stale view must not
set the only reader aside (every later case then ended « non concluant » without the reader ever seen empty)."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from testbench.cards.bay import PcscBay
from testbench.cards.emulator_control import LOCK_PORT_OFFSET
from testbench.cards.pcsc import wait_for
from testbench.cards.read import read_cps
from testbench.cards.reader_pools import default_pools
from testbench.cards.virtual import build_card
from testbench.cards.vpcd import VirtualICC
from testbench.paths import CARD_PROFILES_DIR as P

pytestmark = pytest.mark.integration

NURSE, PSAD = P / "cps4-nurse.xml", P / "cps3-psad-lpp.xml"


def test_the_previous_holders_card_still_shown_when_the_port_frees_does_not_set_the_reader_aside(
    vpcd_lock: list[str],
) -> None:
    pools = default_pools()
    vitale, cps = pools["vitale"][0], pools["cps"][0]
    held = socket.socket(socket.AF_INET, socket.SOCK_STREAM)  # another holder of the port (cards emulate)
    try:
        held.bind(("127.0.0.1", cps.port + LOCK_PORT_OFFSET))
    except OSError:
        held.close()
        pytest.skip(f"the port of {cps.name} is held outside this test")
    foreign = VirtualICC(build_card(NURSE), cps.port)
    foreign.insert(2.0)
    wait_for(cps.name, True, 3.0)

    def holder_leaves() -> None:  # card out and port let go at once, as `cards emulate --duration` ends
        time.sleep(0.5)
        foreign.remove()
        held.close()

    said: list[str] = []
    bay = PcscBay({"vitale": vitale, "cps": [cps]}, emulator="thread", prompt=said.append)
    bay.lock_timeout = 5.0
    leaving = threading.Thread(target=holder_leaves)
    leaving.start()
    try:
        bay.present("cps", PSAD)
        assert bay.reader_name("cps") == cps.name and read_cps(bay, "cps").rpps
    finally:
        leaving.join(5)
        held.close()
        bay.close()
    assert not any("mis de côté" in s for s in said), said
