"""File layout of the virtual cards, shared by the card builders and the decoders.

What comes from public sources (docs/cards.md §2.1, §2.2): the Vitale AIDs, EF 2F00/2F02
under MF_VITALE, EF 2001 as a map file, tags 65/80/81/82/93 and 66/80, the read sequence SELECT MF →
READ BINARY SFI 2 → SELECT AID VITALE → READ BINARY SFI 2; the CPS ATRs, the PKCS#15 AIDs,
EF.SN.ICC and the ANS issuer number, the paths 3F00/0001/7001 and 3F00/0001/D120…D12F.

Everything else is OURS (the real layout is not public) and is marked ``OURS`` below: the FIDs of
the SFI files, the card-data file (tag 66 children C0…C8), the rights file (tag E5), the CPS identity
and situation TLVs, the PIN reference and padding. docs/cards.md documents them.
"""

from __future__ import annotations

import functools

# ---- Vitale (public)
AID_VITALE = bytes.fromhex("D250000002") + b"VITALE"
AID_MF_VITALE = bytes.fromhex("D250000002") + b"MF_VITALE"
FID_MF = 0x3F00
FID_DIR = 0x2F00
FID_PAN = 0x2F02
FID_MAP = 0x2001
SFI_IDENTITY = 2  # under MF: 65{80,81,82}; under AID VITALE: 65{93}
TAG_BENEFICIARY = 0x65
TAG_NAME = 0x80
TAG_FIRST_NAME = 0x81
TAG_BIRTH_DATE = 0x82  # ASCII AAAAMMJJ
TAG_NATIONALITY = 0x90
TAG_NIR = 0x93
TAG_CARD = 0x66
TAG_CARD_START = 0x80  # 66/80: date de début de validité

# ---- Vitale (OURS)
FID_IDENTITY = 0x2002  # OURS: FID of the SFI 2 files
FID_CARD = 0x2003  # OURS: card data, SFI 3 under AID VITALE
SFI_CARD = 3
FID_RIGHTS = 0x2004  # OURS: rights per beneficiary, SFI 4 under AID VITALE
SFI_RIGHTS = 4
# children of 66 (OURS except 80)
TAG_CARD_NATURE = 0xC0  # "T" | "D" | "R"
TAG_CARD_TYPE = 0xC1  # "1" Vitale1 IGEA, "2" Vitale1 SCOT, "3" Vitale2 (GIE CarteVitaleType values)
TAG_CARD_HOLDER_NIR = 0xC2  # immatriculation of the ouvrant droit, 15 ASCII chars
TAG_REGIME = 0xC3
TAG_CAISSE = 0xC4
TAG_CENTRE = 0xC5
TAG_CODE_GESTION = 0xC6
TAG_RIGHTS_START = 0xC7  # AAAAMMJJ
TAG_RIGHTS_END = 0xC8  # AAAAMMJJ, absent on Vitale 1 (no such field, docs/cards.md §2.1)
# rights file: one E5 per beneficiary (OURS)
TAG_RIGHTS_ENTRY = 0xE5
TAG_R_RANK = 0xC0  # ASCII 2 digits
TAG_R_QUALITE = 0xC1  # ASCII 2 digits
TAG_R_TWIN_RANK = 0xC2  # ASCII 1 digit
TAG_R_USUAL_NAME = 0xC3
#: coverage periods: constructed tag per flag, children 80 start / 81 end (AAAAMMJJ, may be absent)
COVERAGE_TAGS = {
    "ald": 0xA0,
    "c2s": 0xA1,
    "maternity": 0xA2,
    "at_mp": 0xA3,
    "alsace_moselle": 0xA4,
    "ame": 0xA5,
}
TAG_PERIOD_START = 0x80
TAG_PERIOD_END = 0x81

# ---- CPS (public)
AID_CPS_PKCS15 = bytes.fromhex("E828BD080F80250000 01FF0010".replace(" ", ""))
AID_CPS_PKCS15_CONTACTLESS = bytes.fromhex("E828BD080F802500 0001FF0020".replace(" ", ""))
ANS_ISSUER = bytes.fromhex("8025000001")
FID_DF_CPS = 0x0001
FID_CPS_PROBE = 0x7001  # contact-mode probe file; its CONTENT here is OURS (identity)
FID_SITUATION_FIRST = 0xD120
MAX_SITUATIONS = 16

