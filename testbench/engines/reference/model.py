"""The create_invoice request, parsed and checked into frozen objects (the rules never see raw JSON)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from testbench.casebook.rights import COVERAGE_FLAGS
from testbench.engines.reference import refusals as R
from testbench.engines.reference.money import ROUNDING_MODES, AmountError, parse_decimal
from testbench.i18n import _t

TIERS_PAYANT = ("none", "amo", "amo+amc")
MODES = ("securise", "degrade", "sesam-sans-vitale")
NOMENCLATURES = ("LPP", "NGAP")
#: LPP prestation types of a line -> their code (SNDS IR_PRF_V: 1 achat ... 7 livraison)
PRESTATIONS = {
    "achat": "1",
    "entretien": "2",
    "location": "3",
    "frais-de-port": "4",
    "reparation": "5",
    "service": "6",
    "livraison": "7",
}
RENTAL_CODES = ("hebdomadaire", "mensuel", "journalier")
TRAVEL_ZONES = ("plaine", "montagne", "pied-ski")
AMC_TYPES = ("tiers-payant-integral", "dre", "c2s")


@dataclass(frozen=True)
class Coverage:
    """The beneficiary's rights that change the rates (ALD, C2S, AME…), with their periods."""

    ald: bool = False
    c2s: bool = False
    ame: bool = False
    maternity: bool = False
    at_mp: bool = False
    prevention: bool = False
    alsace_moselle: bool = False
    exonerated: bool = False
    aspa: bool = False
    rights_start: date | None = None
    rights_end: date | None = None
    #: optional validity period of a flag (``ald_start``/``ald_end`` as the card layer reads them)
    periods: dict[str, tuple[date | None, date | None]] = field(default_factory=dict, compare=False)

    def at(self, when: date) -> Coverage:
        """The coverage in force on ``when``: a flag outside its own period counts as absent."""
        if not self.periods:
            return self
        off = {
            name: False
            for name, (start, end) in self.periods.items()
            if getattr(self, name) and ((start and when < start) or (end and when > end))
        }
        return replace(self, **off) if off else self


@dataclass(frozen=True)
class Beneficiary:
    """Who the invoice is for: NIR, rank, régime and coverage."""

    nir: str | None
    rank: int
    regime: str
    coverage: Coverage
    birth_date: date | None = None
    #: the beneficiary's caisse and centre informatique (with the régime, the lot's organisme destinataire);
    #: "" when the request does not give them (the engine may take them from the Vitale card it read)
    caisse: str = ""
    centre: str = ""


@dataclass(frozen=True)
class AmcContract:
    """The complementary insurer's contract of an invoice, when it has one."""

    contract: str  # "tm" | "tm+depassement"
    cap: Decimal | None  # cap on the dépassement the AMC covers, per invoice; None = no cap
    number: str = ""  # organisation (OC) number
    type: str = ""  # "" | tiers-payant-integral | dre | c2s (docs/reference-engine.md, « AMC »)


@dataclass(frozen=True)
class Prescription:
    """The prescription an invoice executes (B2 type 3S/3E: prescriber, date; the e-prescription id)."""

    prescriber: str | None = None
    date: date | None = None
    number: str | None = None
    eprescription_id: str | None = None


@dataclass(frozen=True)
class LineDetails:
    """A line's optional PSAD/MAD and NGAP data, apart so that a plain line stays cheap to build."""

    prestation: str | None = None  # LPP prestation type (achat, location...), None = from the table
    rental_start: date | None = None
    rental_end: date | None = None
    rental_since: date | None = None  # start of the whole rental (its cumulative duration), default rental_start
    rental_code: str | None = None  # hebdomadaire | mensuel | journalier; None = from the table
    supplier_siret: str | None = None
    lppr: str | None = None  # the supplier's individual LPP product code (LPPR)
    accord_prealable: bool = False  # the code needs an accord préalable (no public list: the case says so)
    prescriber: str | None = None  # a line's own prescriber (invoice break criterion)
    majoration_of: int | None = None  # NGAP: 1-based number of the act line this majoration follows
    travel: str | None = None  # NGAP IK: plaine | montagne | pied-ski
    dom: bool = False  # NGAP: the DOM value of the letter key


NO_DETAILS = LineDetails()


