"""Command APDUs: parsing, building and PIN masking (before anything reaches a trace sink)."""

from __future__ import annotations

from dataclasses import dataclass

#: Instructions whose data field carries reference data (a PIN): VERIFY, CHANGE REFERENCE DATA,
#: RESET RETRY COUNTER, and the CPS2ter-era proprietary forms with CLA 80/BC.
PIN_INS = frozenset({0x20, 0x21, 0x24, 0x2C})
MASK_BYTE = 0x2A  # '*': masked PIN bytes keep their count so traces show the length

INS_SELECT = 0xA4
INS_READ_BINARY = 0xB0
INS_GET_RESPONSE = 0xC0
INS_VERIFY = 0x20
INS_CHANGE_REFERENCE_DATA = 0x24
INS_RESET_RETRY_COUNTER = 0x2C


class ApduError(ValueError):
    """The byte string is not a valid command APDU."""


@dataclass(frozen=True)
class Command:
    """A command APDU taken apart (ISO 7816-4 header, data, Le), short or extended."""

    cla: int
    ins: int
    p1: int
    p2: int
    data: bytes = b""
    le: int | None = None  # None: no Le; 0 in a short APDU means 256 (65536 extended)
    extended: bool = False

    @property
    def ne(self) -> int:
        """Maximum number of response bytes expected (0 when there is no Le)."""
        if self.le is None:
            return 0
        if self.le == 0:
            return 65536 if self.extended else 256
        return self.le

    def to_bytes(self) -> bytes:
        return build(self.cla, self.ins, self.p1, self.p2, self.data, self.le, self.extended)


def parse(apdu: bytes) -> Command:
    """Parse short and extended APDUs (ISO 7816-4 cases 1–4)."""
    if len(apdu) < 4:
        raise ApduError(f"APDU trop court ({len(apdu)} octets)")
    cla, ins, p1, p2 = apdu[:4]
    body = apdu[4:]
    if not body:
        return Command(cla, ins, p1, p2)
    if len(body) == 1:
        return Command(cla, ins, p1, p2, le=body[0])
    if body[0] != 0:
        lc = body[0]
        if len(body) == 1 + lc:
            return Command(cla, ins, p1, p2, bytes(body[1:]))
        if len(body) == 2 + lc:
            return Command(cla, ins, p1, p2, bytes(body[1 : 1 + lc]), body[-1])
        raise ApduError(f"longueur incohérente (Lc={lc}, corps de {len(body)} octets)")
    # extended forms: body[0] == 0
    if len(body) == 3:
        return Command(cla, ins, p1, p2, le=int.from_bytes(body[1:3], "big"), extended=True)
    lc = int.from_bytes(body[1:3], "big")
    if len(body) == 3 + lc:
        return Command(cla, ins, p1, p2, bytes(body[3:]), extended=True)
    if len(body) == 5 + lc:
        return Command(cla, ins, p1, p2, bytes(body[3 : 3 + lc]), int.from_bytes(body[-2:], "big"), True)
    raise ApduError(f"APDU étendu incohérent ({len(apdu)} octets)")


#: parsed commands by their bytes: a card model answers the same few commands in every case
_PARSED: dict[bytes, Command] = {}
_PARSED_MAX = 1024


def parse_command(apdu: bytes) -> Command:
    """:func:`parse`, remembered per command (a :class:`Command` is immutable, so it can be shared).

    A command that may carry a PIN (:func:`is_pin_command`) is parsed each time and never kept.
    """
    cmd = _PARSED.get(apdu)
    if cmd is None:
        cmd = parse(apdu)
        if not is_pin_command(apdu):
            if len(_PARSED) >= _PARSED_MAX:
                _PARSED.clear()
            _PARSED[apdu] = cmd
    return cmd


def build(
    cla: int, ins: int, p1: int, p2: int, data: bytes = b"", le: int | None = None, extended: bool = False
) -> bytes:
    out = bytearray((cla, ins, p1, p2))
    if extended:
        if data:
            out += b"\x00" + len(data).to_bytes(2, "big") + data
            if le is not None:
                out += le.to_bytes(2, "big")
        elif le is not None:
            out += b"\x00" + le.to_bytes(2, "big")
        return bytes(out)
    if data:
        out += bytes([len(data)]) + data
    if le is not None:
        out.append(le & 0xFF)
    return bytes(out)


def is_pin_command(apdu: bytes) -> bool:
    return len(apdu) > 5 and apdu[1] in PIN_INS


def mask_pin(apdu: bytes) -> bytes:
    """Return the APDU with its data field replaced by '*' bytes when it may carry a PIN.

    Header, Lc and Le are kept so the trace still shows the shape of the command. Unparseable
    commands with a PIN instruction are masked from byte 5 on (fail closed). Any other command is
    returned as it is (the same object).
    """
    if not is_pin_command(apdu):
        return apdu
    try:
        cmd = parse(apdu)
    except ApduError:
        return apdu[:5] + bytes([MASK_BYTE]) * (len(apdu) - 5)
    masked = Command(cmd.cla, cmd.ins, cmd.p1, cmd.p2, bytes([MASK_BYTE]) * len(cmd.data), cmd.le, cmd.extended)
    return masked.to_bytes()


def select_aid(aid: bytes, le: int | None = None) -> bytes:
    return build(0x00, INS_SELECT, 0x04, 0x00, aid, le)


def select_fid(fid: int, p1: int = 0x00) -> bytes:
    return build(0x00, INS_SELECT, p1, 0x00, fid.to_bytes(2, "big"))


def select_path(path: bytes) -> bytes:
    """SELECT by path from the MF (P1 = 08)."""
    return build(0x00, INS_SELECT, 0x08, 0x00, path)


def read_binary_sfi(sfi: int, offset: int = 0, le: int = 0) -> bytes:
    return build(0x00, INS_READ_BINARY, 0x80 | sfi, offset, le=le)


def read_binary(offset: int = 0, le: int = 0) -> bytes:
    return build(0x00, INS_READ_BINARY, (offset >> 8) & 0x7F, offset & 0xFF, le=le)


def hexs(data: bytes) -> str:
    return data.hex(" ").upper()


def unhex(text: str) -> bytes:
    return bytes.fromhex("".join(text.split()))
