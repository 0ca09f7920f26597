"""A vpcd port above 55535 (an ephemeral port) has a lock port too: the emulator said « OverflowError: bind():
port must be 0-65535 » in a traceback instead of why vpcd refused it."""

from __future__ import annotations

import pytest

from testbench.cards.emulator_control import LOCK_PORT_OFFSET, PortLock, lock_port


@pytest.mark.parametrize("port", [35963, 35964, 55535, 55536, 60000, 65535])
def test_every_port_has_a_lock_port_in_range(port: int) -> None:
    locked = lock_port(port)
    assert 1024 <= locked <= 65535 and locked != port
    if port + LOCK_PORT_OFFSET <= 65535:  # the usual vpcd ports keep the documented offset
        assert locked == port + LOCK_PORT_OFFSET


def test_a_high_port_can_be_locked() -> None:
    lock = PortLock(60000)
    try:
        lock.acquire(timeout=1)  # raised OverflowError
    finally:
        lock.release()
