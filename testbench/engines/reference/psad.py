"""Invoice rules of the PSAD/MAD scope: what refuses an invoice before or after its split.

Régime, billing delay, prescription, AT/MP reference, AMC routing, LPP line data (prestation type,
rental period and duration code, supplier SIRET, accord préalable) and the invoice breaks (nature
d'assurance, prescriber, exoneration). Each rule and its source: docs/reference-engine.md, « PSAD/MAD
rules ». Pure functions of the parsed request and the tables; request shapes are checked in ``model``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from testbench.domain.dates import one_year_after
from testbench.engines.reference import refusals as R
from testbench.engines.reference.model import PRESTATIONS, Coverage, InvoiceRequest, Line
from testbench.engines.reference.rates import nature_of
from testbench.engines.reference.tables import Tables, TariffEntry
from testbench.fmt import PRESTATION_LABELS
from testbench.i18n import _t, tn

#: LPP type letter of the table (NT_LPP.LPP_PRS_TYP) -> the line's prestation type
LPP_TYPES = {"A": "achat", "E": "entretien", "L": "location", "R": "reparation", "S": "service", "V": "livraison"}
#: An AMC routing (model.AMC_TYPES) in words: French domain terms, the same in English
AMC_TYPE_WORDS = {"tiers-payant-integral": "tiers payant intégral", "dre": "DRE", "c2s": "C2S"}
#: A rental-duration code (model.RENTAL_CODES) in words, the singular and the plural of its periods
RENTAL_PERIOD_WORDS = {
    "hebdomadaire": (_t("hebdomadaire"), _t("hebdomadaires")),
    "mensuel": (_t("mensuelle"), _t("mensuelles")),
    "journalier": (_t("journalière"), _t("journalières")),
}


def check_invoice(req: InvoiceRequest, tables: Tables) -> None:
    """Invoice-level rules, before any line is priced."""
    regime = req.beneficiary.regime
    if tables.regimes and regime not in tables.regimes:
        raise R.refuse(R.UNKNOWN_REGIME, f"régime {regime} inconnu", regime=regime)
    category = req.ps_category
    # never a rate guessed for it; a casebook's unknown category is refused by its checks before a run
    if tables.ps_categories and category not in tables.ps_categories:  # pragma: no cover
        known = ", ".join(sorted(tables.ps_categories))
        raise R.refuse(
            R.UNKNOWN_PS_CATEGORY,
            f"catégorie de PS {category} inconnue (connues : {known})",
            ps_category=category,
        )
    first, last, billed = req.first_care, req.last_care, req.billed_on
    if billed < last:
        raise R.refuse(
            R.BILLING_BEFORE_CARE,
            f"facture du {R.day(billed)} avant les soins du {R.day(last)}",
            billing_date=billed.isoformat(),
            date=last.isoformat(),
        )
    if (limit := one_year_after(first)) is not None and billed >= limit:
        raise R.refuse(
            R.BILLING_DELAY_EXCEEDED,
            f"soins du {R.day(first)} facturés le {R.day(billed)} : délai d'un an dépassé",
            billing_date=billed.isoformat(),
            date=first.isoformat(),
        )
    if req.details or req.prescribed is not None:
        _check_prescription(req, first)
    if req.beneficiary.coverage.at_mp:
        _check_at_mp(req, first)
    if req.amc is not None and req.amc.type:
        _check_amc(req)


def _valid_prescriber(ident: str) -> bool:
    """RPPS (11 digits, B2 type 3E) or Assurance Maladie number (9 digits, B2 type 4)."""
    return ident.isdigit() and len(ident) in (9, 11)


def _check_prescription(req: InvoiceRequest, first: date) -> None:
    prescribers = [line.extra.prescriber for line in req.lines if line.extra.prescriber]
    p = req.prescribed
    if p is not None and p.prescriber:
        prescribers.insert(0, p.prescriber)
    for ident in prescribers:
        if not _valid_prescriber(ident):
            raise R.refuse(
                R.PRESCRIBER_INVALID,
                f"prescripteur {ident} : RPPS (11 chiffres) ou numéro AM (9 chiffres) attendu",
                prescriber=ident,
            )
    if p is None:
        return
    if (p.number or p.eprescription_id) and not (p.prescriber and p.date):
        raise R.refuse(R.PRESCRIPTION_INCOMPLETE, "prescription sans prescripteur ou sans date")
    if p.date is not None and p.date > first:
        raise R.refuse(
            R.PRESCRIPTION_AFTER_CARE,
            f"prescription du {R.day(p.date)} postérieure aux soins du {R.day(first)}",
            prescription_date=p.date.isoformat(),
            date=first.isoformat(),
        )


def _care_days(req: InvoiceRequest) -> set[date]:
    """The dates of care of the invoice's lines (a line's own, else the invoice's): the dates that price them."""
    return {line.date or req.care_date for line in req.lines}


