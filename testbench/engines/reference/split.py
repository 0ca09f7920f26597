"""The pure split: an invoice request and the tables in, per-line BR / AMO / AMC / patient out.

No I/O, no state, no clock: the same request always gives the same amounts. Amounts are Decimal,
rounded per line with the request's mode, then summed (FIDES RG_VF644, RG_VF670: never round the total).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Any

from testbench.engines.reference import ngap, psad
from testbench.engines.reference import refusals as R
from testbench.engines.reference.model import NO_DETAILS, Coverage, InvoiceRequest, Line
from testbench.engines.reference.money import ZERO, fmt, fmt_rate, round_cents
from testbench.engines.reference.rates import (
    HUNDRED,
    RATE_CATEGORIES,
    RATE_MODULATIONS,
    RateDecision,
    decide_rate,
    nature_assurance,
)
from testbench.engines.reference.tables import FAR_FUTURE, Tables, TariffEntry

DRG_CODES = {"none": "10", "amo": "35", "amo+amc": "36"}  # destinataire du règlement (IR_DRG_V)


@dataclass(frozen=True)
class LineResult:
    """A line priced: tariff, base, rate and each payer's share."""

    line: Line
    when: date
    entry: TariffEntry | None
    tariff: Decimal
    plv: Decimal | None
    unit_price: Decimal
    billed: Decimal
    base: Decimal
    decision: RateDecision
    amo: Decimal
    amo_regime_local: Decimal
    tm: Decimal
    amc: Decimal
    depassement: Decimal
    patient: Decimal
    state: Decimal = ZERO  # AME: the part the State funds (docs/reference-engine.md, « PSAD/MAD rules »)
    prestation_type: str = ""  # LPP: achat, location, service... ("" for NGAP)
    warning: str = ""  # the tariff's warning code ("" none): TARIFF_START_UNVERIFIED, TARIFF_NOT_CURRENT
    category: str = ""  # the rate category the line was priced in (lpp, auxiliaire, medecin)
    rate_warning: str = ""  # the rate's warning code ("" none): RATE_UNVERIFIED

    @property
    def prestation(self) -> str:
        if self.entry and self.entry.prestation:
            return self.entry.prestation
        return self.line.code if self.line.nomenclature == "NGAP" else ""

    def as_dict(self) -> dict[str, str]:
        return dict(self._as_dict)

    @cached_property
    def _as_dict(self) -> dict[str, str]:
        return {
            "code": self.line.code,
            "nomenclature": self.line.nomenclature,
            "date": self.when.isoformat(),
            "quantity": str(self.line.quantity),
            "coefficient": str(self.line.coefficient),
            "tariff": fmt(self.tariff),
            "unit_price": fmt(self.unit_price),
            "billed": fmt(self.billed),
            "base": fmt(self.base),
            "rate": fmt_rate(self.decision.rate),
            "amo": fmt(self.amo),
            "amo_regime_local": fmt(self.amo_regime_local),
            "tm": fmt(self.tm),
            "amc": fmt(self.amc),
            "patient": fmt(self.patient),
            "depassement": fmt(self.depassement),
            "state": fmt(self.state),
            "exo": self.decision.exo,
            "rule": self.decision.rule,
            "prestation_type": self.prestation_type,
        }


