"""Decoders: card file contents → typed data (dataclasses), with JSON-able ``as_dict()``.

Layouts: layout.py (public tags and OURS tags). Decoders are lenient about unknown tags and strict
about truncated TLV (TlvError).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from . import layout as L
from . import tlv
from .profile import COVERAGE_FLAGS

JsonObject = dict[str, Any]


def _date(text: str | None) -> str | None:
    """AAAAMMJJ → ISO AAAA-MM-JJ (kept as written when it is not a calendar date, e.g. lunar dates)."""
    if not text:
        return None
    if len(text) == 8 and text.isdigit():
        return f"{text[:4]}-{text[4:6]}-{text[6:]}"
    return text


@dataclass(frozen=True)
class CoverageData:
    """A beneficiary's coverage flags (ALD, C2S…) with the period of each, as the card writes them."""

    periods: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)  # flag → (start, end)

    def active_on(self, day: date) -> tuple[str, ...]:
        iso = day.isoformat()
        return tuple(
            f
            for f, (start, end) in self.periods.items()
            if (start is None or start <= iso) and (end is None or iso <= end)
        )

    def as_dict(self) -> JsonObject:
        out: JsonObject = {}
        for flag in COVERAGE_FLAGS:
            period = self.periods.get(flag)
            out[flag] = period is not None
            out[f"{flag}_start"] = period[0] if period else None
            out[f"{flag}_end"] = period[1] if period else None
        return out


@dataclass(frozen=True)
class BeneficiaryData:
    """One beneficiary of a Vitale card as read: identity, NIR, rank, qualité and coverage (personal data)."""

    rank: int
    name: str
    first_name: str
    birth_date: str | None
    nir: str
    qualite: str
    twin_rank: int = 1
    usual_name: str = ""
    coverage: CoverageData = field(default_factory=CoverageData)

    def as_dict(self) -> JsonObject:
        return {
            "rank": self.rank,
            "name": self.name,
            "first_name": self.first_name,
            "birth_date": self.birth_date,
            "nir": self.nir,
            "qualite": self.qualite,
            "coverage": self.coverage.as_dict(),
        }


@dataclass(frozen=True)
class RightsData:
    """The AMO rights a Vitale card holds: régime, caisse, centre, code gestion and their period."""

    regime: str
    caisse: str
    centre: str
    code_gestion: str
    start: str | None
    end: str | None

    def valid_on(self, day: date) -> bool:
        iso = day.isoformat()
        return (self.start is None or self.start <= iso) and (self.end is None or iso <= self.end)

    def as_dict(self) -> JsonObject:
        return {
            "regime": self.regime,
            "caisse": self.caisse,
            "centre": self.centre,
            "code_gestion": self.code_gestion,
            "start": self.start,
            "end": self.end,
        }


@dataclass(frozen=True)
class VitaleData:
    """A Vitale card as read: the ouvrant droit's NIR, nature, generation, beneficiaries and rights."""

    nir: str  # immatriculation of the ouvrant droit
    nature: str  # T | D | R
    generation: int  # 1 | 2
    beneficiaries: tuple[BeneficiaryData, ...]
    rights: RightsData
    card_type: str = ""  # GIE CarteVitaleType code: 1 V1 IGEA, 2 V1 SCOT, 3 V2
    validity_start: str | None = None
    atr: bytes = b""

    def beneficiary(self, rank: int) -> BeneficiaryData | None:
        return next((b for b in self.beneficiaries if b.rank == rank), None)

    def as_dict(self) -> JsonObject:
        return {
            "nir": self.nir,
            "nature": self.nature,
            "generation": self.generation,
            "beneficiaries": [b.as_dict() for b in self.beneficiaries],
            "rights": self.rights.as_dict(),
        }


@dataclass(frozen=True)
class SituationData:
    """One activity situation of a CPS card: the structure, its FINESS and AM numbers, mode, convention."""

    number: int
    structure: str
    finess: str
    am_number: str
    mode: str
    convention: str


@dataclass(frozen=True)
class CpsData:
    """A CPS card as read: the professional's RPPS, identity, profession and situations (personal data)."""

    rpps: str
    name: str
    first_name: str
    profession: str
    profession_code: str
    specialty: str
    card_type: str
    nature: str
    generation: int = 3
    situations: tuple[SituationData, ...] = ()
    pin_tries_left: int | None = None  # from VERIFY without data (no try consumed); 0 = blocked
    issuer_ok: bool | None = None  # EF.SN.ICC carries the ANS issuer number

    def as_dict(self) -> JsonObject:
        return {
            "rpps": self.rpps,
            "name": self.name,
            "first_name": self.first_name,
            "profession": self.profession,
            "specialty": self.specialty,
            "card_type": self.card_type,
            "nature": self.nature,
        }


