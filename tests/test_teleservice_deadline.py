"""The reference engine's ``service_timeout`` bounds the whole call: a server answering a byte at a time, each byte
within a read's timeout, is refused as unavailable once the time is spent, not after the whole trickle."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from testbench.domain.refusal import EngineRefusal
from testbench.domain.vocabulary import TELESERVICE_UNAVAILABLE
from testbench.engines.reference.teleservices import TeleserviceClient

BODY = b'{"service":"adri","status":"ok"}'
HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(BODY)


def _server(trickled: bytes, at_once: bytes = b"", every: float = 0.2) -> Iterator[int]:
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    stop = threading.Event()

    def serve() -> None:
        conn, _ = srv.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(at_once)
            for byte in trickled:
                if stop.wait(every):
                    return
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    return

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield srv.getsockname()[1]
    finally:
        stop.set()
        srv.close()
        thread.join(5)


@pytest.fixture
def trickling_body() -> Iterator[int]:
    yield from _server(BODY, HEAD)


@pytest.fixture
def trickling_headers() -> Iterator[int]:
    yield from _server(HEAD + BODY)


@pytest.mark.parametrize("server", ["trickling_body", "trickling_headers"])
def test_a_trickling_answer_is_refused_once_the_service_timeout_is_spent(
    server: str, request: pytest.FixtureRequest
) -> None:
    port = request.getfixturevalue(server)
    client = TeleserviceClient()
    start = time.monotonic()
    with pytest.raises(EngineRefusal) as info:
        client.post("adri", {"service_url": f"http://127.0.0.1:{port}/adri", "service_timeout": 0.6}, {})
    elapsed = time.monotonic() - start
    client.close()
    assert info.value.code == TELESERVICE_UNAVAILABLE
    assert "pas de réponse en 0,6 s" in str(info.value)
    assert elapsed < 1.5  # the whole answer would take 6 s or more


def test_an_answer_in_time_is_read_and_the_connection_kept() -> None:
    gen = _server(b"", HEAD + BODY)
    port = next(gen)
    client = TeleserviceClient()
    try:
        answer = client.post("adri", {"service_url": f"http://127.0.0.1:{port}/adri", "service_timeout": 2}, {})
        assert answer == {"service": "adri", "status": "ok"}
    finally:
        client.close()
        gen.close()
