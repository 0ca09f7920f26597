"""The step actions, the engine calls and the observation roots: one table every layer reads.

A casebook names an action (``<invoice>``); the runner performs it, through an engine call
(``create_invoice``) for the billing steps or on the card bay for the card steps; its result lands
under one observation root (``invoice``) where the casebook's expectations find it
(``invoice.totals.amo``). The casebook's checks, the runner, the engine protocol, the reference
engine and the operator mode all derive their lists from :data:`STEP_ACTIONS`, so they cannot drift.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class StepAction:
    """A step action of the casebook, the root of its observations and the engine call behind it."""

    name: str  # element name inside ``<steps>`` and ``Step.action``
    root: str  # first segment of the observation paths of its result
    call: str | None = None  # the engine method performing it; None when the bench does it itself


STEP_ACTIONS: tuple[StepAction, ...] = (
    StepAction("read-cps", "cps", "read_cps"),
    StepAction("read-vitale", "vitale", "read_vitale"),
    StepAction("verify-pin", "pin"),
    StepAction("adri", "adri", "adri_query"),
    StepAction("invoice", "invoice", "create_invoice"),
    StepAction("secure", "secure", "secure_invoice"),
    StepAction("build-lot", "lot", "build_lot"),
    StepAction("read-returns", "returns", "read_returns"),
    StepAction("insert-card", "cards"),
    StepAction("remove-card", "cards"),
    StepAction("change-pin", "pin"),
    StepAction("unblock-pin", "pin"),
    StepAction("apcv", "apcv", "apcv_context"),
    StepAction("insi", "insi", "insi_query"),
    StepAction("eprescription", "eprescription", "eprescription_fetch"),
)
#: Automatic actions the bench performs, in casebook order.
ACTIONS: tuple[str, ...] = tuple(a.name for a in STEP_ACTIONS)
#: The action name of a step a person performs and attests.
MANUAL = "manual"

#: Engine calls a step can make (an engine's ``capabilities``), in the order of the protocol.
ENGINE_CALLS: tuple[str, ...] = tuple(a.call for a in STEP_ACTIONS if a.call)
#: Every method of the engine interface: the calls plus ``describe``.
ENGINE_METHODS: tuple[str, ...] = ("describe", *ENGINE_CALLS)
#: Engine call -> the observation root its result lands under.
CALL_ROOTS: dict[str, str] = {a.call: a.root for a in STEP_ACTIONS if a.call}

#: Observation paths the runner produces, as patterns (``[i]`` any index, ``*`` any rest).
OBSERVATION_PATHS: tuple[str, ...] = (
    "cps.rpps",
    "cps.name",
    "cps.profession",
    "vitale.nir",
    "vitale.beneficiaries[i].rank",
    "vitale.beneficiaries[i].name",
    "vitale.beneficiaries[i].coverage.*",
    "invoice.number",
    "invoice.lines[i].base",
    "invoice.lines[i].rate",
    "invoice.lines[i].amo",
    "invoice.lines[i].amc",
    "invoice.lines[i].patient",
    "invoice.lines[i].depassement",
    "invoice.totals.billed",
    "invoice.totals.base",
    "invoice.totals.amo",
    "invoice.totals.amc",
    "invoice.totals.patient",
    "invoice.totals.depassement",
    "invoice.totals.state",
    "invoice.totals.tm",
    "invoice.withholdings.franchise",
    "invoice.withholdings.participation_forfaitaire",
    "invoice.lines[i].state",
    "invoice.lines[i].billed",
    "invoice.lines[i].tariff",
    "invoice.lines[i].exo",
    "invoice.lines[i].rule",
    "invoice.lines[i].prestation_type",
    "invoice.nature_assurance",
    "invoice.exo",
    "invoice.regime",
    "invoice.billing_date",
    "invoice.prescription.eprescription_id",
    "invoice.prescription.number",
    "invoice.prescription.date",
    "invoice.prescription.prescriber",
    "invoice.amc.*",
    "invoice.tiers_payant.*",
    "invoice.warnings[i].*",
    "secure.status",
    "lot.number",
    "lot.invoice_count",
    "lot.totals.billed",
    "lot.totals.base",
    "lot.totals.amo",
    "lot.totals.amc",
    "lot.totals.patient",
    "lot.totals.depassement",
    "lot.organisme.*",
    "returns.status",
    "returns.codes",
    "returns.due",
    "returns.paid",
    "returns.unpaid",
    "returns.details[i].amount_due",
    "returns.details[i].amount_paid",
    "returns.details[i].code",
    "pin.status",
    "pin.tries_left",
    "cards.*",
    "adri.rights_open",
    "adri.query",
    "adri.marking",
    "adri.guarantee",
    "adri.nir",
    "adri.rank",
    "adri.regime",
    "adri.caisse",
    "adri.centre",
    "adri.reference",
    "adri.beneficiary_count",
    "adri.coverage.*",
    "invoice.adri.marking",
    "invoice.adri.guarantee",
    "apcv.status",
    "apcv.channel",
    "apcv.nir",
    "apcv.rank",
    "apcv.name",
    "apcv.first_name",
    "apcv.birth_date",
    "apcv.regime",
    "apcv.caisse",
    "apcv.centre",
    "apcv.context_id",
    "apcv.rights_open",
    "apcv.expires",
    "apcv.coverage.*",
    "insi.status",
    "insi.count",
    "insi.ins",
    "insi.oid",
    "insi.birth_name",
    "insi.first_name",
    "insi.sex",
    "insi.birth_date",
    "insi.birth_place",
    "insi.qualified",
    "eprescription.number",
    "eprescription.date",
    "eprescription.prescriber.rpps",
    "eprescription.prescriber.name",
    "eprescription.prescriber.specialty",
    "eprescription.line_count",
    "eprescription.lines[i].nomenclature",
    "eprescription.lines[i].code",
    "eprescription.lines[i].quantity",
    "eprescription.lines[i].label",
    "manual.*",
)

#: The last name of an observation path whose value is an amount in euros (``invoice.totals.amo``,
#: ``returns.details[0].amount_paid``): a person reads it as money (testbench.fmt.typed), a rate or a count not.
#: ``total`` names no engine path; it is there for the operator's values (``manual.total``).
AMOUNT_FIELDS = frozenset(
    {
        *("billed", "base", "amo", "amc", "patient", "depassement", "state", "tm", "tariff", "total"),
        *("due_from_amo", "due_from_amc", "due_from_state", "due_from_patient"),
        *("due", "paid", "unpaid", "amount_due", "amount_paid", "franchise", "participation_forfaitaire"),
        *("unit_price", "plv"),  # what a line's invoice request gave: the engine's observations carry them too
    }
)


#: A path's shape: each index ``[12]`` written ``[i]``, as the patterns write it.
_INDEX = re.compile(r"\[\d+\]")
#: What a pattern's ``*`` stands for, in a shape: one or more names, each maybe indexed.
_REST = re.compile(r"[A-Za-z0-9_\-]+(?:\[i\])?(?:\.[A-Za-z0-9_\-]+(?:\[i\])?)*")
_EXACT_PATHS = frozenset(p for p in OBSERVATION_PATHS if not p.endswith(".*"))
_OPEN_PATHS = tuple(p[:-1] for p in OBSERVATION_PATHS if p.endswith(".*"))  # "invoice.amc.", ...


def known_path(path: str) -> bool:
    """Whether ``path`` is one of OBSERVATION_PATHS: its shape is a pattern, or a ``*`` pattern's prefix and a
    rest of names (a casebook's expectation, an application profile's extractor target). One regular
    expression of every pattern took ~7 ms to compile, at every run."""
    if "[i]" in path:  # written as a pattern, not a path: no index there
        return False
    shape = _INDEX.sub("[i]", path)
    if shape in _EXACT_PATHS:
        return True
    return any(shape.startswith(p) and _REST.fullmatch(shape, len(p)) for p in _OPEN_PATHS)


def is_amount(path: str) -> bool:
    """Whether the value at an observation path is an amount in euros: its last name is in AMOUNT_FIELDS or
    ends with ``_`` and one of them, as a casebook author names an operator's value (``manual.paper_total``)."""
    last = path.rpartition(".")[2].partition("[")[0]
    return last in AMOUNT_FIELDS or last.rpartition("_")[2] in AMOUNT_FIELDS