@dataclass(frozen=True)
class InvoiceComputation:
    """An invoice priced: its lines, totals, withholdings and tiers payant."""

    request: InvoiceRequest
    nature_assurance: str
    exo_invoice: str  # shared line code raised to invoice level, or "" (FIDES-TF zone 0279)
    lines: tuple[LineResult, ...]
    totals: dict[str, Decimal]
    withholdings: dict[str, Decimal]
    tiers_payant: str  # effective mode (C2S forces AMO+AMC, AME at least AMO)
    amc_payer: str  # "" | "amc" | "c2s"

    def totals_dict(self) -> dict[str, str]:
        return dict(self._totals_dict)

    @cached_property
    def _totals_dict(self) -> dict[str, str]:
        return {k: fmt(v) for k, v in self.totals.items()}

    @cached_property
    def warnings(self) -> tuple[dict[str, Any], ...]:
        """What was priced with a reservation: {"code", "line" (1-based), "message"} (docs/reference-engine.md).

        Built from the lines' formatted values when asked (the FSE and the result ask; the rules alone do not).
        """
        tariffs = ((n, _warning(n, r)) for n, r in enumerate(self.lines, 1) if r.warning)
        rates = ((n, _rate_warning_dict(n, r)) for n, r in enumerate(self.lines, 1) if r.rate_warning)
        return tuple(w for _, w in sorted((*tariffs, *rates), key=lambda item: item[0]))

    def tiers_payant_dict(self) -> dict[str, str]:
        return dict(self._tiers_payant_dict)

    @cached_property
    def _tiers_payant_dict(self) -> dict[str, str]:
        t = self.totals
        due_amo = t["amo"] if self.tiers_payant in ("amo", "amo+amc") else ZERO
        due_amc = t["amc"] if self.tiers_payant == "amo+amc" else ZERO
        due_state = t["state"] if self.tiers_payant != "none" else ZERO  # AME: the State's part, paid by the caisse
        return {
            "mode": self.tiers_payant,
            "requested": self.request.tiers_payant,
            "drg": DRG_CODES[self.tiers_payant],
            "due_from_amo": fmt(due_amo),
            "due_from_amc": fmt(due_amc),
            "due_from_state": fmt(due_state),
            "due_from_patient": fmt(t["billed"] - due_amo - due_amc - due_state),
        }

    def amc_dict(self) -> dict[str, str]:
        """How the complementary part travels (docs/reference-engine.md, « PSAD/MAD rules »)."""
        return dict(self._amc_dict)

    @cached_property
    def _amc_dict(self) -> dict[str, str]:
        amc = self.request.amc
        kind = amc.type if amc is not None else ""
        return {
            "payer": self.amc_payer,
            "type": kind,
            "number": amc.number if amc is not None else "",
            "contract_type": "89" if kind == "c2s" else "",  # C2S in facturation unique (FIDES-TF 02117)
            "flow": "dre" if kind == "dre" else ("fse" if self.amc_payer else ""),
            "top_eclatement": "F" if kind == "tiers-payant-integral" else "",  # FIDES-TF 0295
        }


def _resolve_tariff(line: Line, when: date, tables: Tables) -> tuple[TariffEntry | None, Decimal, Decimal | None]:
    entry = tables.tariff(line.nomenclature, line.code, when)
    if line.tariff is not None:  # a fixture tariff on the line overrides the table
        plv = line.plv if line.plv is not None else (entry.plv if entry else None)
        if plv is not None and plv <= 0:
            plv = None
        return entry, line.tariff, plv
    if entry is None:
        if tables.knows(line.nomenclature, line.code):
            raise R.refuse(
                R.NO_TARIFF_AT_DATE,
                f"ligne {line.index + 1} : pas de tarif {line.code} au {R.day(when)}",
                line=line.index,
                code=line.code,
                date=when.isoformat(),
            )
        raise R.refuse(
            R.UNKNOWN_CODE,
            f"ligne {line.index + 1} : code {line.nomenclature} {line.code} inconnu",
            line=line.index,
            code=line.code,
        )
    plv = line.plv if line.plv is not None else entry.plv
    if plv is not None and plv <= 0:
        plv = None
    tariff = ngap.value(line, entry) if line.nomenclature == "NGAP" else entry.tariff
    return entry, tariff, plv


TARIFF_START_UNVERIFIED = "TARIFF_START_UNVERIFIED"
TARIFF_NOT_CURRENT = "TARIFF_NOT_CURRENT"


def _tariff_warning(when: date, entry: TariffEntry) -> str:
    """The warning of a table tariff used where its sources do not vouch for it ("" when they do): priced and
    said, never refused for that. Before the first date its sources show it in force when its true start is
    unknown (« date d'effet non vérifiée »), or after the last one when the row has no end (a historical
    snapshot used as a test fixture)."""
    if entry.start_unknown and (entry.attested_from is None or when < entry.attested_from):
        return TARIFF_START_UNVERIFIED
    if entry.attested_to is not None and when > entry.attested_to and entry.valid_to == FAR_FUTURE:
        return TARIFF_NOT_CURRENT
    return ""


