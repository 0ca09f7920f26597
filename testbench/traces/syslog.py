"""A syslog receiver on the loopback: UDP and TCP, RFC 3164 and RFC 5424.

Applications under test that log to syslog point at ``127.0.0.1:<port>``. TCP accepts both framings of
RFC 6587: octet counting (``123 <14>1 …``) and newline-terminated frames; a frame still open when the
sender closes the connection is delivered too. One thread multiplexes every socket with ``selectors``
(works on Windows and Linux); :meth:`SyslogReceiver.close` stops it and closes every socket.

Messages are decoded as UTF-8, or with ``fallback_encoding`` (cp1252 by default) when they are not
valid UTF-8 — Windows applications often send their ANSI code page.
"""

from __future__ import annotations

import contextlib
import re
import selectors
import socket
import threading
from dataclasses import dataclass
from datetime import datetime

from testbench.traces.clock import RawLine, stamp
from testbench.traces.delivery import Delivery, ErrorCallback, LineCallback
from testbench.traces.parsers import SYSLOG_SEVERITY, parse_timestamp

MAX_FRAME = 64 * 1024  # a larger octet count or unterminated frame is cut (RFC 5425 suggests 8 KiB min)


@dataclass(frozen=True, slots=True)
class SyslogMessage:
    severity: int | None
    facility: int | None
    timestamp: str | None
    hostname: str | None
    app: str | None
    procid: str | None
    msgid: str | None
    structured_data: str | None
    msg: str
    version: int | None  # 1 for RFC 5424, None for RFC 3164 / unframed

    @property
    def level(self) -> str | None:
        return None if self.severity is None else SYSLOG_SEVERITY[self.severity]

    def text(self) -> str:
        """What a trace line shows: ``app[procid] msgid [sd]: message``, or the message alone."""
        head = self.app or ""
        if head and self.procid:
            head += f"[{self.procid}]"
        if self.msgid:
            head = f"{head} {self.msgid}".strip()
        if self.structured_data:
            head = f"{head} {self.structured_data}".strip()
        return f"{head}: {self.msg}" if head else self.msg

    def epoch(self, *, now: float | None = None) -> float | None:
        if self.timestamp is None:
            return None
        if self.version is not None:
            return parse_timestamp(self.timestamp, "iso")
        return parse_timestamp(self.timestamp, "syslog3164", "local", now=now)


_PRI = re.compile(r"<(\d{1,3})>")
_5424_TS = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")
_3164_TS = re.compile(r"([A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2}) ")
_3164_TAG = re.compile(r"([^\s:\[]{1,48})(?:\[([^\]]*)\])?:\s?")


def parse_syslog(text: str) -> SyslogMessage:
    """Parse one syslog message, leniently: anything unrecognised stays in ``msg``."""
    severity = facility = None
    rest = text.rstrip("\r\n\x00")
    m = _PRI.match(rest)
    if m and int(m.group(1)) <= 191:
        pri = int(m.group(1))
        facility, severity = divmod(pri, 8)
        rest = rest[m.end() :]
    if rest[:2] in ("1 ", "2 ", "3 "):
        parsed = _parse_5424(rest)
        if parsed is not None:
            return SyslogMessage(severity, facility, *parsed)
    timestamp = hostname = app = procid = None
    m = _3164_TS.match(rest)
    if m:
        timestamp = m.group(1)
        rest = rest[m.end() :]
        host, sep, after = rest.partition(" ")
        if sep and not host.endswith(":"):
            hostname, rest = host, after
    m = _3164_TAG.match(rest)
    if m and timestamp is not None:
        app, procid = m.group(1), m.group(2)
        rest = rest[m.end() :]
    return SyslogMessage(severity, facility, timestamp, hostname, app, procid, None, None, rest, None)


def _nil(value: str) -> str | None:
    return None if value == "-" else value


