"""Vitale 1: an addressed memory card of the B0' family, not an ISO 7816-4 file system.

What is public (docs/cards.md §2.1): a Vitale 1 is a Bull CP8 mask card of about 4 KB with no
application identifier to select; it answers the class ``BC`` and is read by memory address with
``BC B0 AH AL Le`` (READ BINARY, the address in P1-P2), the readable area starting at 0200h. So a Vitale 2
read sequence (``00 A4 …``, SELECT by AID) gets ``6E00`` from it, and a reader written for Vitale 2 only
fails on it, as a product does on a real Vitale 1.

What is OURS: the contents. At 0200h a directory of four entries (address, length: 2 bytes each) for the
identities, the NIRs, the card data and the rights, each zone holding the same TLV as the Vitale 2 files
(:func:`testbench.cards.virtual.vitale_files`), so one decoder serves both generations. The real card
packs its fields in nibbles (BCD); that encoding is not public enough to copy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import apdu as A
from . import tlv
from .api import CardChannel

if TYPE_CHECKING:
    from .profile import CardProfile

CLA = 0xBC
START = 0x0200  # public: the first readable address
ZONES = ("identity", "nirs", "card", "rights")  # OURS: the directory's order
DIRECTORY_LENGTH = 4 * len(ZONES)
MEMORY_SIZE = 4096  # public: about 4 KB
CHUNK = 0xF8  # OURS: the longest read the reader asks for at once


def _sw(sw: int) -> bytes:
    return sw.to_bytes(2, "big")


class Vitale1Card:
    """The virtual Vitale 1 (same interface as :class:`testbench.cards.model.IsoCard`)."""

    def __init__(self, atr: bytes, zones: dict[str, bytes]) -> None:
        self.atr = bytes(atr)
        directory = bytearray()
        body = bytearray()
        address = START + DIRECTORY_LENGTH
        for name in ZONES:
            data = zones[name]
            directory += address.to_bytes(2, "big") + len(data).to_bytes(2, "big")
            body += data
            address += len(data)
        self.memory = bytes(directory + body)
        self.powered = False

    def power_on(self) -> None:
        self.powered = True

    def power_off(self) -> None:
        self.powered = False

    def reset(self) -> None:
        self.power_on()

    def process(self, raw: bytes) -> bytes:
        try:
            cmd = A.parse_command(bytes(raw))
        except A.ApduError:
            return _sw(0x6700)
        if cmd.cla != CLA:
            return _sw(0x6E00)
        if cmd.ins != A.INS_READ_BINARY:
            return _sw(0x6D00)
        if cmd.data or cmd.le is None or cmd.le == 0:
            return _sw(0x6700)
        offset = ((cmd.p1 << 8) | cmd.p2) - START
        if offset < 0 or offset + cmd.le > len(self.memory):
            return _sw(0x6B00)
        return self.memory[offset : offset + cmd.le] + _sw(0x9000)


def _zones(profile: CardProfile) -> dict[str, bytes]:
    from .virtual import vitale_files

    files = vitale_files(profile)
    return {name: files[name] for name in ZONES}


def build_vitale1(profile: CardProfile) -> Vitale1Card:
    return Vitale1Card(profile.atr, _zones(profile))


def memory_problem(profile: CardProfile) -> str | None:
    """Why the profile's data do not fit a Vitale 1's memory, or None (checked when the profile loads)."""
    size = START + DIRECTORY_LENGTH + sum(len(z) for z in _zones(profile).values())
    if size > MEMORY_SIZE:
        return f"les données ne tiennent pas dans une carte Vitale 1 : {size - START} octets pour {MEMORY_SIZE - START}"
    return None


def read_binary(address: int, length: int) -> bytes:
    return A.build(CLA, A.INS_READ_BINARY, address >> 8, address & 0xFF, le=length)


def _whole(data: bytes) -> int:
    """How many leading bytes of ``data`` are whole top-level objects (0 when the first one is cut)."""
    pos = whole = 0
    try:
        while pos < len(data):
            _, pos = tlv._read_tag(data, pos)
            length, pos = tlv._read_length(data, pos)
            if pos + length > len(data):
                break
            pos = whole = pos + length
    except tlv.TlvError:
        pass
    return whole


def _read(channel: CardChannel, slot: str, address: int, length: int, step: str, *, objects: bool = False) -> bytes:
    """``length`` bytes from ``address``, in pieces of at most :data:`CHUNK`; a zone of objects (``objects``) in
    pieces that end where an object ends, so that each response starts with an object: the exports mask a
    response by its structure, and one that starts inside a name is masked whole (testbench.traces.redact_bytes)."""
    from .read import CardReadError

    out = bytearray()
    while len(out) < length:
        size = min(CHUNK, length - len(out))
        data, sw = channel.transmit(slot, read_binary(address + len(out), size))
        if sw != 0x9000 or len(data) != size:
            raise CardReadError(step, sw)
        if objects and len(out) + size < length:  # more to read: from the start of the object this piece cuts
            data = data[: _whole(data) or size]
        out += data
    return bytes(out)


def read_vitale1_files(channel: CardChannel, slot: str, zones: tuple[str, ...] = ZONES) -> dict[str, bytes]:
    """The directory at 0200h, then each zone asked for, read from its own address and in pieces of whole
    objects (so each response of a trace starts with a TLV, which the exports' redaction reads by structure)."""
    directory = _read(channel, slot, START, DIRECTORY_LENGTH, "lecture du répertoire Vitale 1 (0200h)")
    out = {}
    for i, name in enumerate(ZONES):
        if name in zones:
            entry = directory[4 * i : 4 * i + 4]
            address, length = int.from_bytes(entry[:2], "big"), int.from_bytes(entry[2:], "big")
            if address + length > 0x10000:  # past what READ BINARY can address (P1-P2): a garbled directory
                from .read import CardDataError

                raise CardDataError("lecture du répertoire Vitale 1 (0200h)")
            step = f"lecture Vitale 1 ({name}, {address:04X}h)"
            out[name] = _read(channel, slot, address, length, step, objects=True)
    return out
