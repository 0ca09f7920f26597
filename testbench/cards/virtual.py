"""Build the in-process virtual card (an :class:`IsoCard`) that answers as a profile's card.

Layout: see layout.py (public parts and OURS parts) and docs/cards.md.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from . import layout as L
from . import tlv
from .model import DF, EF, IsoCard
from .profile import CardProfile, Period, load_profile

if TYPE_CHECKING:
    from .vitale1 import Vitale1Card


def _d(day: date | None) -> str:
    return day.strftime("%Y%m%d") if day else ""


def _period(tag: int, period: Period) -> bytes:
    children = []
    if period.start:
        children.append(tlv.text(L.TAG_PERIOD_START, _d(period.start)))
    if period.end:
        children.append(tlv.text(L.TAG_PERIOD_END, _d(period.end)))
    return tlv.encode(tag, children)


def vitale_files(p: CardProfile) -> dict[str, bytes]:
    """The generated contents of the Vitale files, by name (also used by docs and tests)."""
    identity = b"".join(
        tlv.encode(
            L.TAG_BENEFICIARY,
            [
                tlv.text(L.TAG_NAME, b.name),
                tlv.text(L.TAG_FIRST_NAME, b.first_name),
                tlv.text(L.TAG_BIRTH_DATE, _d(b.birth_date)),
            ],
        )
        for b in p.beneficiaries
    )
    nirs = b"".join(tlv.encode(L.TAG_BENEFICIARY, [tlv.text(L.TAG_NIR, b.nir)]) for b in p.beneficiaries)
    r = p.rights
    assert r is not None
    card_children = []
    if p.card_validity and p.card_validity.start:
        card_children.append(tlv.text(L.TAG_CARD_START, _d(p.card_validity.start)))
    card_type = "3" if p.kind == "vitale2" else ("2" if p.atr[4:5] == b"\x2b" else "1")
    card_children += [
        tlv.text(L.TAG_CARD_NATURE, p.nature),
        tlv.text(L.TAG_CARD_TYPE, card_type),
        tlv.text(L.TAG_CARD_HOLDER_NIR, p.holder_nir),
        tlv.text(L.TAG_REGIME, r.regime),
        tlv.text(L.TAG_CAISSE, r.caisse),
        tlv.text(L.TAG_CENTRE, r.centre),
        tlv.text(L.TAG_CODE_GESTION, r.code_gestion),
    ]
    if r.start:
        card_children.append(tlv.text(L.TAG_RIGHTS_START, _d(r.start)))
    if r.end and p.kind != "vitale1":
        card_children.append(tlv.text(L.TAG_RIGHTS_END, _d(r.end)))
    card = tlv.encode(L.TAG_CARD, card_children)
    rights = b""
    for b in p.beneficiaries:
        children = [
            tlv.text(L.TAG_R_RANK, f"{b.rank:02d}"),
            tlv.text(L.TAG_R_QUALITE, b.qualite),
            tlv.text(L.TAG_R_TWIN_RANK, str(b.twin_rank)),
        ]
        if b.usual_name:
            children.append(tlv.text(L.TAG_R_USUAL_NAME, b.usual_name))
        for flag, tag in L.COVERAGE_TAGS.items():
            period = getattr(b.coverage, flag)
            if period is not None:
                children.append(_period(tag, period))
        rights += tlv.encode(L.TAG_RIGHTS_ENTRY, children)
    dir_ = tlv.encode(0x61, [tlv.encode(0x4F, L.AID_VITALE), tlv.text(0x50, "VITALE")])
    pan = tlv.encode(0x5A, ("0" * 4 + p.holder_nir[:13] + "0").encode("ascii"))  # OURS: a card number
    map_ = tlv.encode(
        0xE0,
        [
            tlv.encode(0xA0, [tlv.encode(0x82, L.AID_VITALE)]),
            tlv.encode(0x80, b"NIR     " + L.FID_IDENTITY.to_bytes(2, "big")),
            tlv.encode(0x80, b"CARTE   " + L.FID_CARD.to_bytes(2, "big")),
            tlv.encode(0x80, b"DROITS  " + L.FID_RIGHTS.to_bytes(2, "big")),
        ],
    )
    return {"identity": identity, "nirs": nirs, "card": card, "rights": rights, "dir": dir_, "pan": pan, "map": map_}


#: id(profile) → (profile, its generated files): present() builds a fresh card per case from a profile
#: loaded once per content (testbench.cards.profile), whose files are the same bytes every time
_FILES: dict[int, tuple[CardProfile, dict[str, bytes]]] = {}
_FILES_MAX = 256


def _files(p: CardProfile, make: Callable[[CardProfile], dict[str, bytes]]) -> dict[str, bytes]:
    """``make(p)``, computed once per loaded profile (the cache keeps ``p``, so its id is not reused)."""
    hit = _FILES.get(id(p))
    if hit is not None and hit[0] is p:
        return hit[1]
    files = make(p)
    if len(_FILES) >= _FILES_MAX:
        _FILES.clear()
    _FILES[id(p)] = (p, files)
    return files


def build_vitale(p: CardProfile) -> IsoCard:
    f = _files(p, vitale_files)
    mf = DF(L.FID_MF)
    mf.add(EF(L.FID_DIR, f["dir"]))
    mf.add(EF(L.FID_PAN, f["pan"]))
    mf.add(EF(L.FID_IDENTITY, f["identity"], L.SFI_IDENTITY))
    adf = DF(0x1000, L.AID_VITALE)  # OURS: FID of the ADF
    mf.add(adf)
    adf.add(EF(L.FID_MAP, f["map"], 1))
    adf.add(EF(L.FID_IDENTITY, f["nirs"], L.SFI_IDENTITY))
    adf.add(EF(L.FID_CARD, f["card"], L.SFI_CARD))
    adf.add(EF(L.FID_RIGHTS, f["rights"], L.SFI_RIGHTS))
    card = IsoCard(p.atr, mf, t0=True)
    card.aid_aliases[L.AID_MF_VITALE] = mf
    _add_raw_files(card, p)
    return card


def cps_files(p: CardProfile) -> dict[str, bytes]:
    pro = p.professional
    assert pro is not None
    identity = tlv.encode(
        L.TAG_CPS_IDENTITY,
        [
            tlv.text(L.TAG_P_RPPS, pro.rpps),
            tlv.text(L.TAG_P_NAME, pro.name),
            tlv.text(L.TAG_P_FIRST_NAME, pro.first_name),
            tlv.text(L.TAG_P_PROFESSION_CODE, pro.profession_code),
            tlv.encode(L.TAG_P_PROFESSION, pro.profession.encode("utf-8")),
            tlv.encode(L.TAG_P_SPECIALTY, pro.specialty.encode("utf-8")),
            tlv.text(L.TAG_P_CARD_TYPE, pro.card_type),
            tlv.text(L.TAG_P_NATURE, p.nature),
        ],
    )
    sn = bytearray(12)
    sn[L.SN_ISSUER_OFFSET : L.SN_ISSUER_OFFSET + 5] = L.ANS_ISSUER
    sn[8:12] = int(pro.rpps[-8:]).to_bytes(4, "big")  # OURS: a serial derived from the RPPS
    out = {"identity": identity, "sn": bytes(sn)}
    for s in p.situations:
        out[f"situation{s.number}"] = tlv.encode(
            L.TAG_CPS_SITUATION,
            [
                tlv.text(L.TAG_S_NUMBER, f"{s.number:02d}"),
                tlv.encode(L.TAG_S_STRUCTURE, s.structure.encode("utf-8")),
                tlv.text(L.TAG_S_FINESS, s.finess),
                tlv.text(L.TAG_S_AM_NUMBER, s.am_number),
                tlv.text(L.TAG_S_MODE, s.mode),
                tlv.text(L.TAG_S_CONVENTION, s.convention),
            ],
        )
    return out


def build_cps(p: CardProfile) -> IsoCard:
    f = _files(p, cps_files)
    mf = DF(L.FID_MF)
    mf.add(EF(L.FID_SN_ICC, f["sn"]))
    df = DF(L.FID_DF_CPS, L.AID_CPS_PKCS15)  # OURS: the PKCS#15 ADF is DF 0001
    mf.add(df)
    df.add(EF(L.FID_CPS_PROBE, f["identity"]))
    for s in p.situations:
        df.add(EF(L.FID_SITUATION_FIRST + s.number, f[f"situation{s.number}"]))
    card = IsoCard(p.atr, mf, t0=True, pin=p.pin)
    _add_raw_files(card, p)
    return card


def _add_raw_files(card: IsoCard, p: CardProfile) -> None:
    for raw in p.files:
        if raw.df == "MF":
            df = card.mf
        elif raw.df == "VITALE":
            df = card._find_aid(L.AID_VITALE) or card.mf
        else:
            df = card._find_aid(bytes.fromhex(raw.df)) or card.mf.add(
                DF(0x1100 + len(card.mf.children), bytes.fromhex(raw.df))
            )
        assert isinstance(df, DF)
        existing = df.children.get(raw.fid)
        sfi = raw.sfi if raw.sfi is not None else (existing.sfi if isinstance(existing, EF) else None)
        df.add(EF(raw.fid, raw.content, sfi))


def build_card(profile: CardProfile | str | Path) -> IsoCard | Vitale1Card:
    """The virtual card for a profile (a loaded :class:`CardProfile` or a path); a Vitale 1 is a memory
    card with the same interface (``atr``, ``process``, power), not a file system."""
    p = profile if isinstance(profile, CardProfile) else load_profile(profile)
    if p.kind == "vitale1":
        from .vitale1 import build_vitale1

        return build_vitale1(p)
    return build_vitale(p) if p.is_vitale else build_cps(p)
