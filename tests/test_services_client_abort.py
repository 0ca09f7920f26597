"""A client that closes its connection before its request is whole is one WARN line of the ``http`` channel
saying so (« requête interrompue par le client »), never the simulator's own HTTP 500 ``ERREUR_INTERNE``."""

from __future__ import annotations

import socket
import time

from testbench.i18n import english
from testbench.services.process import ServicesProcess
from testbench.traces.bench_text import http_text


def test_a_request_cut_mid_body_is_said_as_the_client_s_not_as_an_internal_error() -> None:
    lines: list[tuple[str, str | None, str | None]] = []
    proc = ServicesProcess(sink=lambda text, ts, level: lines.append((text, ts, level)))
    try:
        proc.configure("adri", "droits-ouverts")
        head = b"POST /adri HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
        with socket.create_connection(("127.0.0.1", proc.port)) as sock:
            sock.sendall(head + b'{"query":')
            time.sleep(0.3)
        deadline = time.monotonic() + 5
        while not [line for line in lines if line[0].startswith("POST /adri")] and time.monotonic() < deadline:
            proc.settle()
        (text, _ts, level), *_ = [line for line in lines if line[0].startswith("POST /adri")]
    finally:
        proc.close()
    assert text.startswith("POST /adri → requête interrompue par le client · scénario droits-ouverts"), text
    assert level == "WARN"
    assert "500" not in text and "ERREUR_INTERNE" not in text
    assert http_text(text, english).startswith("POST /adri → request interrupted by the client · scenario ")