RATE_UNVERIFIED = "RATE_UNVERIFIED"
#: the rate rules whose rate is a table row of a modulation (rates.decide_rate)
_RULE_MODULATIONS = {"alsace-moselle": "alsace-moselle", "aspa": "aspa"}


def _rate_warning(decision: RateDecision, category: str, when: date, tables: Tables) -> str:
    """RATE_UNVERIFIED when the modulated rate applied is a row no public text confirms (Alsace-Moselle for the
    LPP, ASPA in town): priced and said, as an unverified tariff is."""
    modulation = _RULE_MODULATIONS.get(decision.rule)
    entry = tables.rate_entry(category, when, modulation) if modulation is not None else None
    return RATE_UNVERIFIED if entry is not None and entry.unverified else ""


def _rate_warning_dict(n: int, r: LineResult) -> dict[str, Any]:
    kind = RATE_MODULATIONS.get(_RULE_MODULATIONS[r.decision.rule], "")
    category = RATE_CATEGORIES.get(r.category, r.category)
    rate = r._as_dict["rate"]
    message = (
        f"ligne {n} : taux non vérifié : {rate} % {kind} pour la catégorie {category},"
        " aucun texte public ne le confirme"
    )
    return {"code": r.rate_warning, "line": n, "message": message}


def _warning(n: int, r: LineResult) -> dict[str, Any]:
    d, entry = r._as_dict, r.entry
    assert entry is not None  # a line gets a warning from its table entry only
    # as the refusals say them (refusals.day, refusals.euros): read back in English by the catalogue
    code, tariff, day = d["code"], R.euros(r.tariff), R.day(r.when)
    if r.warning == TARIFF_NOT_CURRENT:
        seen = R.day(entry.attested_to) if entry.attested_to else "?"
        message = f"ligne {n} : tarif de test {code} à {tariff} (relevé historique du {seen}), non vérifié au {day}"
    elif entry.attested_from is None:
        message = f"ligne {n} : date d'effet non vérifiée : {code} à {tariff} au {day}, date de début inconnue"
    else:
        since = R.day(entry.attested_from)
        message = f"ligne {n} : date d'effet non vérifiée : {code} à {tariff} au {day}, attesté à partir du {since}"
    return {"code": r.warning, "line": n, "message": message}


def _check_rights(req: InvoiceRequest, when: date, line: Line) -> None:
    cov = req.beneficiary.coverage
    if (cov.rights_start and when < cov.rights_start) or (cov.rights_end and when > cov.rights_end):
        raise R.refuse(
            R.RIGHTS_EXPIRED,
            f"ligne {line.index + 1} : soins du {R.day(when)} hors de la période de droits",
            line=line.index,
            date=when.isoformat(),
            rights_start=cov.rights_start.isoformat() if cov.rights_start else None,
            rights_end=cov.rights_end.isoformat() if cov.rights_end else None,
        )


def _age(birth: date, when: date) -> int:
    return when.year - birth.year - ((when.month, when.day) < (birth.month, birth.day))


def _withheld(req: InvoiceRequest, when: date) -> bool:
    """Whether care of ``when`` bears PF and franchise: the exemptions (C2S, AME, maternity, under 18) are the
    beneficiary's on that date, so a coverage or an 18th birthday inside a multi-date invoice splits it."""
    cov = req.beneficiary.coverage.at(when)
    if cov.c2s or cov.ame or cov.maternity:
        return False
    birth = req.beneficiary.birth_date
    return birth is None or _age(birth, when) >= 18


#: The rate category whose NGAP acts bear each withholding when the table has no row for the code (a tariff the
#: casebook gives): the franchise on auxiliaries' acts, the PF on physicians' (billing-rules §6)
_BEARING_CATEGORY = {"franchise": "auxiliaire", "pf": "medecin"}
#: NGAP majorations and indemnités by their codes: never an act for the PF nor the franchise, priced by the tables
#: or by a casebook (billing-rules §6 notes: « per NGAP act only »). The project's list: the tables' own (MAU, MCI,
#: IFD, IK, marked ``majoration``/``travel``) and the usual others (night, Sunday, child, coordination, urgency).
NGAP_NOT_ACTS = frozenset(
    {"MAU", "MCI", "MIE", "MN", "MM", "MD", "F", "MU", "MPC", "MCS", "MCG", "MEG", "MNO", "MPJ", "MSH", "MIC"}
    | {"IFD", "IFI", "IK", "IKM", "IKS"}
)