def _parse_5424(rest: str) -> tuple | None:
    parts = rest.split(" ", 6)
    if len(parts) < 6:
        return None
    version, timestamp, hostname, app, procid, msgid = parts[:6]
    if timestamp != "-" and not _5424_TS.match(timestamp):
        return None  # "1 apple …": a 3164 message that happens to start with a digit
    tail = parts[6] if len(parts) == 7 else "-"
    sd, msg = _split_structured_data(tail)
    if msg.startswith("\ufeff"):
        msg = msg[1:]
    return (_nil(timestamp), _nil(hostname), _nil(app), _nil(procid), _nil(msgid), sd, msg, int(version))


def _split_structured_data(tail: str) -> tuple[str | None, str]:
    """``-`` or ``[id k="v"]…`` (values may hold escaped ``\\]`` and ``\\"``), then the message."""
    if tail.startswith("-"):
        return None, tail[2:] if tail.startswith("- ") else tail[1:]
    if not tail.startswith("["):
        return None, tail
    i, n, in_quotes = 0, len(tail), False
    while i < n:
        c = tail[i]
        if c == "\\" and in_quotes:
            i += 2
            continue
        if c == '"':
            in_quotes = not in_quotes
        elif c == "]" and not in_quotes and (i + 1 == n or tail[i + 1] != "["):
            return tail[: i + 1], tail[i + 2 :]
        i += 1
    return tail, ""