@dataclass(frozen=True)
class PersonalField:
    """Bytes ``start:end`` of a card file hold the personal field ``field`` (layout.PERSONAL_FIELDS)."""

    field: str
    start: int
    end: int


_PERSONAL_PARENTS = frozenset(parent for parent, _ in L.PERSONAL_FIELDS)


def personal_fields(data: bytes) -> list[PersonalField]:
    """Where the bytes of a card file (an APDU response) hold a NIR, a name, a birth date, an RPPS…

    Found by TLV structure, so the bytes can be masked in traces while tags and lengths stay readable.
    Lenient like :func:`tlv.iter_spans`: a partial read still gives the fields it holds.
    """
    out = []
    for tag, start, end in tlv.iter_spans(data):
        if tag not in _PERSONAL_PARENTS:
            continue
        for child, c_start, c_end in tlv.iter_spans(data, start, end):
            name = L.PERSONAL_FIELDS.get((tag, child))
            if name is not None and c_end > c_start:
                out.append(PersonalField(name, c_start, c_end))
    return out


# ------------------------------------------------------------ Vitale


def decode_identities(data: bytes) -> list[tuple[str, str, str | None]]:
    """MF / SFI 2: one 65{80 nom, 81 prénom, 82 date} per beneficiary, in card order."""
    out = []
    for t in tlv.iter_tlv(data):
        if t.tag != L.TAG_BENEFICIARY:
            continue
        out.append((t.text(L.TAG_NAME) or "", t.text(L.TAG_FIRST_NAME) or "", _date(t.text(L.TAG_BIRTH_DATE))))
    return out


def decode_nirs(data: bytes) -> list[str]:
    """AID VITALE / SFI 2: one 65{93 NIR} per beneficiary, same order as the identities."""
    return [t.text(L.TAG_NIR) or "" for t in tlv.iter_tlv(data) if t.tag == L.TAG_BENEFICIARY]


def decode_card_data(data: bytes) -> dict[str, str | None]:
    """AID VITALE / SFI 3 (OURS except 66/80)."""
    card = next((t for t in tlv.iter_tlv(data) if t.tag == L.TAG_CARD), None)
    if card is None:
        return {}
    return {
        "validity_start": _date(card.text(L.TAG_CARD_START)),
        "nature": card.text(L.TAG_CARD_NATURE),
        "card_type": card.text(L.TAG_CARD_TYPE),
        "holder_nir": card.text(L.TAG_CARD_HOLDER_NIR),
        "regime": card.text(L.TAG_REGIME),
        "caisse": card.text(L.TAG_CAISSE),
        "centre": card.text(L.TAG_CENTRE),
        "code_gestion": card.text(L.TAG_CODE_GESTION),
        "rights_start": _date(card.text(L.TAG_RIGHTS_START)),
        "rights_end": _date(card.text(L.TAG_RIGHTS_END)),
    }


def decode_rights_entries(data: bytes) -> list[dict[str, Any]]:
    """AID VITALE / SFI 4 (OURS): one E5 per beneficiary."""
    out = []
    for t in tlv.iter_tlv(data):
        if t.tag != L.TAG_RIGHTS_ENTRY:
            continue
        periods = {}
        for flag, tag in L.COVERAGE_TAGS.items():
            p = t.find(tag)
            if p is not None:
                periods[flag] = (_date(p.text(L.TAG_PERIOD_START)), _date(p.text(L.TAG_PERIOD_END)))
        out.append(
            {
                "rank": int(t.text(L.TAG_R_RANK) or 0),
                "qualite": t.text(L.TAG_R_QUALITE) or "",
                "twin_rank": int(t.text(L.TAG_R_TWIN_RANK) or 1),
                "usual_name": t.text(L.TAG_R_USUAL_NAME) or "",
                "coverage": CoverageData(periods),
            }
        )
    return out


def generation_from_atr(atr: bytes) -> int | None:
    family = L.atr_family(atr)
    return int(family[-1]) if family and family.startswith("vitale") else None