def _check_at_mp(req: InvoiceRequest, first: date) -> None:
    """Nature 41 names its accident: B2 zone 0286 holds the AT number or the AT date."""
    cov = req.beneficiary.coverage
    if not any(cov.at(day).at_mp for day in _care_days(req)):  # no line's date in an AT/MP period
        return
    at_date = req.at_date or cov.periods.get("at_mp", (None, None))[0]
    if not req.at_number and at_date is None:
        raise R.refuse(R.ATMP_NUMBER_MISSING, "facture AT/MP sans numéro ni date d'accident")
    if at_date is not None and at_date > first:
        raise R.refuse(
            R.ATMP_DATE_AFTER_CARE,
            f"accident du {R.day(at_date)} postérieur aux soins du {R.day(first)}",
            at_date=at_date.isoformat(),
        )


def _check_amc(req: InvoiceRequest) -> None:
    amc = req.amc
    assert amc is not None
    if not amc.number:  # every routing names its organisation
        kind = AMC_TYPE_WORDS.get(amc.type, amc.type)
        raise R.refuse(R.AMC_NUMBER_MISSING, f"AMC {kind} sans numéro d'organisme", amc_type=amc.type)
    if amc.type == "c2s" and not any(req.beneficiary.coverage.at(day).c2s for day in _care_days(req)):
        raise R.refuse(R.C2S_NOT_IN_RIGHTS, "contrat C2S sans droits C2S du bénéficiaire")


def check_lpp_line(req: InvoiceRequest, line: Line, entry: TariffEntry | None, expected: str) -> str:
    """The details of one LPP line: prestation type (returned: as declared, else the table's ``expected``),
    accord préalable, supplier SIRET, rental period and duration code."""
    declared = line.extra.prestation or ""
    if declared and expected and declared != expected:
        raise R.refuse(
            R.PRESTATION_TYPE_MISMATCH,
            f"ligne {line.index + 1} : {line.code} est un code de type {_prestation(expected)}, pas"
            f" {_prestation(declared)}",
            line=line.index,
            expected=expected,
            declared=declared,
        )
    if line.extra.accord_prealable and not req.accord_prealable:
        raise R.refuse(
            R.ACCORD_PREALABLE_MISSING,
            f"ligne {line.index + 1} : {line.code} demande un accord préalable",
            line=line.index,
            code=line.code,
        )
    if line.extra.supplier_siret and not _luhn(line.extra.supplier_siret):
        raise R.refuse(
            R.SUPPLIER_SIRET_INVALID,
            f"ligne {line.index + 1} : SIRET {line.extra.supplier_siret} (clé de contrôle fausse)",
            line=line.index,
        )
    if line.extra.rental_start or line.extra.rental_end:
        _check_rental(line, entry)
    return declared or expected


def prestation_code(kind: str) -> str:
    return PRESTATIONS.get(kind, "")


def _prestation(kind: str) -> str:
    return PRESTATION_LABELS.get(kind, kind)