def decode(data: bytes, fallback_encoding: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode(fallback_encoding, errors="replace")


class _TcpStream:
    """RFC 6587 framing for one TCP connection."""

    def __init__(self) -> None:
        self.buffer = bytearray()

    def feed(self, data: bytes) -> list[bytes]:
        self.buffer += data
        frames: list[bytes] = []
        buf = self.buffer
        while buf:
            if 0x31 <= buf[0] <= 0x39:  # octet counting: "LEN SP MSG"
                space = buf.find(b" ", 0, 12)
                if space > 0 and buf[:space].isdigit():
                    length = int(buf[:space])
                    if length > MAX_FRAME:
                        length = MAX_FRAME
                    if len(buf) < space + 1 + length:
                        break
                    frames.append(bytes(buf[space + 1 : space + 1 + length]))
                    del buf[: space + 1 + length]
                    continue
            end = buf.find(b"\n")
            if end < 0:
                if len(buf) > MAX_FRAME:
                    frames.append(bytes(buf))
                    buf.clear()
                break
            frames.append(bytes(buf[:end]))
            del buf[: end + 1]
        return [f for f in frames if f.strip(b"\r\n\x00 ")]

    def close(self) -> list[bytes]:
        rest = bytes(self.buffer).strip(b"\r\n\x00 ")
        self.buffer.clear()
        return [rest] if rest else []


class SyslogReceiver(Delivery):
    """Receives syslog on ``host`` (loopback by default); ``port=0`` picks free ports (see attributes)."""

    def __init__(
        self,
        on_lines: LineCallback,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        udp: bool = True,
        tcp: bool = True,
        fallback_encoding: str = "cp1252",
        on_error: ErrorCallback | None = None,
    ) -> None:
        if not (udp or tcp):
            raise ValueError("au moins un transport syslog (UDP ou TCP) est nécessaire")
        super().__init__(on_lines, on_error)
        self.host = host
        self.fallback_encoding = fallback_encoding
        self._selector = selectors.DefaultSelector()
        self._streams: dict[socket.socket, tuple[_TcpStream, str]] = {}
        self._udp: socket.socket | None = None
        self._tcp: socket.socket | None = None
        self.udp_port: int | None = None
        self.tcp_port: int | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._loops = 0
        self._loops_cond = threading.Condition()
        try:
            if udp:
                self._udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                self._udp.bind((host, port))
                self._udp.setblocking(False)
                with contextlib.suppress(OSError):
                    self._udp.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
                self.udp_port = self._udp.getsockname()[1]
                self._selector.register(self._udp, selectors.EVENT_READ, "udp")
            if tcp:
                self._tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                self._tcp.bind((host, port))
                self._tcp.listen(16)
                self._tcp.setblocking(False)
                self.tcp_port = self._tcp.getsockname()[1]
                self._selector.register(self._tcp, selectors.EVENT_READ, "listen")
        except OSError:
            self._close_sockets()
            raise

    def start(self) -> SyslogReceiver:
        self._thread = threading.Thread(target=self._run, name="trace-syslog", daemon=True)
        self._thread.start()
        return self

    def __enter__(self) -> SyslogReceiver:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the thread, deliver what was already received, close every socket."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        batch: list[RawLine] = []
        self._service(batch, timeout=0)  # datagrams already queued
        for sock, (stream, _peer) in list(self._streams.items()):
            self._frames(stream.close(), "syslog:tcp", batch)
            self._drop(sock)
        self._deliver(batch)
        self._close_sockets()

    def barrier(self, timeout: float = 1.0) -> bool:
        """Wait until the thread has completed a full pass (everything received before is delivered)."""
        if self._thread is None:
            return True
        with self._loops_cond:
            target = self._loops + 2
            return self._loops_cond.wait_for(lambda: self._loops >= target, timeout=timeout)

    def _close_sockets(self) -> None:
        for sock in (self._udp, self._tcp, *self._streams):
            if sock is None:
                continue
            with contextlib.suppress(Exception):
                self._selector.unregister(sock)
            sock.close()
        self._streams.clear()
        with contextlib.suppress(Exception):
            self._selector.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            batch: list[RawLine] = []
            try:
                self._service(batch, timeout=0.02)
            except Exception as exc:
                self._report("syslog", exc)
            self._deliver(batch)
            with self._loops_cond:
                self._loops += 1
                self._loops_cond.notify_all()

    def _service(self, batch: list[RawLine], timeout: float) -> None:
        if not self._selector.get_map():
            return
        for key, _ in self._selector.select(timeout):
            sock: socket.socket = key.fileobj  # type: ignore[assignment]
            if key.data == "udp":
                for _ in range(1000):  # drain the queue, bounded so TCP is not starved
                    try:
                        data = sock.recv(65535)
                    except (BlockingIOError, InterruptedError):
                        break
                    except OSError as exc:  # Windows: ICMP port unreachable surfaces here
                        self._report("udp", exc)
                        break
                    self._frames([data], "syslog:udp", batch)
            elif key.data == "listen":
                try:
                    conn, addr = sock.accept()
                except (BlockingIOError, InterruptedError):
                    continue
                conn.setblocking(False)
                self._streams[conn] = (_TcpStream(), f"{addr[0]}:{addr[1]}")
                self._selector.register(conn, selectors.EVENT_READ, "tcp")
            else:
                stream, _peer = self._streams[sock]
                try:
                    data = sock.recv(256 * 1024)
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError:
                    data = b""
                if data:
                    self._frames(stream.feed(data), "syslog:tcp", batch)
                else:
                    self._frames(stream.close(), "syslog:tcp", batch)
                    self._drop(sock)

    def _drop(self, sock: socket.socket) -> None:
        with contextlib.suppress(Exception):
            self._selector.unregister(sock)
        self._streams.pop(sock, None)
        sock.close()

    def _frames(self, frames: list[bytes], source: str, batch: list[RawLine]) -> None:
        if not frames:
            return
        mono, wall = stamp()
        for frame in frames:
            message = parse_syslog(decode(frame, self.fallback_encoding))
            batch.append(
                RawLine(
                    text=message.text(),
                    source=source,
                    mono_ns=mono,
                    wall=wall,
                    source_ts=message.timestamp,
                    level=message.level,
                    source_epoch=message.epoch(now=wall),
                )
            )


def format_rfc5424(
    msg: str,
    *,
    severity: int = 6,
    facility: int = 1,
    app: str = "testbench",
    procid: str = "-",
    msgid: str = "-",
    hostname: str = "localhost",
    timestamp: datetime | None = None,
) -> str:
    """Build an RFC 5424 message (tests, benchmarks, and a bench that logs to syslog itself)."""
    ts = (timestamp or datetime.now().astimezone()).isoformat(timespec="microseconds")
    return f"<{facility * 8 + severity}>1 {ts} {hostname} {app} {procid} {msgid} - {msg}"