def decode_vitale(identity: bytes, nirs: bytes, card: bytes = b"", rights: bytes = b"", atr: bytes = b"") -> VitaleData:
    """Combine the four Vitale files; identities and NIRs are matched by order (docs/cards.md §2.1)."""
    ids = decode_identities(identity)
    nir_list = decode_nirs(nirs)
    info = decode_card_data(card) if card else {}
    entries = decode_rights_entries(rights) if rights else []
    beneficiaries = []
    for i, (name, first_name, birth) in enumerate(ids):
        entry = entries[i] if i < len(entries) else {}
        beneficiaries.append(
            BeneficiaryData(
                rank=entry.get("rank") or i + 1,
                name=name,
                first_name=first_name,
                birth_date=birth,
                nir=nir_list[i] if i < len(nir_list) else "",
                qualite=entry.get("qualite", ""),
                twin_rank=entry.get("twin_rank", 1),
                usual_name=entry.get("usual_name", ""),
                coverage=entry.get("coverage", CoverageData()),
            )
        )
    card_type = info.get("card_type") or ""
    generation = generation_from_atr(atr) or (2 if card_type == "3" else 1 if card_type in ("1", "2") else 0)
    return VitaleData(
        nir=info.get("holder_nir") or (nir_list[0] if nir_list else ""),
        nature=info.get("nature") or "",
        generation=generation,
        beneficiaries=tuple(beneficiaries),
        rights=RightsData(
            regime=info.get("regime") or "",
            caisse=info.get("caisse") or "",
            centre=info.get("centre") or "",
            code_gestion=info.get("code_gestion") or "",
            start=info.get("rights_start"),
            end=info.get("rights_end"),
        ),
        card_type=card_type,
        validity_start=info.get("validity_start"),
        atr=bytes(atr),
    )


# ------------------------------------------------------------ CPS


def decode_cps_identity(data: bytes) -> dict[str, str]:
    ident = next((t for t in tlv.iter_tlv(data) if t.tag == L.TAG_CPS_IDENTITY), None)
    if ident is None:
        return {}

    def utf8(tag: int) -> str:
        return ident.text(tag, "utf-8") or ""

    return {
        "rpps": ident.text(L.TAG_P_RPPS) or "",
        "name": ident.text(L.TAG_P_NAME) or "",
        "first_name": ident.text(L.TAG_P_FIRST_NAME) or "",
        "profession_code": ident.text(L.TAG_P_PROFESSION_CODE) or "",
        "profession": utf8(L.TAG_P_PROFESSION),
        "specialty": utf8(L.TAG_P_SPECIALTY),
        "card_type": ident.text(L.TAG_P_CARD_TYPE) or "",
        "nature": ident.text(L.TAG_P_NATURE) or "",
    }


def decode_situation(data: bytes) -> SituationData | None:
    s = next((t for t in tlv.iter_tlv(data) if t.tag == L.TAG_CPS_SITUATION), None)
    if s is None:
        return None
    return SituationData(
        number=int(s.text(L.TAG_S_NUMBER) or 0),
        structure=s.text(L.TAG_S_STRUCTURE, "utf-8") or "",
        finess=s.text(L.TAG_S_FINESS) or "",
        am_number=s.text(L.TAG_S_AM_NUMBER) or "",
        mode=s.text(L.TAG_S_MODE) or "",
        convention=s.text(L.TAG_S_CONVENTION) or "",
    )


def issuer_ok(sn_icc: bytes) -> bool:
    o = L.SN_ISSUER_OFFSET
    return len(sn_icc) == 12 and sn_icc[o : o + 5] == L.ANS_ISSUER


def decode_cps(
    identity: bytes,
    situations: list[bytes] | None = None,
    atr: bytes = b"",
    pin_tries_left: int | None = None,
    sn_icc: bytes | None = None,
) -> CpsData:
    info = decode_cps_identity(identity)
    family = L.atr_family(atr) or ""
    sits = tuple(s for s in (decode_situation(d) for d in situations or []) if s is not None)
    return CpsData(
        rpps=info.get("rpps", ""),
        name=info.get("name", ""),
        first_name=info.get("first_name", ""),
        profession=info.get("profession", ""),
        profession_code=info.get("profession_code", ""),
        specialty=info.get("specialty", ""),
        card_type=info.get("card_type", ""),
        nature=info.get("nature", ""),
        generation=4 if family == "cps4" else 3,
        situations=sits,
        pin_tries_left=pin_tries_left,
        issuer_ok=None if sn_icc is None else issuer_ok(sn_icc),
    )
