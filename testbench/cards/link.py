"""One reader connection as the bench uses it: T=0 handling, timing, PIN masking and tracing.

A :class:`Transport` moves raw APDUs (in process, or pyscard). :class:`Link` turns each physical
exchange into an :class:`ApduExchange` for the sinks (masked first), and resolves T=0 status words:
``6Cxx`` → resend with Le = xx, ``61xx`` → GET RESPONSE, concatenating the data.
"""

from __future__ import annotations

from collections.abc import Iterable
from time import perf_counter_ns
from typing import Protocol

from . import apdu as A
from .api import ApduExchange, ApduSink

MAX_GET_RESPONSE = 64  # guard against a card that answers 61xx forever


class Transport(Protocol):
    reader: str

    def atr(self) -> bytes: ...

    def transmit_raw(self, apdu: bytes) -> bytes:
        """Send one C-APDU, return the R-APDU (data + SW1 SW2). Raise CardUnavailable on loss."""
        ...

    def close(self) -> None: ...


class Link:
    def __init__(self, transport: Transport, slot: str, sinks: Iterable[ApduSink] = ()) -> None:
        self.transport = transport
        self.slot = slot
        self.sinks = list(sinks)

    def _one(self, apdu: bytes) -> tuple[bytes, int]:
        start = perf_counter_ns()
        r = self.transport.transmit_raw(apdu)
        duration_us = (perf_counter_ns() - start) // 1000
        if len(r) < 2:
            from testbench.i18n import tn

            from .api import CardUnavailable

            raise CardUnavailable(
                tn(
                    "réponse invalide de la carte ({count} octet) dans le lecteur « {reader} »",
                    "réponse invalide de la carte ({count} octets) dans le lecteur « {reader} »",
                    len(r),
                    "fr",
                    reader=self.transport.reader,
                )
            )
        data, sw = bytes(r[:-2]), (r[-2] << 8) | r[-1]
        if self.sinks:
            ex = ApduExchange(self.transport.reader, self.slot, A.mask_pin(apdu), data, sw, duration_us)
            for sink in self.sinks:
                sink(ex)
        return data, sw

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        data, sw = self._one(apdu)
        if sw >> 8 == 0x6C:  # wrong Le: resend with the exact length (short APDUs only)
            fixed = (apdu if len(apdu) == 4 else apdu[:-1]) + bytes([sw & 0xFF])
            data, sw = self._one(fixed)
        if sw >> 8 != 0x61:
            return data, sw
        collected = bytearray(data)
        for _ in range(MAX_GET_RESPONSE):
            more, sw = self._one(A.build(0x00, A.INS_GET_RESPONSE, 0, 0, le=sw & 0xFF))
            collected += more
            if sw >> 8 != 0x61:
                break
        return bytes(collected), sw


class SingleChannel:
    """A :class:`CardChannel` over one link (whatever the slot name): for probe, record, tools."""

    def __init__(self, link: Link) -> None:
        self.link = link

    def reader_name(self, slot: str) -> str:
        return self.link.transport.reader

    def atr(self, slot: str) -> bytes:
        return self.link.transport.atr()

    def transmit(self, slot: str, apdu: bytes) -> tuple[bytes, int]:
        return self.link.transmit(apdu)

    def release(self) -> None:
        self.link.transport.close()
