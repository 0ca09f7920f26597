"""A local TCP server a hostile XML's DTD or entity points at: a parser that fetched anything leaves a connection."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A local TCP server: a parser that fetched anything would leave a connection waiting here."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.setblocking(False)
    yield server
    server.close()


def nobody_connected(server: socket.socket) -> bool:
    """Whether no connection waits on ``server`` (the parser fetched nothing)."""
    try:
        connection, _ = server.accept()
    except BlockingIOError:
        return True
    connection.close()
    return False
