"""Minimal BER-TLV (ISO 7816-4) encoding and decoding: the Vitale files are TLV (tags 65, 66, 80…)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass


class TlvError(ValueError):
    """Malformed TLV data (truncated tag, length or value)."""


@dataclass(frozen=True)
class Tlv:
    """One BER-TLV element: its tag (every byte of it, as an int) and its value."""

    tag: int
    value: bytes

    @property
    def constructed(self) -> bool:
        first = self.tag
        while first > 0xFF:
            first >>= 8
        return bool(first & 0x20)

    def _parsed(self) -> tuple[tuple[Tlv, ...], dict[int, Tlv]]:
        """The children and the first child of each tag, parsed once: the decoders look up a dozen tags
        in the same record (kept in the instance's dict, without ``cached_property``'s lock)."""
        parsed = self.__dict__.get("_kids")
        if parsed is None:
            kids = tuple(iter_tlv(self.value))
            index: dict[int, Tlv] = {}
            for kid in kids:
                index.setdefault(kid.tag, kid)
            parsed = (kids, index)
            object.__setattr__(self, "_kids", parsed)
        return parsed

    def children(self) -> list[Tlv]:
        return list(self._parsed()[0])

    def find(self, tag: int) -> Tlv | None:
        return self._parsed()[1].get(tag)

    def text(self, tag: int, encoding: str = "latin-1") -> str | None:
        child = self.find(tag)
        return None if child is None else child.value.decode(encoding).rstrip(" \x00")


def _read_tag(data: bytes, pos: int) -> tuple[int, int]:
    if pos >= len(data):
        raise TlvError(f"tag tronqué à l'octet {pos}")
    tag = data[pos]
    pos += 1
    if tag & 0x1F == 0x1F:  # multi-byte tag
        while True:
            if pos >= len(data):
                raise TlvError(f"tag tronqué à l'octet {pos}")
            b = data[pos]
            tag = (tag << 8) | b
            pos += 1
            if not b & 0x80:
                break
    return tag, pos


def _read_length(data: bytes, pos: int) -> tuple[int, int]:
    if pos >= len(data):
        raise TlvError(f"longueur tronquée à l'octet {pos}")
    first = data[pos]
    pos += 1
    if first < 0x80:
        return first, pos
    count = first & 0x7F
    if count == 0 or count > 3 or pos + count > len(data):
        raise TlvError(f"longueur invalide à l'octet {pos - 1}")
    return int.from_bytes(data[pos : pos + count], "big"), pos + count


def iter_tlv(data: bytes) -> Iterator[Tlv]:
    """Yield top-level TLVs; 00 and FF padding between objects is skipped (ISO 7816-4)."""
    pos, size = 0, len(data)
    while pos < size:
        tag = data[pos]
        if tag == 0x00 or tag == 0xFF:
            pos += 1
            continue
        if tag & 0x1F == 0x1F:
            tag, pos = _read_tag(data, pos)
        else:  # the usual one-byte tag and short length, without the helpers' calls
            pos += 1
        if pos < size and data[pos] < 0x80:
            length, pos = data[pos], pos + 1
        else:
            length, pos = _read_length(data, pos)
        end = pos + length
        if end > size:
            raise TlvError(f"valeur tronquée pour le tag {tag:X} ({length} octets annoncés)")
        yield Tlv(tag, data[pos:end])
        pos = end


def iter_spans(data: bytes, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int, int]]:
    """Yield ``(tag, value_start, value_end)`` of the TLVs in ``data[start:end]``, offsets into ``data``.

    Lenient, for traces rather than decoding: a truncated last value is clipped to the end (a short READ
    BINARY still shows what it read) and a malformed header ends the walk instead of raising.
    """
    end = len(data) if end is None else end
    data = data[:end]  # the headers must not be read past the enclosing value
    pos = start
    while pos < end:
        if data[pos] in (0x00, 0xFF):
            pos += 1
            continue
        try:
            tag, pos = _read_tag(data, pos)
            length, pos = _read_length(data, pos)
        except TlvError:
            return
        yield tag, pos, min(pos + length, end)
        pos += length


def parse(data: bytes) -> list[Tlv]:
    return list(iter_tlv(data))


def encode_length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    if n <= 0xFF:
        return bytes([0x81, n])
    if n <= 0xFFFF:
        return bytes([0x82]) + n.to_bytes(2, "big")
    raise TlvError(f"valeur trop longue : {n} octets")


def encode(tag: int, value: bytes | Iterable[bytes]) -> bytes:
    """Encode one TLV; ``value`` may be raw bytes or an iterable of already encoded children."""
    body = value if isinstance(value, bytes | bytearray) else b"".join(value)
    tag_bytes = tag.to_bytes((tag.bit_length() + 7) // 8 or 1, "big")
    return tag_bytes + encode_length(len(body)) + bytes(body)


def text(tag: int, value: str, encoding: str = "latin-1") -> bytes:
    return encode(tag, value.encode(encoding))