def is_rate(path: str) -> bool:
    """Whether the value at an observation path is a rate in percent: its last name is ``rate`` or ends with
    ``_rate``, as an operator's value is named (``manual.paper_rate``)."""
    last = path.rpartition(".")[2].partition("[")[0]
    return last.rpartition("_")[2] == "rate"


#: First segment of an expectable observation path -> the actions whose result it is.
OBSERVATION_ROOTS: dict[str, frozenset[str]] = {
    root: frozenset({MANUAL} if root == MANUAL else {a.name for a in STEP_ACTIONS if a.root == root})
    for root in dict.fromkeys(p.split(".", 1)[0] for p in OBSERVATION_PATHS)
}

#: Refusals that say a téléservice did not answer usably: down, timeout or server error (unavailable),
#: malformed answer (invalid). A step refused with one of them that the case did not expect is not the
#: product's failure: the case is inconclusive (unavailable) or in error (invalid), docs/teleservices.md.
TELESERVICE_UNAVAILABLE = "TELESERVICE_UNAVAILABLE"
TELESERVICE_INVALID_ANSWER = "TELESERVICE_INVALID_ANSWER"

#: The PS categories a casebook may name (``<ps-category>``): the project's own list, the CNDA's is not public. Each
#: engine prices its own; the reference engine's tables rate every one of them (tests/test_ps_category_known.py).
PS_CATEGORIES: frozenset[str] = frozenset(
    {
        "demonstration",
        "fournisseur-lpp",
        "psad",
        "infirmier",
        "masseur-kinesitherapeute",
        "orthophoniste",
        "orthoptiste",
        "pedicure-podologue",
        "medecin",
        "medecin-generaliste",
    }
)

