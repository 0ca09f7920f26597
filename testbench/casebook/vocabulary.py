"""The closed vocabularies of casebook format version 1, shared by the loader and its docs.

Kept in one place so the runner, the TUI and the documentation name the same things.
"""

from __future__ import annotations

from testbench.casebook.model import Domain, Mode

FORMAT_VERSION = "1"
NAMESPACE = "urn:testbench:casebook:1"

#: Automatic actions the bench performs (element names inside ``<steps>``; ``Step.action``).
ACTIONS: tuple[str, ...] = (
    "read-cps",
    "read-vitale",
    "verify-pin",
    "adri",
    "invoice",
    "secure",
    "build-lot",
    "read-returns",
    "insert-card",
    "remove-card",
)
MANUAL = "manual"

#: Accepted spellings of a mode (the French accented ones included).
MODE_SPELLINGS: dict[str, Mode] = {
    "securise": Mode.SECURISE,
    "sécurisé": Mode.SECURISE,
    "degrade": Mode.DEGRADE,
    "dégradé": Mode.DEGRADE,
    "sesam-sans-vitale": Mode.SESAM_SANS_VITALE,
    "none": Mode.NONE,
}

DOMAINS: dict[str, Domain] = {d.value: d for d in Domain}

#: Stable refusal codes of the engine interface (``EngineRefusal.code``) a case may expect.
REFUSAL_CODES: frozenset[str] = frozenset(
    {
        "INVALID_QUANTITY",
        "UNKNOWN_CODE",
        "NO_TARIFF_AT_DATE",
        "PRICE_ABOVE_PLV",
        "DEPASSEMENT_NOT_ALLOWED_C2S",
        "RIGHTS_EXPIRED",
        "CARD_NOT_TEST",
        "PIN_BLOCKED",
    }
)

#: First segment of an observation path -> the actions whose result it is.
OBSERVATION_ROOTS: dict[str, frozenset[str]] = {
    "cps": frozenset({"read-cps"}),
    "vitale": frozenset({"read-vitale"}),
    "invoice": frozenset({"invoice"}),
    "secure": frozenset({"secure"}),
    "lot": frozenset({"build-lot"}),
    "returns": frozenset({"read-returns"}),
    "manual": frozenset({MANUAL}),
}

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
    "secure.status",
    "lot.number",
    "lot.invoice_count",
    "lot.totals.amo",
    "returns.status",
    "returns.codes",
    "manual.*",
)

VALUE_TYPES: tuple[str, ...] = ("decimal", "integer", "string", "date", "boolean")
TRACE_CHANNELS: tuple[str, ...] = ("apdu", "engine", "app", "bench")
SLOTS: tuple[str, ...] = ("vitale", "cps")

#: Attribute defaults the loader writes into ``Step.params`` so the runner never guesses.
STEP_DEFAULTS: dict[str, dict[str, str]] = {
    "verify-pin": {"slot": "cps"},
    "invoice": {"tiers-payant": "none"},
}
LINE_DEFAULTS: dict[str, str] = {"coefficient": "1", "ald": "false"}