@dataclass(frozen=True)
class Line:
    """One invoice line as checked: nomenclature, code, quantity, amounts and date."""

    index: int
    nomenclature: str
    code: str
    quantity: int
    coefficient: Decimal
    unit_price: Decimal | None
    tariff: Decimal | None
    plv: Decimal | None
    date: date | None
    ald: bool
    exo: str | None
    extra: LineDetails = NO_DETAILS  # PSAD/MAD and NGAP details, if any

    @property
    def details(self) -> bool:
        """The request gave some PSAD/NGAP detail for this line (its checks run, the FSE writes them)."""
        return self.extra is not NO_DETAILS

    @property
    def is_ald(self) -> bool:
        """Billed as ALD care: flagged ``ald``, or coded justificatif 4 (B2 annexe 9: care under the ALD protocol)."""
        return self.ald or self.exo == "4"


@dataclass(frozen=True)
class InvoiceRequest:
    """A create_invoice request once checked: every value typed, every problem already refused."""

    invoice_ref: str
    mode: str
    care_date: date
    ps_category: str
    beneficiary: Beneficiary
    tiers_payant: str
    amc: AmcContract | None
    rounding: str
    lines: tuple[Line, ...]
    prescription: dict[str, Any] | None = None
    billing_date: date | None = None  # the day the invoice is made; None = the last date of care on it
    at_number: str | None = None  # AT/MP: the accident's number (B2 zone 0286)
    at_date: date | None = None  # AT/MP: the accident's date
    accord_prealable: str | None = None  # reference of the accord préalable obtained
    prescribed: Prescription | None = None  # the prescription, parsed
    details: bool = False  # some line carries PSAD/NGAP details (their checks run only then)
    first_care: date = date.min  # the earliest date of care of the lines (set by the parser)
    last_care: date = date.min  # the latest one
    billed_on: date = date.min  # the billing date, default the latest date of care


def _bad(message: str, field: str) -> Exception:
    return R.refuse(R.INVALID_REQUEST, message, field=field)


#: A line's keys (docs/engine-protocol.md, « The invoice request ») in words, for a refusal's message; its
#: ``details.field`` keeps the request's path (``lines[0].quantity``)
LINE_FIELDS = {
    "nomenclature": "nomenclature",
    "code": "code",
    "quantity": _t("quantité"),
    "coefficient": "coefficient",
    "unit_price": _t("prix unitaire"),
    "tariff": _t("tarif"),
    "plv": "PLV",
    "date": "date",
    "ald": "ALD",
    "exo": _t("exonération"),
    "prestation": _t("type de prestation"),
    "rental_start": _t("début de location"),
    "rental_end": _t("fin de location"),
    "rental_since": _t("début de toute la location"),
    "rental_code": _t("code de durée de location"),
    "supplier_siret": _t("SIRET du fournisseur"),
    "lppr": _t("code LPPR"),
    "accord_prealable": "accord préalable",
    "prescriber": _t("prescripteur"),
    "majoration_of": _t("acte majoré"),
    "travel": _t("zone de déplacement"),
    "dom": "DOM",
}
_LINE_PATH = re.compile(r"lines\[(\d+)\](?:\.(\w+))?")


def _label(field: str) -> str:
    """A request path as a person reads it in a refusal: a line by its number from 1 and its key in words
    (``lines[0].quantity`` → « ligne 1, quantité »), any other path as the request spells it."""
    found = _LINE_PATH.fullmatch(field)
    if found is None:
        return field
    line = f"ligne {int(found[1]) + 1}"
    return f"{line}, {LINE_FIELDS.get(found[2], found[2])}" if found[2] else line


