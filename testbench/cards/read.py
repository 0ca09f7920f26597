"""High-level public read sequences: ``read_vitale`` and ``read_cps`` over any :class:`CardChannel`.

Vitale 2: SELECT MF → READ BINARY SFI 2 (identities) → SELECT AID VITALE → READ BINARY SFI 2 (NIRs)
(public, docs/cards.md §2.1), then READ BINARY SFI 3 and 4 (card data and rights, OURS). Vitale 1 (its
ATR says so): READ BINARY by address with the class BC (:mod:`testbench.cards.vitale1`).
CPS: SELECT the PKCS#15 AID, read EF.SN.ICC, the identity file 0001/7001 and the situations
0001/D120…, then VERIFY without data to count the PIN tries (no try consumed, no PIN sent).

These reads are read-only and never send a PIN. The channel normally resolves T=0 ``61xx``/``6Cxx``
itself; the reads resolve them too, so any channel works.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from testbench.i18n import tn

from . import apdu as A
from . import layout as L
from .api import CardChannel, CardError
from .decode import CpsData, VitaleData, decode_cps, decode_vitale
from .sw import sw_meaning

MAX_FILE = 8192


class CardReadError(CardError):
    """The card answered a read sequence with an unexpected status word (not the expected card)."""

    def __init__(self, step: str, sw: int) -> None:
        super().__init__(f"{step} : SW {sw:04X} ({sw_meaning(sw)})")
        self.step = step
        self.sw = sw


class CardDataError(CardReadError):
    """The card answered 9000 with contents that do not decode (a truncated TLV, a field that is not what the
    layout says): a faulty card or another layout. A :class:`CardReadError`, so the guard refuses the card and
    ``cards probe`` says so, as for a card answering an error status word."""

    def __init__(self, step: str) -> None:
        CardError.__init__(self, f"{step} : contenu mal formé")
        self.step = step
        self.sw = 0x9000


@contextmanager
def _decoding(step: str) -> Iterator[None]:
    """Decode inside: a ValueError (TlvError, NirError, a bad number, date or text) becomes a CardDataError."""
    try:
        yield
    except ValueError as exc:
        raise CardDataError(step) from exc


def exchange(channel: CardChannel, slot: str, apdu: bytes) -> tuple[bytes, int]:
    """Transmit, resolving T=0 status words if the channel left them."""
    data, sw = channel.transmit(slot, apdu)
    if sw >> 8 == 0x6C:
        data, sw = channel.transmit(
            slot, apdu[:-1] + bytes([sw & 0xFF]) if len(apdu) > 4 else apdu + bytes([sw & 0xFF])
        )
    collected = bytearray(data)
    while sw >> 8 == 0x61:
        more, sw = channel.transmit(slot, A.build(0x00, A.INS_GET_RESPONSE, 0, 0, le=sw & 0xFF))
        collected += more
    return bytes(collected), sw


def read_file(channel: CardChannel, slot: str, first: bytes, step: str) -> bytes:
    """Read a whole transparent EF: ``first`` is the READ BINARY that selects it (SFI form) at offset 0."""
    data, sw = exchange(channel, slot, first)
    if sw not in (0x9000, 0x6282):
        raise CardReadError(step, sw)
    out = bytearray(data)
    while sw == 0x9000 and len(data) == 256 and len(out) < MAX_FILE:
        data, sw = exchange(channel, slot, A.read_binary(len(out), 0))
        if sw == 0x6B00:
            break
        if sw not in (0x9000, 0x6282):
            raise CardReadError(step, sw)
        out += data
    return bytes(out)


def _select(channel: CardChannel, slot: str, apdu: bytes, step: str) -> None:
    _, sw = exchange(channel, slot, apdu)
    if sw != 0x9000:
        raise CardReadError(step, sw)


def _is_vitale1(channel: CardChannel, slot: str, atr: bytes | None = None) -> bool:
    """A Vitale 1 is read by address with the class BC, not by files (testbench.cards.vitale1).

    ``atr``: the ATR the caller already has (through an out-of-process engine, asking it is a round trip).
    """
    return L.atr_family(channel.atr(slot) if atr is None else atr) == "vitale1"


def read_vitale_files(channel: CardChannel, slot: str, atr: bytes | None = None) -> dict[str, bytes]:
    """The raw files of the public sequence plus our card-data and rights files (Vitale 1: its zones)."""
    if _is_vitale1(channel, slot, atr):
        from .vitale1 import read_vitale1_files

        return read_vitale1_files(channel, slot)
    _select(channel, slot, A.select_fid(L.FID_MF), "SELECT MF")
    identity = read_file(channel, slot, A.read_binary_sfi(L.SFI_IDENTITY), "lecture identités (SFI 2)")
    _select(channel, slot, A.select_aid(L.AID_VITALE), "SELECT AID VITALE")
    nirs = read_file(channel, slot, A.read_binary_sfi(L.SFI_IDENTITY), "lecture NIR (SFI 2)")
    card = read_file(channel, slot, A.read_binary_sfi(L.SFI_CARD), "lecture données carte (SFI 3)")
    rights = read_file(channel, slot, A.read_binary_sfi(L.SFI_RIGHTS), "lecture droits (SFI 4)")
    return {"identity": identity, "nirs": nirs, "card": card, "rights": rights}


#: the decoders, remembered per file contents: the guard and the step read the same card in each case, and
#: a campaign uses a few cards many times. Their results are immutable, so one object can serve every read.
_decode_vitale = lru_cache(maxsize=64)(decode_vitale)
_decode_cps_identity = lru_cache(maxsize=64)(decode_cps)


def read_vitale(channel: CardChannel, slot: str) -> VitaleData:
    """Read and decode the Vitale card in ``slot`` (its ATR asked once). Raises CardUnavailable / CardReadError."""
    atr = channel.atr(slot)
    f = read_vitale_files(channel, slot, atr)
    with _decoding("lecture carte Vitale"):
        return _decode_vitale(f["identity"], f["nirs"], f["card"], f["rights"], bytes(atr))


def read_vitale_holder(channel: CardChannel, slot: str) -> tuple[str, str, str]:
    """The guard's short read: (name, first name, NIR) of beneficiary 1 through the public sequence only."""
    from .decode import decode_identities, decode_nirs

    if _is_vitale1(channel, slot):
        from .vitale1 import read_vitale1_files

        zones = read_vitale1_files(channel, slot, ("identity", "nirs"))
        with _decoding("lecture carte Vitale"):
            ids, nirs = decode_identities(zones["identity"]), decode_nirs(zones["nirs"])
    else:
        _select(channel, slot, A.select_fid(L.FID_MF), "SELECT MF")
        identities = read_file(channel, slot, A.read_binary_sfi(L.SFI_IDENTITY), "lecture identités")
        _select(channel, slot, A.select_aid(L.AID_VITALE), "SELECT AID VITALE")
        nir_file = read_file(channel, slot, A.read_binary_sfi(L.SFI_IDENTITY), "lecture NIR")
        with _decoding("lecture carte Vitale"):
            ids, nirs = decode_identities(identities), decode_nirs(nir_file)
    name, first, _ = ids[0] if ids else ("", "", None)
    return name, first, nirs[0] if nirs else ""