def _luhn(digits: str) -> bool:
    """The SIRET key (INSEE): the Luhn sum of the 14 digits is a multiple of 10."""
    total = 0
    for i, char in enumerate(reversed(digits)):
        n = int(char) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _periods(start: date, end: date, code: str) -> int:
    """How many rental periods [start, end] holds: started weeks, started months, days."""
    days = (end - start).days + 1
    if code == "hebdomadaire":
        return -(-days // 7)
    if code == "mensuel":
        months = (end.year - start.year) * 12 + end.month - start.month
        return months + (1 if end.day >= start.day else 0)
    return days


def _rental_refusal(line: Line, message: str, **details: object) -> Exception:
    return R.refuse(R.RENTAL_PERIOD_INVALID, message, line=line.index, **details)


def _check_rental(line: Line, entry: TariffEntry | None) -> None:
    start, end = line.extra.rental_start, line.extra.rental_end
    if start is None or end is None:
        raise _rental_refusal(line, f"ligne {line.index + 1} : période de location sans début ou sans fin")
    if end < start:
        raise _rental_refusal(
            line, f"ligne {line.index + 1} : fin de location {R.day(end)} avant son début {R.day(start)}"
        )
    code = line.extra.rental_code or (entry.rental_code if entry is not None else "")
    if code:
        count = _periods(start, end, code)
        if count != line.quantity:
            one, several = RENTAL_PERIOD_WORDS.get(code, (code, code))
            raise _rental_refusal(
                line,
                tn(
                    "ligne {line} : quantité {quantity} pour {count} période {kind}",
                    "ligne {line} : quantité {quantity} pour {count} périodes {kind}",
                    count,
                    "fr",
                    line=line.index + 1,
                    quantity=line.quantity,
                    kind=one if count <= 1 else several,
                ),
                expected=str(count),
                code=code,
            )
    since = line.extra.rental_since or start
    if since > start:
        raise _rental_refusal(
            line, f"ligne {line.index + 1} : location commencée le {R.day(since)}, après la période facturée"
        )
    band = entry.rental_weeks if entry is not None else None
    if band is None:
        return
    first_week = (start - since).days // 7 + 1
    last_week = (end - since).days // 7 + 1
    low, high = band
    if first_week < low or (high is not None and last_week > high):
        limit = f"{low}–{high}" if high is not None else f"≥ {low}"
        raise R.refuse(
            R.RENTAL_CODE_MISMATCH,
            f"ligne {line.index + 1} : semaines {first_week}–{last_week} de location, {line.code} couvre {limit}",
            line=line.index,
            first_week=first_week,
            last_week=last_week,
        )


def _check_payers(req: InvoiceRequest, days: Sequence[Coverage]) -> None:
    """An AME period, or a C2S period beside an AMC contract, that changes inside the invoice: each side has
    its own payer (the State; the C2S manager or the AMC), which one invoice cannot name both of."""
    if len({on_day.ame for on_day in days}) > 1:
        raise R.refuse(
            R.INVOICE_BREAK_REQUIRED,
            "AME sur une partie des soins seulement : une facture pour les soins en AME, une autre pour les autres",
            criterion="ame",
        )
    if req.amc is not None and len({on_day.c2s for on_day in days}) > 1:
        raise R.refuse(
            R.INVOICE_BREAK_REQUIRED,
            "C2S sur une partie des soins seulement, contrat AMC sur les autres : une facture par organisme"
            " complémentaire",
            criterion="complementaire",
        )


def check_breaks(req: InvoiceRequest, when: list[date], exos: list[str]) -> None:
    """One invoice = one nature d'assurance, one payer of the AME or complementary part, one prescriber, one
    exoneration (ALD lines aside)."""
    cov = req.beneficiary.coverage
    days = [cov.at(day) for day in set(when)] if cov.periods else ()  # no period: one coverage for all lines
    natures = {nature_of(on_day) for on_day in days}
    if len(natures) > 1:
        raise R.refuse(
            R.MIXED_INSURANCE_NATURES,
            f"natures d'assurance différentes sur une facture : {', '.join(sorted(natures))}",
            natures=sorted(natures),
        )
    _check_payers(req, days)
    default = req.prescribed.prescriber if req.prescribed is not None else None
    prescribers = {line.extra.prescriber or default for line in req.lines} - {None} if req.details else ()
    if len(prescribers) > 1:
        raise R.refuse(
            R.INVOICE_BREAK_REQUIRED,
            f"prescripteurs différents sur une facture : {', '.join(sorted(str(p) for p in prescribers))}",
            criterion="prescripteur",
        )
    codes = set(exos) - {"4"}  # ALD lines (code 4) sit beside the others (ordonnance bizone, RG_VF653)
    if len(codes) > 1:
        raise R.refuse(
            R.INVOICE_BREAK_REQUIRED,
            f"exonérations différentes sur une facture : {', '.join(sorted(codes))}",
            criterion="exoneration",
        )


__all__ = ["LPP_TYPES", "check_breaks", "check_invoice", "check_lpp_line", "one_year_after", "prestation_code"]