def _bears(res: LineResult, flag: str) -> bool:
    """Whether a line bears the PF (``pf``) or the franchise: its table row says; a code the table does not
    price at that date follows the PS category, so a casebook-priced act is not exempt by accident; a majoration
    or an indemnité (its code, or the line saying the act it follows or its travel zone) is no act. Never LPP."""
    if res.entry is not None:
        return bool(getattr(res.entry, flag))
    line = res.line
    follows = line.extra.majoration_of is not None or line.extra.travel is not None  # the act it follows, a zone
    not_an_act = follows or line.code.upper() in NGAP_NOT_ACTS
    if line.nomenclature != "NGAP" or not_an_act:
        return False
    return res.category == _BEARING_CATEGORY[flag]  # the PS category's, as the rate was decided


def _withholdings(req: InvoiceRequest, lines: list[LineResult], tables: Tables) -> dict[str, Decimal]:
    """Participation forfaitaire and franchise: informational, withheld later by the AMO (docs/reference-engine.md).

    Per day of care on this invoice, capped by the table's daily cap; each day's exemptions are decided at that
    day. Yearly caps need per-patient counters across invoices; the engine is deterministic and stateless here,
    so they are not applied.
    """
    out = {"participation_forfaitaire": ZERO, "franchise": ZERO}
    withheld = {day: _withheld(req, day) for day in {res.when for res in lines}}
    for kind, flag in (("participation_forfaitaire", "pf"), ("franchise", "franchise")):
        per_day: dict[date, int] = {}
        for res in lines:
            if withheld[res.when] and _bears(res, flag):
                per_day[res.when] = per_day.get(res.when, 0) + res.line.quantity
        total = ZERO
        for day, acts in sorted(per_day.items()):
            param = tables.withholding(kind, day)
            if param is None:  # pragma: no cover - the bundled tables hold a row for every act's dates
                continue
            amount = param.amount * acts
            if param.daily_cap is not None:  # pragma: no branch - every bundled row has its daily cap
                amount = min(amount, param.daily_cap)
            total += amount
        out[kind] = total
    return out


def _amc_payer(cov: Coverage, req: InvoiceRequest) -> str:
    """Who pays a line's complementary part on its date: the C2S manager, the AMC contract, or nobody."""
    if cov.c2s:
        return "c2s"
    return "amc" if req.amc is not None and not cov.ame else ""