def _read_cps_identity(channel: CardChannel, slot: str) -> bytes:
    """The identity file 0001/7001 (the PKCS#15 application selected)."""
    path = L.FID_DF_CPS.to_bytes(2, "big")
    _select(
        channel,
        slot,
        A.build(0, A.INS_SELECT, 0x08, 0x0C, path + L.FID_CPS_PROBE.to_bytes(2, "big")),
        "SELECT 0001/7001",
    )
    return read_file(channel, slot, A.read_binary(0, 0), "lecture identité PS")


def read_cps(channel: CardChannel, slot: str) -> CpsData:
    """Read and decode the CPS in ``slot`` (no PIN presented; the tries counter is read)."""
    atr = channel.atr(slot)
    _select(channel, slot, A.select_aid(L.AID_CPS_PKCS15, le=0), "SELECT AID PKCS#15")
    _select(channel, slot, A.build(0, A.INS_SELECT, 0x08, 0x0C, L.FID_SN_ICC.to_bytes(2, "big")), "SELECT EF.SN.ICC")
    sn = read_file(channel, slot, A.read_binary(0, 0), "lecture EF.SN.ICC")
    identity = _read_cps_identity(channel, slot)
    path = L.FID_DF_CPS.to_bytes(2, "big")
    situations = []
    for n in range(L.MAX_SITUATIONS):
        fid = (L.FID_SITUATION_FIRST + n).to_bytes(2, "big")
        _, sw = exchange(channel, slot, A.build(0, A.INS_SELECT, 0x08, 0x0C, path + fid))
        if sw != 0x9000:
            break
        situations.append(read_file(channel, slot, A.read_binary(0, 0), f"lecture situation {n}"))
    tries = pin_tries_left(channel, slot)
    with _decoding("lecture identité PS"):
        return decode_cps(identity, situations, atr, tries, sn)


def read_cps_holder(channel: CardChannel, slot: str) -> CpsData:
    """The guard's short read: the PKCS#15 application and the identity file only (RPPS, names, card
    type, nature): 5 APDUs instead of 13. No situations, no SN, no tries count (``None`` in the data)."""
    atr = channel.atr(slot)
    _select(channel, slot, A.select_aid(L.AID_CPS_PKCS15, le=0), "SELECT AID PKCS#15")
    identity = _read_cps_identity(channel, slot)
    with _decoding("lecture identité PS"):
        return _decode_cps_identity(identity, None, bytes(atr))


def pin_tries_left(channel: CardChannel, slot: str) -> int | None:
    """VERIFY with no data: 63Cx → x tries, 6983 → 0 (blocked), 9000 → already verified (None)."""
    _, sw = exchange(channel, slot, A.build(0, A.INS_VERIFY, 0, L.PIN_REFERENCE))
    if sw >> 8 == 0x63 and sw & 0xF0 == 0xC0:
        return sw & 0x0F
    if sw == 0x6983:
        return 0
    return None


class PinRefused(CardError):
    """VERIFY was not attempted (too few tries left) or the card refused the PIN."""


def verify_pin(channel: CardChannel, slot: str, code: str, min_tries: int = 2) -> None:
    """Present a test PIN, but only after counting the tries left (design note 13: never retry blindly).

    Refuses to send it when fewer than ``min_tries`` remain, so a bench bug cannot block a test card.
    The PIN goes only to the card: the channel masks VERIFY data before any trace sink sees it.
    """
    tries = pin_tries_left(channel, slot)
    if tries is not None and tries < min_tries:
        if tries == 0:
            raise PinRefused("code porteur bloqué")
        raise PinRefused(
            tn(
                "code porteur non présenté : {count} essai restant",
                "code porteur non présenté : {count} essais restants",
                tries,
                "fr",
            )
        )
    _, sw = exchange(channel, slot, A.build(0, A.INS_VERIFY, 0, L.PIN_REFERENCE, L.pin_block(code)))
    if sw != 0x9000:
        raise PinRefused(f"code porteur refusé : {sw_meaning(sw)}")
