"""NGAP rules of a nurse's invoice: the letter key's value (DOM, IK zone), majorations that follow their
act, travel allowances that go with a visit. Sources: docs/reference-engine.md, « NGAP rules »."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from testbench.engines.reference import refusals as R
from testbench.engines.reference.model import Line
from testbench.engines.reference.tables import TariffEntry
from testbench.i18n import _t

#: A travel zone of an IK line (model.TRAVEL_ZONES) in words, for a refusal's message (« déplacement en montagne »)
TRAVEL_WORDS = {"plaine": _t("en plaine"), "montagne": _t("en montagne"), "pied-ski": _t("à pied ou à ski")}


def value(line: Line, entry: TariffEntry) -> Decimal:
    """The letter key's value for this line: métropole, DOM, and for IK the zone (plaine, montagne, pied-ski)."""
    zone = line.extra.travel if line.extra.travel and line.extra.travel != "plaine" else ""
    if line.extra.travel and (not entry.travel or (zone and zone not in entry.variants)):
        raise R.refuse(
            R.TRAVEL_ZONE_NOT_APPLICABLE,
            f"ligne {line.index + 1} : déplacement {TRAVEL_WORDS.get(line.extra.travel, line.extra.travel)} sans"
            f" valeur pour {line.code}",
            line=line.index,
            code=line.code,
        )
    key = "+".join(part for part in ("dom" if line.extra.dom else "", zone) if part)
    if not key:
        return entry.tariff
    # a DOM line of a key without a published DOM value keeps the métropole value (MAU, MCI, DI)
    return entry.variants.get(key, entry.variants.get(zone, entry.tariff))


def _is_act(entry: TariffEntry | None) -> bool:
    return entry is not None and not entry.majoration and not entry.travel


def _check_single_act(line: Line, when: date, lines: list[tuple[Line, date, TariffEntry | None]]) -> None:
    """MAU (our rule, unverified, docs/reference-engine.md): as many MAU as acts that day, each visit a single
    act with its MAU — a line of quantity 2 is two visits (IDE-NGAP-013), two MAU go with it; one MAU beside
    two acts is a two-act séance."""
    same_day = [(other, entry) for other, other_when, entry in lines if other_when == when and entry is not None]
    acts = sum(other.quantity for other, entry in same_day if other.nomenclature == "NGAP" and _is_act(entry))
    maus = sum(other.quantity for other, entry in same_day if entry.majoration == "acte-unique")
    if maus != acts:
        raise R.refuse(
            R.MAJORATION_NOT_APPLICABLE,
            f"ligne {line.index + 1} : {line.code} (acte unique), une par acte du jour ; nombre de majorations "
            f"d'acte unique : {maus}, nombre d'actes : {acts}",
            line=line.index,
            acts=acts,
        )


def check_session(lines: list[tuple[Line, date, TariffEntry | None]]) -> None:
    """Majorations follow an act of the same day (RG_MF620 CP01); MAU goes with single-act visits; a travel
    allowance goes with something done at the patient's home that day."""
    for line, when, entry in lines:
        if entry is None or line.nomenclature != "NGAP":
            continue
        if entry.majoration:
            acts = [
                (other, other_when, other_entry)
                for other, other_when, other_entry in lines[: line.index]
                if other.nomenclature == "NGAP" and _is_act(other_entry) and other_when == when
            ]
            if line.extra.majoration_of is not None:
                acts = [act for act in acts if act[0].index == line.extra.majoration_of - 1]
            if not acts:
                raise R.refuse(
                    R.MAJORATION_WITHOUT_ACT,
                    f"ligne {line.index + 1} : majoration {line.code} sans acte qui la précède le même jour",
                    line=line.index,
                    code=line.code,
                )
            if entry.majoration == "acte-unique":
                _check_single_act(line, when, lines)
        elif entry.travel and not any(
            other_when == when and not (other_entry is not None and other_entry.travel)
            for other, other_when, other_entry in lines
            if other is not line
        ):
            raise R.refuse(
                R.TRAVEL_WITHOUT_ACT,
                f"ligne {line.index + 1} : indemnité {line.code} sans soin le même jour",
                line=line.index,
                code=line.code,
            )