#: Stable refusal codes of the engine interface (``EngineRefusal.code``) a case may expect.
REFUSAL_CODES: frozenset[str] = frozenset(
    {
        # reference engine, PSAD/MAD depth (docs/reference-engine.md)
        "ALD_NOT_IN_RIGHTS",
        "NO_RATE_AT_DATE",
        "INVOICE_NOT_SECURED",
        "MIXED_LOT",
        "ORGANISME_UNKNOWN",  # a lot for an invoice whose caisse or centre nothing gave
        "TOO_MANY_LINES",  # more than 999 lines on one invoice (B2 limit)
        "UNKNOWN_REGIME",
        "BILLING_BEFORE_CARE",
        "BILLING_DELAY_EXCEEDED",
        "PRESCRIBER_INVALID",
        "PRESCRIPTION_INCOMPLETE",
        "PRESCRIPTION_AFTER_CARE",
        "ATMP_NUMBER_MISSING",
        "ATMP_DATE_AFTER_CARE",
        "AMC_NUMBER_MISSING",
        "C2S_NOT_IN_RIGHTS",
        "PRESTATION_TYPE_MISMATCH",
        "ACCORD_PREALABLE_MISSING",
        "SUPPLIER_SIRET_INVALID",
        "RENTAL_PERIOD_INVALID",
        "RENTAL_CODE_MISMATCH",
        "MIXED_INSURANCE_NATURES",
        "INVOICE_BREAK_REQUIRED",
        "MAJORATION_WITHOUT_ACT",
        "MAJORATION_NOT_APPLICABLE",
        "TRAVEL_WITHOUT_ACT",
        "TRAVEL_ZONE_NOT_APPLICABLE",
        "INVALID_QUANTITY",
        "UNKNOWN_CODE",
        "NO_TARIFF_AT_DATE",
        "PRICE_ABOVE_PLV",
        "DEPASSEMENT_NOT_ALLOWED_C2S",
        "RIGHTS_EXPIRED",
        "CARD_NOT_TEST",
        "PIN_BLOCKED",
        "PIN_TRIES_LOW",
        "PIN_WRONG",
        "UNBLOCK_BLOCKED",
        "UNBLOCK_TRIES_LOW",
        "UNBLOCK_WRONG",
        "NO_CARD",
        "CARD_SWAPPED",
        "ADRI_UNKNOWN_BENEFICIARY",
        "APCV_CONTEXT_EXPIRED",
        "APCV_REFUSED",
        "EPRESCRIPTION_NOT_FOUND",
        TELESERVICE_UNAVAILABLE,
        TELESERVICE_INVALID_ANSWER,
    }
)

#: Trace channels, in the order the workstation's panes show them: the application's log, card APDUs,
#: the engine's traces, the téléservices' HTTP exchanges, the bench's own lines. Store, casebook, views
#: and reports read this one list.
TRACE_CHANNELS: tuple[str, ...] = ("app", "apdu", "engine", "http", "bench")