def compute_invoice(req: InvoiceRequest, tables: Tables) -> InvoiceComputation:
    """Split an invoice; raises EngineRefusal (stable code) on the first rule it breaks."""
    psad.check_invoice(req, tables)
    # coverage, payer and exemptions are the beneficiary's on each line's own date, as the rate is
    covs = [req.beneficiary.coverage.at(line.date or req.care_date) for line in req.lines]
    payers = [_amc_payer(cov, req) for cov in covs]
    c2s = "c2s" in payers
    mode = req.rounding
    routed = req.amc is not None and bool(req.amc.type)  # AMC tiers payant intégral, DRE, C2S by an OC
    tiers = "amo+amc" if c2s or routed else req.tiers_payant  # C2S: tiers payant intégral (DRG 36)
    # AME: dispense d'avance des frais, the caisse pays the State's part (DRG 35)
    if any(cov.ame for cov in covs) and tiers == "none":
        tiers = "amo"
    if tiers == "amo+amc" and req.amc is None and not c2s:  # the casebook checks refuse this before a run
        raise R.refuse(R.AMC_REQUIRED, "tiers payant AMO+AMC sans contrat AMC")  # pragma: no cover
    amc_payer = "c2s" if c2s else ("amc" if "amc" in payers else "")
    cap_left = req.amc.cap if (req.amc and req.amc.contract == "tm+depassement") else None
    results: list[LineResult] = []
    nurse = False  # some NGAP line: the session rules apply
    for line, cov, payer in zip(req.lines, covs, payers, strict=True):
        when = line.date or req.care_date
        _check_rights(req, when, line)
        entry, tariff, plv = _resolve_tariff(line, when, tables)
        # a fixture tariff on the line is the case's own: nothing to warn about
        warning = _tariff_warning(when, entry) if entry is not None and line.tariff is None else ""
        kind = ""
        if line.nomenclature == "LPP":
            kind = psad.LPP_TYPES.get(entry.lpp_type, "") if entry is not None else ""
            if line.extra is not NO_DETAILS:
                kind = psad.check_lpp_line(req, line, entry, kind)
        else:
            nurse = True
        unit_price = line.unit_price if line.unit_price is not None else tariff
        if plv is not None and unit_price > plv:
            raise R.refuse(
                R.PRICE_ABOVE_PLV,
                f"ligne {line.index + 1} : prix {R.euros(unit_price)} au-dessus du PLV {R.euros(plv)} ({line.code})",
                line=line.index,
                code=line.code,
                unit_price=str(unit_price),
                plv=str(plv),
            )
        units = line.coefficient * line.quantity
        billed = round_cents(unit_price * units, mode)
        # The AMO never reimburses above what was billed: the base is the lower of tariff and price.
        base = round_cents(min(tariff, unit_price) * units, mode)
        depassement = billed - base
        if cov.c2s and depassement > 0:
            raise R.refuse(
                R.DEPASSEMENT_NOT_ALLOWED_C2S,
                f"ligne {line.index + 1} : dépassement de {R.euros(depassement)} interdit pour un bénéficiaire C2S",
                line=line.index,
                depassement=str(depassement),
            )
        category = entry.category if entry else tables.category_for(line.nomenclature, req.ps_category)
        decision = decide_rate(req, line, category, when, tables)
        amo = round_cents(base * decision.rate / HUNDRED, mode)
        regime_local = ZERO
        if decision.modulation:
            standard = tables.rate(category, when, "")
            if standard is not None:  # pragma: no branch - the bundled tables rate each category from 2000
                regime_local = amo - round_cents(base * standard / HUNDRED, mode)
        state = base if decision.rule == "ame" else ZERO  # AME: 100 % of the BR, funded by the State
        tm = base - amo - state  # AME: the patient owes no ticket modérateur
        amc = ZERO
        if payer == "c2s":
            amc = tm  # the C2S manager pays the ticket modérateur
        elif payer == "amc" and req.amc is not None:
            amc = tm
            if req.amc.contract == "tm+depassement" and depassement > 0:
                covered = depassement if cap_left is None else min(depassement, cap_left)
                if cap_left is not None:
                    cap_left -= covered
                amc += covered
        results.append(
            LineResult(
                line=line,
                when=when,
                entry=entry,
                tariff=tariff,
                plv=plv,
                unit_price=unit_price,
                billed=billed,
                base=base,
                decision=decision,
                amo=amo,
                amo_regime_local=regime_local,
                tm=tm,
                amc=amc,
                depassement=depassement,
                patient=billed - amo - amc - state,
                state=state,
                prestation_type=kind,
                warning=warning,
                category=category,
                rate_warning=_rate_warning(decision, category, when, tables),
            )
        )
    if nurse:
        ngap.check_session([(r.line, r.when, r.entry) for r in results])
    psad.check_breaks(req, [r.when for r in results], [r.decision.exo for r in results])
    totals = {
        "billed": sum((r.billed for r in results), ZERO),
        "base": sum((r.base for r in results), ZERO),
        "amo": sum((r.amo for r in results), ZERO),
        "amc": sum((r.amc for r in results), ZERO),
        "patient": sum((r.patient for r in results), ZERO),
        "depassement": sum((r.depassement for r in results), ZERO),
        "tm": sum((r.tm for r in results), ZERO),
        "state": sum((r.state for r in results), ZERO),
    }
    exos = {r.decision.exo for r in results}
    return InvoiceComputation(
        request=req,
        nature_assurance=nature_assurance(req),
        exo_invoice=exos.pop() if len(exos) == 1 else "",
        lines=tuple(results),
        totals=totals,
        withholdings=_withholdings(req, results, tables),
        tiers_payant=tiers,
        amc_payer=amc_payer,
    )
