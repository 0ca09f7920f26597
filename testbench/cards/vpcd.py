"""The vpcd link: serve a card model to pcscd's vpcd driver over TCP (docs/cards.md §5; protocol: the
vsmartcard project's virtualsmartcard documentation, frankmorgner.github.io/vsmartcard).

Rules for Debian 12's vpcd: set TCP_QUICKACK after reading each length header and each payload,
write every answer with ONE sendall, never send a 0-byte answer (it means removal). Faults:
``pull`` closes the connection when the APDU after the first ``after`` ones arrives (the card is
pulled mid-exchange), ``mute`` stops answering, ``mute-power`` stops answering at the next power-up
(the ATR vpcd asks for then never comes: pcscd's connect waits, as for a card mute at power-up),
``sw`` forces a status word.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from collections.abc import Callable

from .apdu import mask_pin
from .api import ApduExchange
from .inprocess import Fault
from .model import IsoCard
from .reader_pools import DEFAULT_PORT


def _quickack(s: socket.socket) -> None:
    if hasattr(socket, "TCP_QUICKACK"):
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)


def _recv_exact(s: socket.socket, n: int) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("vpcd closed the connection")
        buf += chunk
    return bytes(buf)


class VirtualICC:
    """A virtual card plugged into one vpcd slot (one TCP connection = one inserted card)."""

    def __init__(
        self,
        card: IsoCard,
        port: int = DEFAULT_PORT,
        host: str = "127.0.0.1",
        on_apdu: Callable[[ApduExchange], None] | None = None,
        reader: str = "",
        slot: str = "",
    ) -> None:
        self.card = card
        self.port = port
        self.host = host
        self.on_apdu = on_apdu
        self.reader = reader or f"vpcd:{port}"
        self.slot = slot
        self.fault: Fault | None = None
        self.count = 0
        self.silent = False  # powered up under a mute-power fault: answers nothing, not even its ATR
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.closed = threading.Event()

    @property
    def inserted(self) -> bool:
        return self._sock is not None and not self.closed.is_set()

    def insert(self, timeout: float = 10.0) -> None:
        """Connect to vpcd (retrying: pcscd may not be listening yet) and serve in a daemon thread."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                s = socket.create_connection((self.host, self.port), timeout=2.0)
                break
            except OSError:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(0.05)
        s.settimeout(None)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._sock = s
        self.closed.clear()
        self._thread = threading.Thread(target=self._serve, name=f"vicc-{self.port}", daemon=True)
        self._thread.start()

    def remove(self) -> None:
        """Pull the card: close the connection and wait for the serving thread."""
        with self._lock:
            s, self._sock = self._sock, None
        if s is not None:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(5.0)
        self.closed.set()

    def set_fault(self, fault: Fault | None) -> None:
        self.fault, self.count, self.silent = fault, 0, False

    def _answer(self, msg: bytes) -> bytes | None:
        """The answer to one APDU, or None to stay silent (mute) / raise to pull the card."""
        f = self.fault
        if f is not None and self.count >= f.after:
            if f.kind == "pull":
                raise ConnectionAbortedError("fault: card pulled")
            if f.kind == "mute":
                return None
            if f.ins is None or (len(msg) > 1 and msg[1] == f.ins):
                self.count += 1
                return f.sw.to_bytes(2, "big")
        self.count += 1
        return self.card.process(msg)

    def _serve(self) -> None:
        s = self._sock
        if s is None:
            return
        try:
            while True:
                (n,) = struct.unpack(">H", _recv_exact(s, 2))
                _quickack(s)
                msg = _recv_exact(s, n)
                _quickack(s)
                if n == 1 and msg[0] == 0x01 and self.fault is not None and self.fault.kind == "mute-power":
                    self.silent = True
                if self.silent:
                    continue  # never answer: vpcd (and pcscd's call through it) waits until the card is pulled
                if n == 1:
                    code = msg[0]
                    if code == 0x04:
                        out = self.card.atr
                    else:
                        {0x00: self.card.power_off, 0x01: self.card.power_on, 0x02: self.card.reset}.get(
                            code, lambda: None
                        )()
                        continue
                else:
                    start = time.perf_counter_ns()
                    answer = self._answer(msg)
                    if answer is None:
                        continue  # mute: never answer
                    out = answer
                    if self.on_apdu is not None:
                        us = (time.perf_counter_ns() - start) // 1000
                        self.on_apdu(
                            ApduExchange(self.reader, self.slot, mask_pin(msg), out[:-2], (out[-2] << 8) | out[-1], us)
                        )
                s.sendall(struct.pack(">H", len(out)) + out)  # ONE write per answer
        except (ConnectionError, OSError, struct.error):
            pass
        finally:
            with self._lock:
                if self._sock is s:
                    self._sock = None
                    with contextlib.suppress(OSError):
                        s.close()
            self.closed.set()