def _obj(value: Any, field: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _bad(f"{_label(field)} : objet attendu", field)
    return value


def _str(value: Any, field: str, *, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value:
        raise _bad(f"{_label(field)} : chaîne attendue", field)
    return value


def _bool(value: Any, field: str) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise _bad(f"{_label(field)} : booléen attendu", field)
    return value


def _date(value: Any, field: str, *, optional: bool = False) -> date | None:
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise _bad(f"{_label(field)} : date ISO attendue (AAAA-MM-JJ)", field)
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise _bad(f"{_label(field)} : date invalide {value}", field) from exc


def _dec(value: Any, field: str, *, optional: bool = False, code: str = R.INVALID_REQUEST) -> Decimal | None:
    if optional and (value is None or value == ""):
        return None
    try:
        return parse_decimal(value)
    except AmountError as exc:
        raise R.refuse(code, f"{_label(field)} : {exc}", field=field) from exc


#: The largest amount and coefficient a request may give: the casebook's bounds (its schema), far above any price or
#: act, and what keeps a line's product within the decimal context's 28 digits (beyond, rounding it fails)
AMOUNT_MAX = Decimal("99999999.99")
COEFFICIENT_MAX = Decimal("9999.99")


def _amount(value: Any, field: str) -> Decimal | None:
    """An optional amount in euros to the cent, as the casebook check reads one (its value: « 14.0000 » is
    14.00): a third decimal other than 0 would be priced here and shown rounded elsewhere (the FSE's unit price
    against its billed total)."""
    amount = _dec(value, field, optional=True)
    if amount is not None and amount > AMOUNT_MAX:  # the casebook's bound: far above any price, within the arithmetic
        limit = f"{_label(field)} : montant « {value} » trop grand (au plus {AMOUNT_MAX})"
        raise R.refuse(R.INVALID_REQUEST, limit, field=field)
    if amount is None or not isinstance(exponent := amount.as_tuple().exponent, int) or exponent >= -2:
        return amount
    cents = amount.scaleb(2)
    if cents != cents.to_integral_value():
        raise R.refuse(
            R.INVALID_REQUEST,
            f"{_label(field)} : montant « {value} » au-delà du centime : deux décimales au plus",
            field=field,
        )
    return cents.to_integral_value().scaleb(-2)  # « 14.0000 » priced and shown as 14.00


NO_PLV = Decimal(0)  # a line's explicit "no PLV" (free price), as PLV 0 in the LPP tables


def _plv(value: Any, field: str) -> Decimal | None:
    """``null`` = take the table's PLV; ``"none"`` (or 0) = this line has no PLV."""
    if isinstance(value, str) and value.strip().lower() in ("none", "aucun", "aucune"):
        return NO_PLV
    return _amount(value, field)


def _quantity(value: Any, field: str) -> int:
    try:
        qty = parse_decimal(value)
    except AmountError as exc:
        raise R.refuse(R.INVALID_QUANTITY, f"{_label(field)} : {exc}", field=field) from exc
    if qty != qty.to_integral_value() or qty <= 0 or qty > 999:
        raise R.refuse(R.INVALID_QUANTITY, f"{_label(field)} : quantité entière de 1 à 999 attendue", field=field)
    return int(qty)


_FLAGS = COVERAGE_FLAGS  # one list: what a casebook's fixtures may give is what the engine reads
#: Each flag's period keys (``ald_start``, ``ald_end``), spelt once rather than at every request.
_PERIOD_KEYS = {name: (f"{name}_start", f"{name}_end") for name in _FLAGS}


def parse_coverage(raw: dict[str, Any], where: str = "beneficiary.coverage") -> Coverage:
    flags = {name: _bool(raw.get(name), f"{where}.{name}") for name in _FLAGS}
    periods: dict[str, tuple[date | None, date | None]] = {}
    for name, (start_key, end_key) in _PERIOD_KEYS.items():
        start, end = raw.get(start_key), raw.get(end_key)
        if start is None and end is None:  # a card read gives every period, mostly empty
            continue
        start = _date(start, f"{where}.{start_key}", optional=True)
        end = _date(end, f"{where}.{end_key}", optional=True)
        if start or end:
            periods[name] = (start, end)
    return Coverage(
        **flags,
        rights_start=_date(raw.get("rights_start"), f"{where}.rights_start", optional=True),
        rights_end=_date(raw.get("rights_end"), f"{where}.rights_end", optional=True),
        periods=periods,
    )


def _line(raw: Any, index: int) -> Line:
    f = f"lines[{index}]"
    raw = _obj(raw, f)
    nomenclature = _str(raw.get("nomenclature"), f"{f}.nomenclature")
    if nomenclature not in NOMENCLATURES:
        raise R.refuse(
            R.UNSUPPORTED_NOMENCLATURE, f"ligne {index + 1} : nomenclature {nomenclature} non gérée", line=index
        )
    code = _str(raw.get("code"), f"{f}.code")
    assert code is not None
    code = code.strip().upper()
    if nomenclature == "LPP" and not (len(code) == 7 and code.isdigit()):
        raise R.refuse(R.INVALID_CODE, f"ligne {index + 1} : un code LPP a 7 chiffres ({code})", line=index)
    coefficient = _dec(raw.get("coefficient", "1"), f"{f}.coefficient", code=R.INVALID_COEFFICIENT)
    assert coefficient is not None
    if coefficient <= 0:
        raise R.refuse(R.INVALID_COEFFICIENT, f"ligne {index + 1} : coefficient positif attendu", line=index)
    if coefficient > COEFFICIENT_MAX:
        raise R.refuse(
            R.INVALID_COEFFICIENT,
            f"ligne {index + 1} : coefficient {raw.get('coefficient')} trop grand (au plus {COEFFICIENT_MAX})",
            line=index,
        )
    if coefficient.scaleb(2) != coefficient.scaleb(2).to_integral_value():  # B2 coefficient zone: 4+2 digits
        raise R.refuse(
            R.INVALID_COEFFICIENT,
            f"ligne {index + 1} : coefficient {raw.get('coefficient')} : deux décimales au plus",
            line=index,
        )
    exo = raw.get("exo")
    if exo is not None and (not isinstance(exo, str) or len(exo) != 1):
        raise _bad(f"ligne {index + 1} : code d'exonération d'un caractère attendu", f"{f}.exo")
    unit_price = _amount(raw.get("unit_price"), f"{f}.unit_price")
    tariff = _amount(raw.get("tariff"), f"{f}.tariff")
    if (unit_price is not None and unit_price < 0) or (tariff is not None and tariff < 0):
        raise R.refuse(R.INVALID_REQUEST, f"ligne {index + 1} : montant négatif", line=index)
    line = Line(
        index=index,
        nomenclature=nomenclature,
        code=code,
        quantity=_quantity(raw.get("quantity"), f"{f}.quantity"),
        coefficient=coefficient,
        unit_price=unit_price,
        tariff=tariff,
        plv=_plv(raw.get("plv"), f"{f}.plv"),
        date=_date(raw.get("date"), f"{f}.date", optional=True),
        ald=_bool(raw.get("ald"), f"{f}.ald"),
        exo=exo,
    )
    if _DETAILS.isdisjoint(raw):  # most lines carry no PSAD/NGAP detail: skip their parsing (hot path)
        return line
    return replace(
        line,
        extra=LineDetails(
            prestation=_choice(raw.get("prestation"), f"{f}.prestation", tuple(PRESTATIONS)),
            rental_start=_date(raw.get("rental_start"), f"{f}.rental_start", optional=True),
            rental_end=_date(raw.get("rental_end"), f"{f}.rental_end", optional=True),
            rental_since=_date(raw.get("rental_since"), f"{f}.rental_since", optional=True),
            rental_code=_choice(raw.get("rental_code"), f"{f}.rental_code", RENTAL_CODES),
            supplier_siret=_digits(raw.get("supplier_siret"), f"{f}.supplier_siret", 14, 14),
            lppr=_str(raw.get("lppr"), f"{f}.lppr", optional=True),
            accord_prealable=_bool(raw.get("accord_prealable"), f"{f}.accord_prealable"),
            prescriber=_str(raw.get("prescriber"), f"{f}.prescriber", optional=True),
            majoration_of=_line_number(raw.get("majoration_of"), f"{f}.majoration_of"),
            travel=_choice(raw.get("travel"), f"{f}.travel", TRAVEL_ZONES),
            dom=_bool(raw.get("dom"), f"{f}.dom"),
        ),
    )


#: The optional PSAD/MAD and NGAP keys of a line (docs/engine-protocol.md, « The invoice request »).
_DETAILS = frozenset(
    (
        *("prestation", "rental_start", "rental_end", "rental_since", "rental_code", "supplier_siret", "lppr"),
        *("accord_prealable", "prescriber", "majoration_of", "travel", "dom"),
    )
)


def _choice(value: Any, field: str, allowed: tuple[str, ...]) -> str | None:
    if value is None or value == "":
        return None
    if value not in allowed:
        raise _bad(f"{_label(field)} : une valeur parmi {', '.join(allowed)}", field)
    return str(value)


def _digits(value: Any, field: str, low: int, high: int) -> str | None:
    """An identifier made of digits only (SIRET 14, OC number up to 10): its shape, not its meaning."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    if not text.isdigit() or not low <= len(text) <= high:
        size = str(low) if low == high else f"{low}–{high}"
        raise _bad(f"{_label(field)} : {size} chiffres attendus", field)
    return text


def _line_number(value: Any, field: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = int(str(value))
    except ValueError:
        number = 0
    if number < 1:
        raise _bad(f"{_label(field)} : numéro de ligne (à partir de 1) attendu", field)
    return number


def _prescription(raw: dict[str, Any] | None) -> Prescription | None:
    if raw is None:
        return None
    return Prescription(
        prescriber=_opt_text(raw.get("prescriber") or raw.get("rpps")),
        date=_date(raw.get("date") or None, "prescription.date", optional=True),
        number=_opt_text(raw.get("number")),
        eprescription_id=_opt_text(raw.get("eprescription_id")),
    )


def _opt_text(value: Any) -> str | None:
    text = "" if value is None else str(value).strip()
    return text or None


def parse_invoice_request(raw: Any) -> InvoiceRequest:
    """Check and convert a create_invoice request; every problem is an EngineRefusal with a stable code."""
    raw = _obj(raw, "request")
    mode = raw.get("mode", "securise")
    if mode not in MODES:
        raise _bad(f"mode : une valeur parmi {', '.join(MODES)}", "mode")
    tiers = raw.get("tiers_payant") or "none"
    if tiers not in TIERS_PAYANT:
        raise _bad(f"tiers_payant : une valeur parmi {', '.join(TIERS_PAYANT)}", "tiers_payant")
    rounding = raw.get("rounding") or "half-up"
    if rounding not in ROUNDING_MODES:
        raise R.refuse(R.UNSUPPORTED_ROUNDING, f"arrondi {rounding} non géré", rounding=rounding)
    ben = _obj(raw.get("beneficiary"), "beneficiary")
    rank = ben.get("rank", 1)
    if not isinstance(rank, int) or isinstance(rank, bool) or rank < 0:
        raise _bad("beneficiary.rank : entier attendu", "beneficiary.rank")
    beneficiary = Beneficiary(
        nir=_str(ben.get("nir"), "beneficiary.nir", optional=True),
        rank=rank,
        regime=_str(ben.get("regime") or "01", "beneficiary.regime") or "01",
        coverage=parse_coverage(_obj(ben.get("coverage") or {}, "beneficiary.coverage")),
        birth_date=_date(ben.get("birth_date"), "beneficiary.birth_date", optional=True),
        caisse=_digits(ben.get("caisse"), "beneficiary.caisse", 3, 3) or "",
        centre=_digits(ben.get("centre"), "beneficiary.centre", 4, 4) or "",
    )
    amc_raw = raw.get("amc")
    amc = None
    if amc_raw is not None:
        amc_raw = _obj(amc_raw, "amc")
        contract = amc_raw.get("contract", "tm")
        if contract not in ("tm", "tm+depassement"):
            raise _bad("amc.contract : « tm » ou « tm+depassement » attendu", "amc.contract")
        cap = _amount(amc_raw.get("cap"), "amc.cap")
        if cap is not None and cap < 0:  # a negative cap would take back part of the ticket modérateur
            raise R.refuse(R.INVALID_REQUEST, "amc.cap : montant négatif", field="amc.cap")
        amc_type = _choice(amc_raw.get("type"), "amc.type", AMC_TYPES) or ""
        number = _digits(amc_raw.get("number"), "amc.number", 1, 10) or ""
        amc = AmcContract(contract=contract, cap=cap, number=number, type=amc_type)
    lines_raw = raw.get("lines")
    if not isinstance(lines_raw, list):
        raise _bad("lines : liste attendue", "lines")
    if not lines_raw:
        raise R.refuse(R.EMPTY_INVOICE, "facture sans ligne")
    if len(lines_raw) > 999:
        raise R.refuse(R.TOO_MANY_LINES, f"{len(lines_raw)} lignes (999 au plus)")
    prescription = raw.get("prescription")
    if prescription is not None:
        prescription = _obj(prescription, "prescription")
    care_date = _date(raw.get("care_date"), "care_date")
    assert care_date is not None
    at_number = _str(raw.get("at_number"), "at_number", optional=True)
    at_date = _date(raw.get("at_date"), "at_date", optional=True)
    if at_number or at_date:  # an invoice naming its accident is an AT/MP invoice (nature 41)
        cov = beneficiary.coverage
        periods = {k: v for k, v in cov.periods.items() if k != "at_mp"}
        beneficiary = replace(beneficiary, coverage=replace(cov, at_mp=True, periods=periods))
    lines = tuple(_line(item, i) for i, item in enumerate(lines_raw))
    days = [line.date or care_date for line in lines]
    billing_date = _date(raw.get("billing_date"), "billing_date", optional=True)
    return InvoiceRequest(
        invoice_ref=_str(raw.get("invoice_ref"), "invoice_ref") or "",
        mode=mode,
        care_date=care_date,
        ps_category=_str(raw.get("ps_category") or "fournisseur-lpp", "ps_category") or "",
        beneficiary=beneficiary,
        tiers_payant=tiers,
        amc=amc,
        rounding=rounding,
        lines=lines,
        prescription=prescription,
        billing_date=billing_date,
        at_number=at_number,
        at_date=at_date,
        accord_prealable=_str(raw.get("accord_prealable"), "accord_prealable", optional=True),
        prescribed=_prescription(prescription),
        details=any(line.extra is not NO_DETAILS for line in lines),
        first_care=min(days),
        last_care=max(days),
        billed_on=billing_date or max(days),
    )
