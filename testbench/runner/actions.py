"""Automatic steps: turn a casebook action into engine or card calls, and results into observations.

Each handler returns the observations of its step as one subtree (``{"invoice": {...}}``); large
documents the engine produced (FSE, B2 lot, NOEMIE returns) become artifacts, and the observation
keeps their SHA-256.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from testbench.cards.api import CardBay
from testbench.casebook.model import Case, Casebook, ExpectationKind, Mode, Patient, Step
from testbench.casebook.rights import IDENTITY_RIGHTS
from testbench.domain import normalize
from testbench.domain.decimals import to_the_cent
from testbench.domain.hooks import OperatorDriven
from testbench.domain.organisme import ORGANISME_DIGITS, organisme_of
from testbench.engines.api import Engine, EngineProtocolError, JsonObject
from testbench.engines.operator.assisted import ExtractionFailed
from testbench.engines.operator.engine import CAPTURED
from testbench.engines.protocol.documents import document_fault
from testbench.i18n import _t
from testbench.store.chain import expected_media_type
from testbench.sut.filenames import readable_name

#: Result keys holding documents, stored as artifacts: key -> (media type, file name pattern).
DOCUMENTS = {
    "fse": ("application/xml", "fse-{ref}.xml"),
    "b2": ("text/plain", "lot-{ref}.b2"),
    "noemie": ("text/plain", "retour-{ref}.noemie"),
}

_TRUE = {"true", "1", "oui", "yes"}


class ActionError(Exception):
    """The step cannot be performed as written (a casebook or bench problem: verdict error)."""


@dataclass
class ActionContext:
    """What a case's steps share: the bench's parts, the observations so far, the invoices and lots made."""

    casebook: Casebook
    case: Case
    engine: Engine
    bay: CardBay
    invoice_prefix: str  # unique per attempt, so repeated runs never reuse an invoice number
    observations: dict[str, Any] = field(default_factory=dict)  # the case's, a later step's value replacing
    by_step: dict[str, dict[str, Any]] = field(default_factory=dict)  # step id → the observations it produced
    invoice_ids: list[str] = field(default_factory=list)
    lots: dict[str, list[str]] = field(default_factory=dict)  # lot number → the case's invoices it holds
    store_document: Callable[[str, bytes, str, str], str] | None = None  # (step, data, media, name) -> sha
    services: Any = None  # the simulated téléservices (runner.teleservices.Services), started on first use
    emptied: dict[str, str] = field(default_factory=dict)  # slot → the remove-card step that emptied it
    holders: dict[str, str] = field(default_factory=dict)  # slot → NIR/RPPS of the card last pulled from it


Handler = Callable[[ActionContext, Step], dict[str, Any]]


def _flag(value: Any) -> bool:
    return str(value).strip().lower() in _TRUE


def _key(name: str) -> str:
    return name.replace("-", "_")


def _extract_documents(ctx: ActionContext, step: Step, result: JsonObject) -> JsonObject:
    out = dict(result)
    fault: EngineProtocolError | None = None
    for key, (media, pattern) in DOCUMENTS.items():
        text = out.pop(key, None)
        if isinstance(text, str) and ctx.store_document is not None:
            name = pattern.format(ref=f"{ctx.case.id}-{step.id}")
            out[f"{key}_sha256"] = ctx.store_document(step.id, text.encode("utf-8"), media, name)
        if isinstance(text, str) and fault is None:
            fault = document_fault(key, text)  # the engine's, said once each document is kept as evidence
    if fault is not None:
        raise fault
    files = out.pop(CAPTURED, None) or []  # operator modes: the application's own files, kept as they are
    if files and ctx.store_document is not None:
        # each under the name a person reads: one the application wrote in its Windows code page comes with
        # Python's surrogates, which the session cannot store (the bytes are kept whole all the same)
        files = [(readable_name(name), data) for name, data in files]
        out["files"] = [name for name, _data in files]
        store = ctx.store_document
        out["files_sha256"] = [store(step.id, data, expected_media_type(name, data), name) for name, data in files]
    return out


def keep_files(ctx: ActionContext, step: Step, files: list[tuple[str, bytes]]) -> None:
    """The application's files of a step that failed (one it wrote that cannot be read), kept as its evidence as
    the files of a step that ended are, byte for byte under their names."""
    _extract_documents(ctx, step, {CAPTURED: files})


def patient_of(ctx: ActionContext, step: Step) -> Patient | None:
    ref = step.params.get("patient")
    if not ref:
        return None
    try:
        return ctx.casebook.fixtures.patients[ref]
    except KeyError:
        raise ActionError(f"patient inconnu : {ref}") from None


def _fixture_coverage(rights: Mapping[str, str]) -> JsonObject:
    """Coverage from a patient fixture: flags by name (``ald="true"``), or listed in ``coverage="ald c2s"``;
    dates (``rights-start``, ``ald-end``…) pass through as ISO strings."""
    coverage: JsonObject = {}
    for name, value in rights.items():
        key = _key(name)
        if key in IDENTITY_RIGHTS:
            continue
        if key == "coverage":
            coverage.update({_key(flag): True for flag in value.split() if flag != "standard"})
        elif key.endswith(("_start", "_end")):
            coverage[key] = value
        else:
            coverage[key] = _flag(value)
    return coverage


def rank_of(ben: Any) -> int | None:
    """The rank of a beneficiary of a card read; None when it has none to compare (not an object, no rank, a
    rank an operator keyed in words)."""
    if not isinstance(ben, Mapping):
        return None
    try:
        return int(ben.get("rank"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _apcv_as_card(apcv: Mapping[str, Any]) -> JsonObject:
    """An ApCV context in the shape of a Vitale card read: one beneficiary, its rights."""
    coverage = dict(apcv.get("coverage") or {})
    ben = {k: apcv.get(k) for k in ("nir", "rank", "name", "first_name", "birth_date")}
    rights = {"start": coverage.get("rights_start"), "end": coverage.get("rights_end"), "regime": apcv.get("regime")}
    rights.update(organisme_of(apcv))
    return {"nir": apcv.get("nir"), "beneficiaries": [{**ben, "coverage": coverage}], "rights": rights}


def beneficiary(ctx: ActionContext, step: Step) -> JsonObject:
    """The beneficiary of an invoice: from the Vitale card read in this case (sécurisé), else from
    the patient fixture (dégradé, SESAM sans Vitale); the rights the ADRi téléservice answered in this
    case for that person replace the card's or the fixture's (they are the insurer's, and newer)."""
    ben = _card_or_fixture(ctx, step)
    adri = ctx.observations.get("adri")
    if (
        isinstance(adri, Mapping)
        and adri.get("source") == "adri"
        and (adri.get("nir"), adri.get("rank")) == (ben.get("nir"), ben.get("rank"))
    ):
        ben = {
            **ben,
            "regime": str(adri.get("regime") or ben["regime"]),
            **organisme_of(adri),
            "coverage": dict(adri.get("coverage") or {}),
        }
    return ben


#: The statuses of an ApCV context that stands for nothing (docs/teleservices.md: valid, expired, refused).
_VOID_CONTEXT = {"expired", "refused"}


def _card_read(ctx: ActionContext) -> tuple[Mapping[str, Any], bool] | None:
    """What stands for the Vitale card in a secured case, and whether it is an ApCV context: the card read in
    the case, else a valid context (an expired or refused one stands for nothing); None when it has neither."""
    vitale = ctx.observations.get("vitale")
    if isinstance(vitale, Mapping):
        return vitale, False
    apcv = ctx.observations.get("apcv")
    if isinstance(apcv, Mapping) and str(apcv.get("status") or "") not in _VOID_CONTEXT:
        return _apcv_as_card(apcv), True  # the app carte Vitale stands for the card
    return None


def _reads_the_card(ctx: ActionContext, step: Step) -> bool:
    """Whether the case reads the Vitale card or an ApCV context, as every secured case that validates does (a
    case built in code without either bills its patient fixture; an ADRi query may precede the read), and
    expects the invoice ``step`` made: one the case expects refused (NO_CARD after a pulled card) is sent on with
    the fixture's beneficiary, for the product to refuse it."""
    refused = any(e.kind is ExpectationKind.REFUSAL and e.step == step.id for e in ctx.case.expectations)
    return not refused and any(other.action in ("read-vitale", "apcv") for other in ctx.case.steps)


def _nir13(value: Any) -> str:
    """A NIR without spaces nor key, to compare a card's with a fixture's; "" when unknown."""
    return "".join(str(value or "").split())[:13]


def _same_person(patient: Patient | None, nir: Any, from_apcv: bool) -> None:
    """A secured invoice bills the card's (or context's) beneficiary: one written for another patient (the NIR of
    its fixture differs) is refused, never billed to the other NIR silently."""
    written = _nir13({_key(k): v for k, v in patient.rights.items()}.get("nir")) if patient else ""
    if patient is None or not written or not _nir13(nir) or written == _nir13(nir):
        return
    if from_apcv:
        raise ActionError(
            f"la facture est pour le patient « {patient.id} », mais le contexte ApCV présente un autre bénéficiaire"
            " (NIR différent)"
        )
    raise ActionError(
        f"la facture est pour le patient « {patient.id} », mais la carte Vitale lue est celle d'un autre bénéficiaire"
        " (NIR différent)"
    )


def _card_or_fixture(ctx: ActionContext, step: Step) -> JsonObject:
    patient = patient_of(ctx, step)
    rank = int(step.params.get("beneficiary") or (patient.rank if patient else 1))
    read = _card_read(ctx) if ctx.case.mode is Mode.SECURISE else None
    if read is not None:
        found = _from_card(ctx, step, patient, rank, *read)
        if found is not None:
            return found
    elif ctx.case.mode is Mode.SECURISE and step.action == "invoice" and _reads_the_card(ctx, step):
        raise ActionError(
            "pas de carte Vitale lue ni de contexte ApCV valide dans ce cas : une facture sécurisée exige l'un"
            " ou l'autre"
        )
    if patient is None:
        raise ActionError("aucun patient pour cette facture : indiquez patient=… ou lisez la carte Vitale")
    return _from_fixture(patient, rank)


def _from_card(
    ctx: ActionContext, step: Step, patient: Patient | None, rank: int, vitale: Mapping[str, Any], from_apcv: bool
) -> JsonObject | None:
    """The beneficiary of ``rank`` on the card read (or the ApCV context); None in operator mode when the operator
    reported only the card's first beneficiary, or none: the other ranks are the patient fixture's."""
    rights = vitale.get("rights") or {}
    for ben in vitale.get("beneficiaries") or []:
        if rank_of(ben) == rank:
            nir = ben.get("nir") or vitale.get("nir")
            if step.action == "invoice":
                _same_person(patient, nir, from_apcv)
            coverage = dict(ben.get("coverage") or {})
            coverage.setdefault("rights_start", rights.get("start"))
            coverage.setdefault("rights_end", rights.get("end"))
            return {
                "nir": nir,
                "rank": rank,
                "regime": str(rights.get("regime") or "01"),
                **organisme_of(rights),
                "birth_date": ben.get("birth_date"),
                "coverage": coverage,
            }
    if patient is None or (vitale.get("beneficiaries") and not isinstance(ctx.engine, OperatorDriven)):
        raise ActionError(f"bénéficiaire de rang {rank} absent de la carte Vitale lue")
    return None


def _from_fixture(patient: Patient, rank: int) -> JsonObject:
    """The beneficiary as its patient fixture writes it (dégradé, SESAM sans Vitale)."""
    rights = {_key(k): v for k, v in patient.rights.items()}
    return {
        "nir": rights.get("nir"),
        "rank": rank,
        "regime": rights.get("regime") or "01",
        # the attestation de droits' organisme, where a dégradé invoice's lot goes; as written, so that a
        # mistyped one is refused with the invoice (INVALID_REQUEST) rather than found missing at the lot
        **{name: rights[name] for name in ORGANISME_DIGITS if rights.get(name)},
        "birth_date": rights.get("birth_date"),
        "coverage": _fixture_coverage(patient.rights),
    }


def _cents(value: Any) -> Any:
    """An amount as the engine protocol writes amounts, two decimals (« 14.0000 » → « 14.00 »): the casebook check
    lets zeros past the cent through, an engine built to the protocol's « two decimals » may refuse them. Anything
    else (no decimals, a PLV word, a value the check refused) is sent as written."""
    return (to_the_cent(value) or value) if isinstance(value, str) else value


def invoice_request(ctx: ActionContext, step: Step) -> JsonObject:
    params = step.params
    lines = []
    for raw in params.get("lines", ()):
        line = {_key(k): v for k, v in raw.items()}
        lines.append(
            {
                "nomenclature": line.get("nomenclature", "LPP"),
                "code": line.get("code", ""),
                "quantity": line.get("quantity", "1"),
                "coefficient": line.get("coefficient", "1"),
                "unit_price": _cents(line.get("unit_price")),
                "tariff": _cents(line.get("tariff")),
                "plv": _cents(line.get("plv")),
                "date": line.get("date"),
                "ald": _flag(line.get("ald", "false")),
                "exo": line.get("exo"),
                **_line_details(line),
            }
        )
    prescription = None
    if params.get("prescription"):
        try:
            prescription = dict(ctx.casebook.fixtures.prescriptions[params["prescription"]].attributes)
        except KeyError:
            raise ActionError(f"prescription inconnue : {params['prescription']}") from None
    written = {key: params[attr] for attr, key in _PRESCRIPTION_ATTRS.items() if params.get(attr)}
    if written:  # the invoice's own prescription data complete (or replace) the fixture's
        prescription = {**(prescription or {}), **written}
    fetched = _fetched_number(ctx)
    if fetched and not (prescription or {}).get("eprescription_id") and not (prescription or {}).get("number"):
        # made after the case read an e-prescription, the invoice executes it: the engine carries its prescriber
        # and date from its own fetch (docs/teleservices.md, « The invoice of an e-prescription »)
        prescription = {**(prescription or {}), "eprescription_id": fetched}
    amc = None
    if params.get("amc") or params.get("amc-type"):
        amc = {
            "contract": params.get("amc") or "tm",
            "cap": _cents(params.get("amc-cap") or params.get("amc_cap")),
            "type": params.get("amc-type"),
            "number": params.get("amc-number"),
        }
    ref = f"{ctx.invoice_prefix}-{len(ctx.invoice_ids) + 1}"
    adri = ctx.observations.get("adri")
    adri_reference = adri.get("reference") if isinstance(adri, Mapping) else None
    return {
        "invoice_ref": ref,
        "mode": ctx.case.mode.value,
        "care_date": params.get("care-date") or params.get("care_date"),
        "ps_category": ctx.casebook.identity.ps_category,
        "beneficiary": beneficiary(ctx, step),
        "prescription": prescription,
        "tiers_payant": params.get("tiers-payant") or params.get("tiers_payant") or "none",
        "amc": amc,
        "rounding": params.get("rounding"),
        "lines": lines,
        **{key: params[attr] for attr, key in _INVOICE_ATTRS.items() if params.get(attr)},
        # the ADRi answer this case got: the invoice's « facture ADRi » marking comes from it, never from
        # an answer of another case (docs/teleservices.md)
        **({"adri_reference": str(adri_reference)} if adri_reference else {}),
    }


#: ``<invoice>`` attributes of the prescription -> its request keys (docs/casebook-format.md, invoice).
_PRESCRIPTION_ATTRS = {
    "prescriber": "prescriber",
    "prescription-date": "date",
    "prescription-number": "number",
    "eprescription-id": "eprescription_id",
}
#: Other PSAD/MAD ``<invoice>`` attributes passed to the engine as they are.
_INVOICE_ATTRS = {
    "billing-date": "billing_date",
    "at-number": "at_number",
    "at-date": "at_date",
    "accord-prealable": "accord_prealable",
}
#: ``<line>`` attributes passed as they are (already keyed with underscores), and the boolean ones.
_LINE_TEXTS = (
    "prestation",
    "rental_start",
    "rental_end",
    "rental_since",
    "rental_code",
    "supplier_siret",
    "lppr",
    "prescriber",
    "majoration_of",
    "travel",
)
_LINE_FLAGS = ("accord_prealable", "dom")


def _line_details(line: Mapping[str, str]) -> JsonObject:
    """The PSAD/MAD and NGAP details of a line, only those the casebook wrote."""
    out: JsonObject = {key: line[key] for key in _LINE_TEXTS if line.get(key)}
    out.update({key: True for key in _LINE_FLAGS if key in line and _flag(line[key])})
    return out


def _card_step(ctx: ActionContext, slot: str, call: Callable[[], Any], *, bench: bool = False) -> Any:
    """A step that needs the card of ``slot`` (docs/cards.md §6.2). In a slot the case emptied with
    ``<remove-card>``, the product's ``NO_CARD`` refusal stands (a case expects it); the bench's own PIN
    steps (``bench``) refuse it themselves. A card missing without the case saying so is the bench's
    trouble: verdict inconclusive, not the product's refusal."""
    from testbench.cards.api import CardUnavailable
    from testbench.domain.refusal import EngineRefusal

    if bench and slot in ctx.emptied:
        message = f"aucune carte dans le lecteur {slot} : retirée à l'étape {ctx.emptied[slot]}"
        raise EngineRefusal("NO_CARD", message, {"slot": slot, "sent": False})
    try:
        return call()
    except EngineRefusal as exc:
        if exc.code == "NO_CARD" and slot not in ctx.emptied:
            raise CardUnavailable(exc.message) from exc
        raise


#: The steps that read the card of a slot, and the slot each reads when the step names none (securing reads
#: the Vitale card the invoice was made with: docs/cards.md §6.2).
CARD_STEPS = {
    "read-cps": "cps",
    "read-vitale": "vitale",
    "verify-pin": "cps",
    "change-pin": "cps",
    "unblock-pin": "cps",
    "secure": "vitale",
}


def card_slot(step: Step) -> str | None:
    """The slot whose card ``step`` reads; None for a step that reads no card."""
    default = CARD_STEPS.get(step.action or "")
    if default is None or step.action == "secure":
        return default
    return str(step.params.get("slot", default))


def _read_cps(ctx: ActionContext, step: Step) -> dict[str, Any]:
    slot = card_slot(step) or "cps"
    return {"cps": _card_step(ctx, slot, lambda: ctx.engine.read_cps(slot))}


def _read_vitale(ctx: ActionContext, step: Step) -> dict[str, Any]:
    slot = card_slot(step) or "vitale"
    return {"vitale": _card_step(ctx, slot, lambda: ctx.engine.read_vitale(slot))}


def _teleservice(ctx: ActionContext, step: Step) -> dict[str, Any]:
    """ADRi, ApCV, INSi, e-prescription: steps through a simulated téléservice (runner/teleservices.py)."""
    from testbench.runner.teleservices import HANDLERS as SERVICE_STEPS

    return SERVICE_STEPS[step.action](ctx, step)


def _invoice(ctx: ActionContext, step: Step) -> dict[str, Any]:
    result = ctx.engine.create_invoice(invoice_request(ctx, step))
    _keep_invoice(ctx, result)
    invoice = _extract_documents(ctx, step, result)
    try:
        _check_eprescription(ctx, step, invoice)
    except PrescriptionMismatch as exc:
        exc.observed = {"invoice": invoice}
        raise
    return {"invoice": invoice}


class PrescriptionMismatch(ExtractionFailed):
    """The invoice the product made does not carry the e-prescription the case read (another identifier, date or
    prescriber, or no prescription at all): the product's failure, as an output it wrote wrong (verdict failed);
    its documents are already kept, and ``observed`` holds the invoice's values, recorded as the step's so that
    the case shows what the product billed beside the prescription read."""

    observed: dict[str, Any] | None = None


#: The reason of a case whose invoice does not carry the e-prescription read (recorded French, read back in English)
NAMES_NO_PRESCRIPTION = _t(
    "la facture ne nomme aucune prescription, alors que l'ordonnance numérique {number} a été lue à l'étape {fetched}"
)
NOT_THE_PRESCRIPTION = _t(
    "la facture ne reprend pas l'ordonnance numérique {number} lue à l'étape {fetched} : {differences}"
)
#: One difference each (the observed invoice's value, then the prescription's); « ; {others} » chains the next
_DIFFERENCES = {
    "id": (_t("identifiant {found} au lieu de {expected}"), "identifiant {found} au lieu de {expected} ; {others}"),
    "date": (
        _t("date de prescription {found} au lieu de {expected}"),
        "date de prescription {found} au lieu de {expected} ; {others}",
    ),
    "rpps": (_t("prescripteur {found} au lieu de {expected}"), "prescripteur {found} au lieu de {expected} ; {others}"),
}


def _fetched_number(ctx: ActionContext) -> str:
    """The number of the e-prescription this case read last (a fetch refused left none); "" when none. The
    step's own ``number`` when the read did not give it (assisted mode: the operator keys what the case asks)."""
    fetched = ctx.observations.get("eprescription")
    if not isinstance(fetched, Mapping):
        return ""
    if number := str(fetched.get("number") or "").strip():
        return number
    step_id = _fetch_step(ctx)
    step = next((s for s in ctx.case.steps if s.id == step_id), None)
    return str(step.params.get("number") or "").strip() if step is not None else ""


def _fetch_step(ctx: ActionContext) -> str:
    """The id of the step that read the case's e-prescription last."""
    steps = [sid for sid, result in ctx.by_step.items() if isinstance(result.get("eprescription"), Mapping)]
    return steps[-1] if steps else "?"


def _expects_prescription(ctx: ActionContext, step: Step) -> bool:
    """Whether the case says itself what the invoice's prescription is (a value expected under
    ``invoice.prescription``): the case's word then stands, not the bench's rule."""
    return any(
        e.kind is ExpectationKind.VALUE and e.step in (step.id, None) and e.path.startswith("invoice.prescription.")
        for e in ctx.case.expectations
    )


def _rpps(value: Any) -> str:
    """A prescriber's identifier to compare: its digits, an RPPS written with its leading 8 as the 11 others."""
    digits = "".join(ch for ch in str(value or "") if ch.isdigit())
    return digits[1:] if len(digits) == 12 and digits.startswith("8") else digits


def _check_eprescription(ctx: ActionContext, step: Step, invoice: Mapping[str, Any]) -> None:
    """The invoice made after an e-prescription was read carries its identifier, date and prescriber (the
    bench's rule, docs/teleservices.md): the values the bench observed on the invoice are compared with those
    read. An invoice naming no prescription fails; one whose prescription is not observed at all (an engine
    that does not give the optional key, no extractor for it) is not compared, nor in operator modes a value
    not observed (not keyed): the bench cannot tell it from a value the invoice lacks."""
    number = _fetched_number(ctx)
    if not number or _expects_prescription(ctx, step):
        return
    read = ctx.observations["eprescription"]
    if "prescription" not in invoice:  # not observed: an engine that does not give it (the key is optional,
        return  # docs/engine-protocol.md), or no extractor mapped for it in assisted mode
    observed = invoice["prescription"]  # null: the invoice names none
    operator = isinstance(ctx.engine, OperatorDriven)
    named = observed if isinstance(observed, Mapping) else {}
    where = {"number": number, "fetched": _fetch_step(ctx)}
    if not any(str(value or "").strip() for value in named.values()):
        raise PrescriptionMismatch(f"étape {step.id} : " + NAMES_NO_PRESCRIPTION.format(**where))
    prescriber = read.get("prescriber")
    compared = (
        ("id", ("eprescription_id", "number"), number, str.strip),
        ("date", ("date",), read.get("date"), normalize.RULES["date"]),
        ("rpps", ("prescriber",), prescriber.get("rpps") if isinstance(prescriber, Mapping) else None, _rpps),
    )
    differences = []
    for field_name, keys, expected, same in compared:
        if expected in (None, "") or (operator and not any(key in named for key in keys)):
            continue
        found = next((named[key] for key in keys if str(named.get(key) or "").strip()), None)
        if same(str(found or "")) != same(str(expected)):
            differences.append((field_name, _said(field_name, found), _said(field_name, expected)))
    if differences:
        said = _differences(differences)
        raise PrescriptionMismatch(f"étape {step.id} : " + NOT_THE_PRESCRIPTION.format(**where, differences=said))


def _said(field_name: str, value: Any) -> str:
    """A compared value in the reason: « aucun » when absent; a prescriber's after « RPPS », so that the
    reports' redaction knows it for one."""
    text = str(value or "").strip()
    if not text:
        return "aucun"
    return f"RPPS {text}" if field_name == "rpps" else text


def _differences(differences: list[tuple[str, str, str]]) -> str:
    """The differences in one sentence, each chained to the next by its « ; {others} » template."""
    field_name, found, expected = differences[0]
    last, chained = _DIFFERENCES[field_name]
    if len(differences) == 1:
        return last.format(found=found, expected=expected)
    return chained.format(found=found, expected=expected, others=_differences(differences[1:]))


def _keep_invoice(ctx: ActionContext, invoice: Mapping[str, Any]) -> None:
    ctx.invoice_ids.append(str(invoice.get("invoice_id", "")))


def _secure(ctx: ActionContext, step: Step) -> dict[str, Any]:
    if not ctx.invoice_ids:
        raise ActionError("aucune facture à sécuriser dans ce cas")
    request = {"invoice_id": ctx.invoice_ids[-1]}
    return {"secure": _card_step(ctx, "vitale", lambda: ctx.engine.secure_invoice(request))}


def _build_lot(ctx: ActionContext, step: Step) -> dict[str, Any]:
    """Lot the case's invoices that no lot of the case holds: an invoice re-billed after its lot's rejection
    goes in a new lot without its rejected predecessor; the invoices of a lot refused by its ARL go again."""
    pending = _unlotted(ctx)
    if not pending:
        raise ActionError("aucune facture à mettre en lot dans ce cas")
    result = ctx.engine.build_lot({"invoice_ids": pending})
    _keep_lot(ctx, result)
    return {"lot": _extract_documents(ctx, step, result)}


def _keep_lot(ctx: ActionContext, lot: Mapping[str, Any]) -> None:
    ctx.lots[str(lot.get("number") or f"#{len(ctx.lots)}")] = _unlotted(ctx)


def _unlotted(ctx: ActionContext) -> list[str]:
    """The case's invoices that no lot of the case holds, in the order they were made."""
    lotted = {invoice_id for members in ctx.lots.values() for invoice_id in members}
    return [invoice_id for invoice_id in ctx.invoice_ids if invoice_id not in lotted]


def _read_returns(ctx: ActionContext, step: Step) -> dict[str, Any]:
    request = {
        "scenario": step.params.get("scenario", "arl-positive"),
        "code": step.params.get("code"),
        "lot_number": _last_lot(ctx),
        "invoice_ids": list(ctx.invoice_ids),
        **({"paid": step.params["paid"]} if step.params.get("paid") else {}),
    }
    result = ctx.engine.read_returns(request)
    _keep_returns(ctx, step, result)
    return {"returns": _extract_documents(ctx, step, result)}


def _last_lot(ctx: ActionContext) -> Any:
    lot = ctx.observations.get("lot", {})
    return lot.get("number") if isinstance(lot, Mapping) else None


def _keep_returns(ctx: ActionContext, step: Step, returns: Mapping[str, Any]) -> None:
    """An ARL that refused the lot unread: a later build-lot sends its invoices again."""
    if step.params.get("scenario") == "arl-negative" and returns.get("status") == "rejected":
        ctx.lots.pop(str(_last_lot(ctx)), None)


def _profile(ctx: ActionContext, card_id: str) -> Any:
    try:
        return ctx.casebook.fixtures.cards[card_id].profile
    except KeyError:
        raise ActionError(f"carte inconnue : {card_id}") from None


def _holder(profile: Any) -> str | None:
    """Whose card it is: the Vitale holder's NIR or the CPS holder's RPPS (compared, never observed)."""
    if profile is None:
        return None
    return getattr(profile, "holder_nir", "") or getattr(getattr(profile, "professional", None), "rpps", None)


def inserted_slot(step: Step) -> str:
    """The slot an insert-card step fills (the Vitale reader when it names none)."""
    return step.params.get("slot", "vitale")


def _insert_card(ctx: ActionContext, step: Step) -> dict[str, Any]:
    """Insert the step's card (a swap when the slot held another person's card), then the guard checks that
    the card now in the reader is that one (CardMismatch otherwise: inconclusive, the case cannot go on)."""
    from testbench.cards.guard import check_cards

    slot, card = inserted_slot(step), step.params.get("card", "")
    before = _holder(getattr(ctx.bay, "profiles", {}).get(slot)) or ctx.holders.get(slot)
    ctx.bay.present(slot, _profile(ctx, card))
    profile = getattr(ctx.bay, "profiles", {}).get(slot)
    if profile is not None:
        check_cards(ctx.bay, [(slot, profile)])
    ctx.emptied.pop(slot, None)
    swapped = before is not None and before != _holder(profile)
    return {"cards": {slot: {"inserted": card, "swapped": swapped}}}


def _remove_card(ctx: ActionContext, step: Step) -> dict[str, Any]:
    slot = step.params.get("slot", "vitale")
    holder = _holder(getattr(ctx.bay, "profiles", {}).get(slot))
    if holder:
        ctx.holders[slot] = holder
    ctx.bay.remove(slot)
    ctx.emptied[slot] = step.id
    return {"cards": {slot: {"removed": True}}}


def _verify_pin(ctx: ActionContext, step: Step) -> dict[str, Any]:
    """Present the test PIN of the card in the slot; the PIN comes from the profile, never the casebook."""
    from testbench.cards.pin import verify_test_pin

    slot = card_slot(step) or "cps"
    return {"pin": _card_step(ctx, slot, lambda: verify_test_pin(ctx.bay, slot), bench=True)}


def _change_pin(ctx: ActionContext, step: Step) -> dict[str, Any]:
    """Change the test PIN of the card in the slot to the profile's other one (``pin.status`` = changed)."""
    from testbench.cards.pin import change_test_pin

    slot = card_slot(step) or "cps"
    return {"pin": _card_step(ctx, slot, lambda: change_test_pin(ctx.bay, slot), bench=True)}


def _unblock_pin(ctx: ActionContext, step: Step) -> dict[str, Any]:
    """Reset the PIN's tries with the profile's unblock code (``pin.status`` = unblocked); never in a result."""
    from testbench.cards.pin import unblock_test_pin

    slot = card_slot(step) or "cps"
    return {"pin": _card_step(ctx, slot, lambda: unblock_test_pin(ctx.bay, slot), bench=True)}


HANDLERS: dict[str, Handler] = {
    "read-cps": _read_cps,
    "read-vitale": _read_vitale,
    "verify-pin": _verify_pin,
    "change-pin": _change_pin,
    "unblock-pin": _unblock_pin,
    "adri": _teleservice,
    "apcv": _teleservice,
    "insi": _teleservice,
    "eprescription": _teleservice,
    "invoice": _invoice,
    "secure": _secure,
    "build-lot": _build_lot,
    "read-returns": _read_returns,
    "insert-card": _insert_card,
    "remove-card": _remove_card,
}


def restore(ctx: ActionContext, step: Step, result: dict[str, Any]) -> None:
    """A step an unfinished attempt already finished, when the bench continues that attempt
    (``runner.resume``): what its handler keeps in ``ctx`` for the later steps — the invoices made, the lots
    built, its result — taken from its recorded ``result`` by the handler's own bookkeeping, as if it had just
    run. The bench's own acts on its readers (insert-card, remove-card) are done again, so that the readers are
    as the attempt left them: a card the case removed is not in its reader for the application to read."""
    if step.action in ("insert-card", "remove-card"):
        HANDLERS[step.action](ctx, step)
    else:
        tree = {key: value for key, value in result.items() if isinstance(value, Mapping)}
        if step.action == "invoice":
            _keep_invoice(ctx, tree.get("invoice", {}))
            restored = getattr(ctx.engine, "invoice_restored", None)  # operator modes: named as when it was made
            if callable(restored):
                restored(ctx.case, step, tree.get("invoice", {}))
        elif step.action == "build-lot":
            _keep_lot(ctx, tree.get("lot", {}))
        elif step.action == "read-returns":
            _keep_returns(ctx, step, tree.get("returns", {}))
    ctx.by_step[step.id] = result


def perform(ctx: ActionContext, step: Step) -> dict[str, Any]:
    try:
        handler = HANDLERS[step.action]
    except KeyError:
        raise ActionError(f"action inconnue : {step.action}") from None
    result = handler(ctx, step)
    ctx.by_step[step.id] = result  # an expectation naming the step reads these, not a later step's
    return result
