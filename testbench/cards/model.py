"""A small ISO 7816-4 card model answering APDUs: the same object serves unit tests (in process)
and the vpcd emulator (real pcscd).

It implements what the Vitale/CPS read sequences need: SELECT (MF, FID, path, AID), READ BINARY
(current EF, short EF identifier, offsets), GET RESPONSE, VERIFY with a tries counter, CHANGE
REFERENCE DATA and RESET RETRY COUNTER (the PIN change and unblock, OURS data layout), and T=0
behaviour (case 2 with a wrong Le → ``6Cxx``; case 4 → ``61xx`` then GET RESPONSE), because both
Vitale and CPS ATRs announce T=0.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import apdu as A
from .profile import Pin

SW_OK = b"\x90\x00"


def _sw(sw: int) -> bytes:
    return sw.to_bytes(2, "big")


@dataclass
class EF:
    """An elementary file of the card model: its FID, content and short identifier."""

    fid: int
    content: bytes
    sfi: int | None = None


@dataclass
class DF:
    """A dedicated file of the card model (the MF, an application by AID) and the files under it."""

    fid: int
    aid: bytes | None = None
    children: dict[int, EF | DF] = field(default_factory=dict)
    parent: DF | None = field(default=None, repr=False)

    def add(self, node: EF | DF) -> EF | DF:
        self.children[node.fid] = node
        if isinstance(node, DF):
            node.parent = self
        return node

    def ef_by_sfi(self, sfi: int) -> EF | None:
        for child in self.children.values():
            if isinstance(child, EF) and child.sfi == sfi:
                return child
        return None

    def walk(self):
        yield self
        for child in self.children.values():
            if isinstance(child, DF):
                yield from child.walk()


class IsoCard:
    """An ISO 7816-4 file-system card. Subclass-free: builders fill the tree."""

    def __init__(self, atr: bytes, mf: DF, *, t0: bool = True, pin: Pin | None = None) -> None:
        self.atr = bytes(atr)
        self.mf = mf
        self.t0 = t0
        self._pin = pin
        self._pin_code = pin.reveal() if pin else ""  # the card's current PIN: a change-pin replaces it
        self._pin_tries = pin.tries_left if pin else 0
        self._unblock_tries = pin.unblock_tries_left if pin else 0
        self.aid_aliases: dict[bytes, DF] = {}  # extra AIDs naming an existing DF (MF_VITALE → MF)
        self.powered = False
        self._reset_state()

    # -- power
    def _reset_state(self) -> None:
        self.current_df: DF = self.mf
        self.current_ef: EF | None = None
        self._pending = b""
        self._verified = False

    def power_on(self) -> None:
        self.powered = True
        self._reset_state()

    def power_off(self) -> None:
        self.powered = False
        self._reset_state()

    def reset(self) -> None:
        self.power_on()

    @property
    def pin_tries_left(self) -> int:
        return self._pin_tries

    # -- dispatch
    def process(self, raw: bytes) -> bytes:
        try:
            cmd = A.parse_command(bytes(raw))
        except A.ApduError:
            return _sw(0x6700)
        if cmd.cla & 0x80 and cmd.cla != 0x80:
            return _sw(0x6E00)
        handler = _HANDLERS.get(cmd.ins)
        if cmd.ins != A.INS_GET_RESPONSE:
            self._pending = b""
        if handler is None:
            return _sw(0x6D00)
        return handler(self, cmd)

    def _respond(self, cmd: A.Command, data: bytes) -> bytes:
        """Answer a command that produces data, honouring T=0 rules."""
        if self.t0 and cmd.data and data and cmd.le is not None:  # case 4 under T=0: 61xx then GET RESPONSE
            self._pending = data
            return bytes([0x61, len(data) & 0xFF])
        if cmd.le is None:
            return SW_OK
        return self._with_le(cmd, data)

    def _with_le(self, cmd: A.Command, data: bytes) -> bytes:
        ne = cmd.ne
        if self.t0 and len(data) < ne and len(data) < 256:
            return bytes([0x6C, len(data)])  # wrong length: resend with Le = exact length
        if len(data) < ne:
            return data + _sw(0x6282)
        return data[:ne] + SW_OK

    # -- SELECT
    def _select(self, cmd: A.Command) -> bytes:
        p1 = cmd.p1
        target: EF | DF | None = None
        if p1 == 0x04:
            target = self._find_aid(cmd.data)
        elif p1 == 0x00 and (not cmd.data or cmd.data == b"\x3f\x00"):
            target = self.mf
        elif p1 in (0x00, 0x01, 0x02) and len(cmd.data) == 2:
            fid = int.from_bytes(cmd.data, "big")
            base = self.current_df
            target = base.children.get(fid)
            if target is None and p1 == 0x00 and base.parent is not None:
                target = base.parent.children.get(fid)
        elif p1 == 0x03:
            target = self.current_df.parent or self.mf
        elif p1 in (0x08, 0x09) and len(cmd.data) >= 2 and len(cmd.data) % 2 == 0:
            node: EF | DF | None = self.mf if p1 == 0x08 else self.current_df
            fids = [int.from_bytes(cmd.data[i : i + 2], "big") for i in range(0, len(cmd.data), 2)]
            if fids and fids[0] == 0x3F00 and p1 == 0x08:
                fids = fids[1:]
            for fid in fids:
                node = node.children.get(fid) if isinstance(node, DF) else None
            target = node
        else:
            return _sw(0x6A86)
        if target is None:
            return _sw(0x6A82)
        if isinstance(target, DF):
            self.current_df, self.current_ef = target, None
        else:
            self.current_ef = target
            parent = self._parent_of(target)
            if parent is not None:
                self.current_df = parent
        if cmd.p2 & 0x0C == 0x0C or cmd.le is None:  # no FCI requested, or none expected (no Le): 9000
            return SW_OK
        if isinstance(target, DF):
            body = self._fci_body(target)
            fci = b"\x6f" + bytes([len(body)]) + body
        else:
            body = b"\x83\x02" + target.fid.to_bytes(2, "big") + b"\x80\x02" + len(target.content).to_bytes(2, "big")
            fci = b"\x62" + bytes([len(body)]) + body
        return self._respond(cmd, fci)

    @staticmethod
    def _fci_body(df: DF) -> bytes:
        if df.aid:
            return b"\x84" + bytes([len(df.aid)]) + df.aid
        return b"\x83\x02" + df.fid.to_bytes(2, "big")

    def _find_aid(self, aid: bytes) -> DF | None:
        if aid in self.aid_aliases:
            return self.aid_aliases[aid]
        for df in self.mf.walk():
            if df.aid and (df.aid == aid or (len(aid) >= 5 and df.aid.startswith(aid))):
                return df
        return None

    def _parent_of(self, ef: EF) -> DF | None:
        for df in self.mf.walk():
            if df.children.get(ef.fid) is ef:
                return df
        return None

    # -- READ BINARY
    def _read_binary(self, cmd: A.Command) -> bytes:
        if cmd.p1 & 0x80:
            sfi = cmd.p1 & 0x1F
            ef = self.current_df.ef_by_sfi(sfi)
            if ef is None:
                return _sw(0x6A82)
            self.current_ef = ef
            offset = cmd.p2
        else:
            if self.current_ef is None:
                return _sw(0x6986)
            ef = self.current_ef
            offset = ((cmd.p1 & 0x7F) << 8) | cmd.p2
        if offset > len(ef.content) or (offset == len(ef.content) and ef.content):
            return _sw(0x6B00)
        if cmd.le is None:
            return _sw(0x6700)
        return self._with_le(cmd, ef.content[offset : offset + cmd.ne])

    # -- GET RESPONSE
    def _get_response(self, cmd: A.Command) -> bytes:
        if not self._pending:
            return _sw(0x6985)
        data, self._pending = self._pending, b""
        ne = cmd.ne
        if ne < len(data):
            out, rest = data[:ne], data[ne:]
            self._pending = rest
            return out + bytes([0x61, len(rest) & 0xFF])
        if ne > len(data) and cmd.le not in (None, 0):
            self._pending = data
            return bytes([0x6C, len(data)])
        return data + SW_OK

    # -- VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER (OURS: docs/cards.md §2.2)
    def _verify(self, cmd: A.Command) -> bytes:
        from .layout import PIN_REFERENCE, UNBLOCK_REFERENCE

        if self._pin is not None and cmd.p2 == UNBLOCK_REFERENCE and not cmd.data and self._pin.reveal_unblock():
            return _sw(0x6983) if self._unblock_tries == 0 else bytes([0x63, 0xC0 | self._unblock_tries])
        if self._pin is None or cmd.p2 != PIN_REFERENCE:
            return _sw(0x6A88)
        if not cmd.data:  # tries counter query (does not consume a try)
            if self._pin_tries == 0:
                return _sw(0x6983)
            return _sw(0x9000) if self._verified else bytes([0x63, 0xC0 | self._pin_tries])
        if self._pin_tries == 0:
            return _sw(0x6983)
        return self._check_pin(cmd.data)

    def _check_pin(self, block: bytes) -> bytes:
        """Compare a PIN block with the current PIN; count a try when it is wrong."""
        from .layout import pin_block

        if block == pin_block(self._pin_code):
            self._pin_tries = self._pin.max_tries if self._pin else 0
            self._verified = True
            return SW_OK
        self._pin_tries -= 1
        self._verified = False
        if self._pin_tries == 0:
            return _sw(0x6983)
        return bytes([0x63, 0xC0 | self._pin_tries])

    @staticmethod
    def _new_pin(block: bytes) -> str | None:
        """The digits of a new-PIN block (4 to 8 ASCII digits padded with FF), None when malformed."""
        digits = block.rstrip(b"\xff")
        if not 4 <= len(digits) <= 8 or not digits.isdigit():
            return None
        return digits.decode("ascii")

    def _change_reference_data(self, cmd: A.Command) -> bytes:
        """``00 24 00 81 10`` old PIN block + new PIN block: a wrong old PIN counts a try."""
        from .layout import PIN_LENGTH, PIN_REFERENCE

        if self._pin is None or cmd.p1 != 0 or cmd.p2 != PIN_REFERENCE:
            return _sw(0x6A88 if cmd.p1 == 0 else 0x6A86)
        if len(cmd.data) != 2 * PIN_LENGTH:
            return _sw(0x6700)
        if self._pin_tries == 0:
            return _sw(0x6983)
        new = self._new_pin(cmd.data[PIN_LENGTH:])
        if new is None:
            return _sw(0x6A80)
        answer = self._check_pin(cmd.data[:PIN_LENGTH])
        if answer == SW_OK:
            self._pin_code = new
            self._verified = False  # the new PIN is presented by a VERIFY of its own
        return answer

    def _reset_retry_counter(self, cmd: A.Command) -> bytes:
        """``00 2C 01 81 08`` unblock block (counter reset, PIN kept) or ``00 2C 00 81 10`` unblock block
        + new PIN block. A wrong unblock code counts one of its own tries; at 0 the PIN is dead."""
        from .layout import PIN_LENGTH, PIN_REFERENCE, pin_block

        unblock = self._pin.reveal_unblock() if self._pin else None
        if self._pin is None or unblock is None or cmd.p2 != PIN_REFERENCE:
            return _sw(0x6A88)
        if cmd.p1 not in (0, 1):
            return _sw(0x6A86)
        if len(cmd.data) != (PIN_LENGTH if cmd.p1 == 1 else 2 * PIN_LENGTH):
            return _sw(0x6700)
        if self._unblock_tries == 0:
            return _sw(0x6983)
        new = None if cmd.p1 == 1 else self._new_pin(cmd.data[PIN_LENGTH:])
        if cmd.p1 == 0 and new is None:
            return _sw(0x6A80)
        if cmd.data[:PIN_LENGTH] != pin_block(unblock):
            self._unblock_tries -= 1
            return _sw(0x6983) if self._unblock_tries == 0 else bytes([0x63, 0xC0 | self._unblock_tries])
        self._unblock_tries = self._pin.unblock_max_tries
        self._pin_tries = self._pin.max_tries
        self._verified = False
        if new is not None:
            self._pin_code = new
        return SW_OK


#: instruction → the card's handler (one table, not a dict of bound methods built per command)
_HANDLERS = {
    A.INS_SELECT: IsoCard._select,
    A.INS_READ_BINARY: IsoCard._read_binary,
    A.INS_GET_RESPONSE: IsoCard._get_response,
    A.INS_VERIFY: IsoCard._verify,
    A.INS_CHANGE_REFERENCE_DATA: IsoCard._change_reference_data,
    A.INS_RESET_RETRY_COUNTER: IsoCard._reset_retry_counter,
}
