"""The AMO rate decision (FIDES VF34; docs/reference-engine.md, « Rules, in order »): the first matching rule wins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache

from testbench.engines.reference import refusals as R
from testbench.engines.reference.model import Coverage, InvoiceRequest, Line
from testbench.engines.reference.tables import Tables
from testbench.i18n import _t

HUNDRED = Decimal(100)
ZERO_RATE = Decimal(0)

#: Line-level justificatifs that mean "100 %" (RG_VF_CC15: any code but 0/X and 9 (ASPA) implies 100 %).
_FULL_RATE_LINE_EXO = frozenset("12345678C")


@dataclass(frozen=True)
class RateDecision:
    """The AMO rate of a line, its exonération code and the rule that decided it."""

    rate: Decimal  # percent
    exo: str  # justificatif d'exonération du TM (B2 annexe 9)
    rule: str  # which rule of the decision order matched, for traces and reports
    modulation: str = ""  # "alsace-moselle" when the régime local applies


@cache
def _decision(rate: Decimal, exo: str, rule: str, modulation: str = "") -> RateDecision:
    """Decisions are immutable and few: share them (fewer objects for the GC to walk)."""
    return RateDecision(rate, exo, rule, modulation)


def nature_assurance(req: InvoiceRequest) -> str:
    """B2 nature d'assurance of the invoice (docs/reference-engine.md, « Rules, in order »): its lines', as they are
    priced, so their dates decide it, not the invoice's care date (one nature per invoice: psad.check_breaks)."""
    return nature_of(req.beneficiary.coverage.at(req.first_care))


def nature_of(cov: Coverage) -> str:
    """The nature d'assurance a coverage in force gives."""
    if cov.maternity:
        return "30"
    if cov.at_mp:
        return "41"
    if cov.prevention:
        return "90"
    if cov.alsace_moselle:
        return "13"
    return "10"


#: The rate tables' categories and modulations (tables.json ``rates``) in words, for a refusal's message; a
#: category of other tables reads as they spell it
RATE_CATEGORIES = {"lpp": "LPP", "auxiliaire": _t("auxiliaires médicaux"), "medecin": _t("médecins")}
RATE_MODULATIONS = {"": _t("de base"), "alsace-moselle": "Alsace-Moselle", "aspa": "ASPA"}


def _table_rate(tables: Tables, category: str, when: date, modulation: str, line: Line) -> Decimal:
    rate = tables.rate(category, when, modulation)
    if rate is None:
        kind = RATE_MODULATIONS.get(modulation, modulation)
        raise R.refuse(
            R.NO_RATE_AT_DATE,
            f"ligne {line.index + 1} : aucun taux {kind} pour la catégorie {RATE_CATEGORIES.get(category, category)}"
            f" au {R.day(when)}",
            line=line.index,
            category=category,
            date=when.isoformat(),
        )
    return rate


def decide_rate(req: InvoiceRequest, line: Line, category: str, when: date, tables: Tables) -> RateDecision:
    """Apply the FIDES VF34 decision in order; see docs/reference-engine.md for each rule's source."""
    cov = req.beneficiary.coverage.at(when)
    if line.is_ald and not cov.ald:  # flagged ALD or coded exo 4: either needs the ALD right
        raise R.refuse(R.ALD_NOT_IN_RIGHTS, f"ligne {line.index + 1} : ALD facturée sans droits ALD", line=line.index)
    if cov.ame:  # 1. AME: 0 %, qualificatif N (RG_VF650)
        return _decision(ZERO_RATE, "0", "ame")
    if cov.maternity or cov.at_mp or cov.prevention:  # 2. nature d'assurance (RG_VF651)
        return _decision(HUNDRED, "0", "nature-assurance")
    if req.beneficiary.regime == "07":  # 3. régime des mines (RG_VF652)
        return _decision(HUNDRED, "6", "regime-07")
    if cov.exonerated:  # 4. exonerated beneficiary: code 5, ALD lines keep 4 (RG_VF653)
        return _decision(HUNDRED, "4" if line.is_ald else "5", "beneficiaire-exonere")
    if line.is_ald:  # 5. line-level exoneration: ALD protocol (VF34.02)
        return _decision(HUNDRED, "4", "ald")
    if line.exo is not None and line.exo in _FULL_RATE_LINE_EXO:  # 5. other line-level exonerations
        return _decision(HUNDRED, line.exo, "exoneration-ligne")
    if cov.alsace_moselle:  # 6. régime local (RG_VF674)
        return _decision(
            _table_rate(tables, category, when, "alsace-moselle", line), "0", "alsace-moselle", "alsace-moselle"
        )
    if cov.aspa or line.exo == "9":  # 7. ASPA (RG_VF675, unverified for town LPP)
        return _decision(_table_rate(tables, category, when, "aspa", line), "9", "aspa")
    return _decision(_table_rate(tables, category, when, "", line), "0", "taux-de-base")  # 8.
