"""Syslog receiver: RFC 3164/5424 parsing, UDP, TCP (octet counting and newline framing), shutdown."""

from __future__ import annotations

import socket
import threading
import time
from datetime import UTC, datetime

import pytest

from testbench.traces.clock import RawLine
from testbench.traces.syslog import SyslogReceiver, _TcpStream, format_rfc5424, parse_syslog


class Collector:
    def __init__(self) -> None:
        self.lines: list[RawLine] = []
        self._lock = threading.Lock()

    def __call__(self, batch: list[RawLine]) -> None:
        with self._lock:
            self.lines.extend(batch)

    def wait_for(self, count: int, timeout: float = 5.0) -> list[RawLine]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and len(self.lines) < count:
            time.sleep(0.01)
        with self._lock:
            return list(self.lines)


def test_parse_rfc5424_with_structured_data_and_bom() -> None:
    m = parse_syslog(
        '<165>1 2026-11-25T10:00:00.003Z poste.local app 42 ID47 [ex@32473 k="a\\]b" n="1"][x@1 y="2"] \ufeffFSE créée'
    )
    assert (m.facility, m.severity, m.level, m.version) == (20, 5, "NOTICE", 1)
    assert (m.timestamp, m.hostname, m.app, m.procid, m.msgid) == (
        "2026-11-25T10:00:00.003Z",
        "poste.local",
        "app",
        "42",
        "ID47",
    )
    assert m.structured_data == '[ex@32473 k="a\\]b" n="1"][x@1 y="2"]'
    assert m.msg == "FSE créée"
    assert m.epoch() == pytest.approx(datetime(2026, 11, 25, 10, 0, 0, 3000, tzinfo=UTC).timestamp())
    assert m.text() == 'app[42] ID47 [ex@32473 k="a\\]b" n="1"][x@1 y="2"]: FSE créée'


def test_parse_rfc5424_nil_values() -> None:
    m = parse_syslog("<14>1 - - - - - -")
    assert (m.timestamp, m.hostname, m.app, m.msg, m.level) == (None, None, None, "", "INFO")
    m = parse_syslog("<14>1 2026-11-25T10:00:00Z h app - - - hello")
    assert m.text() == "app: hello"


def test_parse_rfc3164() -> None:
    m = parse_syslog("<11>Nov  5 10:00:00 poste editeur[1234]: rejet du lot")
    assert (m.level, m.timestamp, m.hostname, m.app, m.procid, m.msg) == (
        "ERROR",
        "Nov  5 10:00:00",
        "poste",
        "editeur",
        "1234",
        "rejet du lot",
    )
    assert m.text() == "editeur[1234]: rejet du lot"
    # no hostname (as sent by some local loggers), then no header at all
    m = parse_syslog("<13>Nov 25 10:00:00 editeur: ok")
    assert (m.hostname, m.app, m.msg) == (None, "editeur", "ok")
    m = parse_syslog("<13>1 pomme et 2 poires dans le panier")
    assert (m.version, m.timestamp, m.msg) == (None, None, "1 pomme et 2 poires dans le panier")
    m = parse_syslog("just text")
    assert (m.level, m.timestamp, m.msg) == (None, None, "just text")


def test_tcp_framing_octet_counting_and_newlines() -> None:
    stream = _TcpStream()
    first = "<14>1 - - a - - - é"
    encoded = first.encode()
    frames = stream.feed(f"{len(encoded)} ".encode() + encoded[:5])
    assert frames == []
    frames = stream.feed(encoded[5:] + b"<13>Nov 25 10:00:00 h app: two\n<13>Nov 25 10:00:00 h app: thr")
    assert frames == [encoded, b"<13>Nov 25 10:00:00 h app: two"]
    assert stream.feed(b"ee\r\n") == [b"<13>Nov 25 10:00:00 h app: three\r"]
    assert stream.feed(b"<13>unterminated") == []
    assert stream.close() == [b"<13>unterminated"]


def test_receiver_udp_and_tcp_end_to_end() -> None:
    got = Collector()
    with SyslogReceiver(got) as receiver:
        assert receiver.udp_port and receiver.tcp_port
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for i in range(20):
            udp.sendto(format_rfc5424(f"udp {i}", severity=3).encode(), ("127.0.0.1", receiver.udp_port))
        udp.close()
        with socket.create_connection(("127.0.0.1", receiver.tcp_port)) as tcp:
            for i in range(20):
                payload = format_rfc5424(f"tcp {i}").encode()
                if i % 2:
                    tcp.sendall(f"{len(payload)} ".encode() + payload)
                else:
                    tcp.sendall(payload + b"\n")
            tcp.sendall("<13>Nov 25 10:00:00 h app: fin sans retour".encode("cp1252"))
        got.wait_for(41)
    udp_lines = [line for line in got.lines if line.source == "syslog:udp"]
    tcp_lines = [line for line in got.lines if line.source == "syslog:tcp"]
    assert [line.text for line in udp_lines] == [f"testbench: udp {i}" for i in range(20)]
    assert {line.level for line in udp_lines} == {"ERROR"}
    assert [line.text for line in tcp_lines] == [f"testbench: tcp {i}" for i in range(20)] + ["app: fin sans retour"]
    assert all(abs((line.source_epoch or 0) - line.wall) < 5 for line in udp_lines)


def test_close_is_clean_and_frees_the_ports() -> None:
    receiver = SyslogReceiver(lambda batch: None).start()
    udp_port, tcp_port = receiver.udp_port, receiver.tcp_port
    client = socket.create_connection(("127.0.0.1", tcp_port))
    client.sendall(b"<14>half a frame")
    time.sleep(0.1)
    started = time.monotonic()
    receiver.close()
    assert time.monotonic() - started < 1.0
    assert not any(t.name == "trace-syslog" and t.is_alive() for t in threading.enumerate())
    client.close()
    # the ports can be bound again at once
    again = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    again.bind(("127.0.0.1", udp_port))
    again.close()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", tcp_port), timeout=1).close()


def test_non_utf8_falls_back_to_cp1252() -> None:
    got = Collector()
    with SyslogReceiver(got, tcp=False) as receiver:
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        udp.sendto("<14>Nov 25 10:00:00 h app: reçu 12 €".encode("cp1252"), ("127.0.0.1", receiver.udp_port))
        udp.close()
        got.wait_for(1)
    assert [line.text for line in got.lines] == ["app: reçu 12 €"]