# ---- CPS (OURS)
FID_SN_ICC = 0xD003  # OURS: FID of EF.SN.ICC (12 bytes, issuer number at offset 2)
SN_ISSUER_OFFSET = 2
PIN_REFERENCE = 0x81  # OURS: VERIFY P2
UNBLOCK_REFERENCE = 0x82  # OURS: VERIFY P2 counting the unblock code's tries (no data: never presented)
PIN_LENGTH = 8  # OURS: ASCII digits padded with FF to 8 bytes
TAG_CPS_IDENTITY = 0xE0
TAG_CPS_SITUATION = 0xE1
# identity children
TAG_P_RPPS = 0xC0
TAG_P_NAME = 0xC1
TAG_P_FIRST_NAME = 0xC2
TAG_P_PROFESSION_CODE = 0xC3
TAG_P_PROFESSION = 0xC4
TAG_P_SPECIALTY = 0xC5
TAG_P_CARD_TYPE = 0xC6
TAG_P_NATURE = 0xC7
# situation children
TAG_S_NUMBER = 0xC0
TAG_S_STRUCTURE = 0xC1
TAG_S_FINESS = 0xC2
TAG_S_AM_NUMBER = 0xC3
TAG_S_MODE = 0xC4
TAG_S_CONVENTION = 0xC5

#: Which card fields hold personal data, by (parent tag, child tag): what exports mask in APDU responses
#: (testbench/traces/redact_bytes.py). Field names, not redaction kinds: a card engineer reading a masked
#: trace wants to know it was the first name, not just "a name". The CPS structure name counts: a
#: practitioner's own cabinet is usually named after them.
PERSONAL_FIELDS: dict[tuple[int, int], str] = {
    (TAG_BENEFICIARY, TAG_NAME): "name",
    (TAG_BENEFICIARY, TAG_FIRST_NAME): "first_name",
    (TAG_BENEFICIARY, TAG_BIRTH_DATE): "birth_date",
    (TAG_BENEFICIARY, TAG_NIR): "nir",
    (TAG_CARD, TAG_CARD_HOLDER_NIR): "nir",
    (TAG_RIGHTS_ENTRY, TAG_R_USUAL_NAME): "usual_name",
    (TAG_CPS_IDENTITY, TAG_P_RPPS): "rpps",
    (TAG_CPS_IDENTITY, TAG_P_NAME): "name",
    (TAG_CPS_IDENTITY, TAG_P_FIRST_NAME): "first_name",
    (TAG_CPS_SITUATION, TAG_S_STRUCTURE): "structure",
    (TAG_CPS_SITUATION, TAG_S_FINESS): "finess",
    (TAG_CPS_SITUATION, TAG_S_AM_NUMBER): "am_number",
}

#: Top-level objects personal as a whole, by tag: the card number of EF 2F02 (``5A``), which on our cards holds
#: the body of the holder's NIR (testbench.cards.virtual) and on any card identifies its holder.
PERSONAL_OBJECTS: dict[int, str] = {0x5A: "card_number"}


def pin_block(code: str) -> bytes:
    """OURS: the VERIFY data field for a PIN (ASCII digits, FF padding to 8 bytes)."""
    raw = code.encode("ascii")
    return raw + b"\xff" * (PIN_LENGTH - len(raw))


def atr_family(atr: bytes) -> str | None:
    """ "vitale1", "vitale2", "cps3", "cps4" or None, from the public ATR tables (docs/cards.md §2.1, §2.2)."""
    return _atr_family(bytes(atr))


_CPS3_MASK = bytes.fromhex("FF00000000FFFFFFFFFFFF000000FFFFFF")
_CPS3_ATR = bytes.fromhex("3BAC00402A00122500648000031000 9000".replace(" ", ""))


@functools.lru_cache(maxsize=64)  # a bench meets a handful of ATRs, asked several times per case
def _atr_family(a: bytes) -> str | None:
    if len(a) == 9 and a[:4] == b"\x3f\x65\x25\x00" and a[5] == 0x09 and a[7:] == b"\x90\x00":
        return "vitale1"
    if len(a) == 10 and a[:5] == b"\x3b\x75\x13\x00\x00" and a[6:] == b"\x09\xea\x90\x00":
        return "vitale2"
    if len(a) == len(_CPS3_ATR) and all((x & m) == (y & m) for x, y, m in zip(a, _CPS3_ATR, _CPS3_MASK, strict=True)):
        return "cps3"
    if a.hex().upper() in _CPS4_ATRS:
        return "cps4"
    if a.hex().upper() == "3B8F80010031B86404B0ECC173940180829000 0E".replace(" ", ""):
        return "cps3"
    return None


_CPS4_ATRS = {
    "3B9B1880010012250064800401000090 44".replace(" ", ""),
    "3B9B1880010012250064800004010090 44".replace(" ", ""),
    "3BDC18FF0000122500648000040100 9000".replace(" ", ""),
}
