"""A request HTTP itself refuses before any path is read (a garbled request line, a path not in ASCII, a header
over the limit, a Content-Length or chunk size that is no number, a Content-Encoding the server cannot decode)
is answered in the services' format (JSON, ``REQUETE_INVALIDE``, a French reason that reads in English), is one
line of the log, and leaves no traceback on the simulator's stderr — never aiohttp's English text."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator

import pytest

from testbench.i18n import english
from testbench.services.process import ServicesProcess

Line = tuple[str, str | None, str | None]


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[ServicesProcess, list[Line]]]:
    lines: list[Line] = []
    proc = ServicesProcess(sink=lambda text, ts, level: lines.append((text, ts, level)))
    proc.ensure()
    yield proc, lines
    proc.close()


def raw(port: int | None, data: bytes) -> tuple[str, bytes]:
    """The status line and body of the answer to ``data`` sent as is."""
    assert port is not None
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(data)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return head.split(b"\r\n")[0].decode(), body


GARBLED = [
    (b"POST /adri HTTP/1.1\r\nHost: x\r\nContent-Encoding: br\r\nContent-Length: 2\r\n\r\n{}",
     "unreadable request body (Content-Encoding not supported)"),
    (b"POST /adri HTTP/1.1\r\nHost: x\r\nContent-Encoding: zstd\r\nContent-Length: 2\r\n\r\n{}",
     "unreadable request body (Content-Encoding not supported)"),
    (b"POST /adri HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nabc\r\n0\r\n\r\n",
     "malformed HTTP request"),
    (b"HELLO WORLD\r\n\r\n", "invalid HTTP request line"),
    (b"POST /adri HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n{}", "malformed HTTP request"),
    (b"POST /adri HTTP/1.1\r\nHost: x\r\nX-A: " + b"a" * 20000 + b"\r\nContent-Length: 2\r\n\r\n{}",
     "request line or HTTP header over 8190 bytes"),
    ("POST /adri\u00e9 HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}".encode(), "invalid request path"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("data", "expected"), GARBLED, ids=["br", "zstd", "chunk", "garbage", "length", "header", "path"]
)
def test_a_request_http_refuses_is_answered_in_our_format_logged_and_silent(
    served: tuple[ServicesProcess, list[Line]], data: bytes, expected: str
) -> None:
    proc, lines = served
    before = len(lines)
    status, body = raw(proc.port, data)
    assert status.split()[1] == "400", status
    answer = json.loads(body)
    assert answer["status"] == "error" and answer["code"] == "REQUETE_INVALIDE", answer
    assert english(answer["message"]) == expected
    proc.settle()
    logged = lines[before:]
    assert len(logged) == 1 and logged[0][0].startswith("? → 400 en "), logged
    assert logged[0][2] == "WARN"
    assert not [line for line in proc._stderr if "Traceback" in line or "Error" in line], proc._stderr
