"""Semantic rules the XSD cannot express: references, step order, domain/mode coherence.

Each rule reports through ``report(element, message, attribute)`` so that every message points at
the exact attribute in the file. Messages are in French: the operator reads them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from lxml import etree

from testbench.casebook.model import (
    Case,
    Domain,
    Expectation,
    ExpectationKind,
    Fixtures,
    Mode,
    Step,
    StepKind,
)
from testbench.casebook.vocabulary import MANUAL, OBSERVATION_PATHS, OBSERVATION_ROOTS, REFUSAL_CODES

if TYPE_CHECKING:
    from testbench.casebook.build import CaseElements

Report = Callable[[etree._Element, str, "str | None"], None]


def _path_regex() -> re.Pattern[str]:
    parts = []
    for pattern in OBSERVATION_PATHS:
        rx = re.escape(pattern).replace(r"\[i\]", r"\[\d+\]")
        rx = rx.replace(r"\.\*", r"(?:\.[A-Za-z0-9_\-]+(?:\[\d+\])?)+")
        parts.append(rx)
    return re.compile("|".join(parts))


_OBSERVATION = _path_regex()
_LPP_CODE = re.compile(r"\d{7}")
_NGAP_CODE = re.compile(r"[A-Z]{1,5}")


def _decimal(value: str | None) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        return None


def _checks_value(value: str, value_type: str) -> bool:
    try:
        if value_type == "decimal":
            return Decimal(value).is_finite()
        if value_type == "integer":
            int(value)
        elif value_type == "date":
            date.fromisoformat(value)
        elif value_type == "boolean":
            return value in ("true", "false")
    except (InvalidOperation, ValueError):
        return False
    return True


def check_case(case: Case, elements: CaseElements, fixtures: Fixtures, report: Report) -> None:
    """Run every case-level rule; report all problems, stop at none."""
    refused = _check_expectations(case, elements, report)
    _check_mode(case, elements, report)
    _check_steps(case, elements, fixtures, refused, report)


# -- expectations ------------------------------------------------------------------------------


def _check_expectations(case: Case, elements: CaseElements, report: Report) -> dict[str, str]:
    """Check expectations; return {step id: expected refusal code} for the step rules."""
    steps = {s.id: s for s in case.steps}
    refused: dict[str, str] = {}
    observed = {o.path: s for s in case.steps for o in s.observe}
    for exp in case.expectations:
        el = elements.expectations[exp.id]
        step = steps.get(exp.step) if exp.step else None
        if exp.step and step is None:
            report(el, f"l'étape « {exp.step} » n'existe pas dans le cas {case.id}", "step")
            continue
        if exp.kind is ExpectationKind.REFUSAL:
            if step is not None and step.kind is not StepKind.ACTION:
                report(el, f"un refus ne peut viser qu'une action automatique (« {step.id} » est manuelle)", "step")
            elif step is not None and step.id in refused:
                report(el, f"l'étape « {step.id} » a déjà un refus attendu", "step")
            elif step is not None:
                refused[step.id] = exp.code
            if exp.code and exp.code not in REFUSAL_CODES:
                known = ", ".join(sorted(REFUSAL_CODES))
                report(el, f"code de refus « {exp.code} » inconnu (codes connus : {known})", "code")
        elif exp.kind is ExpectationKind.VALUE:
            _check_value(case, exp, el, step, observed, report)
        elif exp.kind is ExpectationKind.TRACE:
            try:
                re.compile(exp.pattern)
            except re.error as err:
                report(el, f"motif de trace invalide (expression régulière) : {err}", "pattern")
    # Second pass: values read from a step that is expected to be refused cannot be observed.
    for exp in case.expectations:
        if exp.kind is ExpectationKind.VALUE and exp.path:
            producers = _producers(case, exp)
            if producers and all(p.id in refused for p in producers):
                el = elements.expectations[exp.id]
                names = ", ".join(p.id for p in producers)
                report(el, f"valeur attendue sur une étape dont le refus est attendu ({names})", "path")
    return refused


def _producers(case: Case, exp: Expectation) -> list[Step]:
    root = exp.path.split(".", 1)[0].split("[", 1)[0]
    actions = OBSERVATION_ROOTS.get(root, frozenset())
    if exp.step:
        return [s for s in case.steps if s.id == exp.step and s.action in actions]
    return [s for s in case.steps if s.action in actions]


def _check_value(
    case: Case,
    exp: Expectation,
    el: etree._Element,
    step: Step | None,
    observed: dict[str, Step],
    report: Report,
) -> None:
    if exp.path:
        root = exp.path.split(".", 1)[0].split("[", 1)[0]
        actions = OBSERVATION_ROOTS.get(root)
        if not _OBSERVATION.fullmatch(exp.path):
            report(el, f"chemin d'observation « {exp.path} » inconnu (voir docs/casebook-format.md)", "path")
        elif root == "manual":
            source = observed.get(exp.path)
            if source is None:
                report(el, f"aucune étape manuelle du cas n'observe « {exp.path} »", "path")
            elif step is not None and step.id != source.id:
                report(el, f"« {exp.path} » est observé par l'étape « {source.id} », pas « {step.id} »", "step")
        elif actions is not None:
            if step is not None and step.action not in actions:
                report(
                    el,
                    f"« {exp.path} » n'est pas produit par l'étape « {step.id} » ({step.action}) "
                    f"mais par : {', '.join(sorted(actions))}",
                    "step",
                )
            elif step is None and not any(s.action in actions for s in case.steps):
                report(el, f"aucune étape du cas ne produit « {exp.path} » ({', '.join(sorted(actions))})", "path")
    if not _checks_value(exp.expected, exp.value_type):
        report(el, f"valeur attendue « {exp.expected} » invalide pour le type {exp.value_type}", "expected")
    if exp.tolerance is not None and exp.value_type != "decimal":
        report(el, "une tolérance ne s'applique qu'au type decimal", "tolerance")


# -- mode and domain -----------------------------------------------------------------------------


def _check_mode(case: Case, elements: CaseElements, report: Report) -> None:
    el = elements.case
    actions = [s.action for s in case.steps]
    if case.domain is Domain.FSE:
        if case.mode is Mode.NONE:
            report(el, "un cas fse précise son mode : securise, degrade ou sesam-sans-vitale", "mode")
        if "invoice" not in actions:
            report(el, "un cas fse contient au moins une étape <invoice>", "id")
    if case.mode is Mode.SECURISE:
        if not any(r.slot == "vitale" for r in case.cards):
            report(el, 'un cas en mode sécurisé exige une carte Vitale (<card slot="vitale" …/> dans <cards>)', "mode")
        if "read-vitale" not in actions:
            report(el, "un cas en mode sécurisé lit la carte Vitale (étape <read-vitale>)", "mode")
    if case.mode in (Mode.DEGRADE, Mode.SESAM_SANS_VITALE):
        label = "dégradé" if case.mode is Mode.DEGRADE else "SESAM sans Vitale"
        for step in case.steps:
            if step.action == "read-vitale":
                report(elements.steps[step.id], f"lecture de la carte Vitale impossible en mode {label}", None)


# -- steps ---------------------------------------------------------------------------------------


def _check_steps(
    case: Case, elements: CaseElements, fixtures: Fixtures, refused: dict[str, str], report: Report
) -> None:
    slots: dict[str, str] = {r.slot: r.card for r in case.cards}
    done: set[str] = set()
    for step in case.steps:
        el = elements.steps[step.id]
        action = step.action
        params = step.params
        if action == "insert-card":
            card = str(params.get("card", ""))
            if card and card not in fixtures.cards:
                report(el, f"carte « {card} » absente des fixtures", "card")
            slots[str(params.get("slot", ""))] = card
        elif action == "remove-card":
            slot = str(params.get("slot", ""))
            if slot not in slots:
                report(el, f"aucune carte dans le lecteur « {slot} » à cette étape", "slot")
            slots.pop(slot, None)
        needed = str(params.get("slot", "cps")) if action == "verify-pin" else _CARD_NEEDED.get(action)
        if needed and needed not in slots:
            report(
                el,
                f"<{action}> exige une carte dans le lecteur « {needed} » (exigée dans <cards> ou insérée avant)",
                None,
            )
        if action == "secure" and "invoice" not in done:
            report(el, "<secure> sans facture préalable (<invoice>) dans le cas", None)
        elif action == "build-lot" and "secure" not in done:
            report(el, "<build-lot> sans facture sécurisée préalable (<secure>) dans le cas", None)
        elif action == "read-returns":
            _check_returns(step, el, done, report)
        elif action == "invoice":
            _check_invoice(case, step, elements, fixtures, slots, done, refused.get(step.id), report)
        elif action == "adri":
            patient = params.get("patient")
            if patient is not None and patient not in fixtures.patients:
                report(el, f"patient « {patient} » absent des fixtures", "patient")
        done.add(action)


#: The reader slot an action needs a card in (ADRi and securing need the CPS).
_CARD_NEEDED = {"read-cps": "cps", "adri": "cps", "secure": "cps", "read-vitale": "vitale"}


def _check_returns(step: Step, el: etree._Element, done: set[str], report: Report) -> None:
    if "build-lot" not in done:
        report(el, "<read-returns> sans lot préalable (<build-lot>) dans le cas", None)
    scenario = step.params.get("scenario")
    if step.params.get("code") and scenario in ("arl-positive", "rsp-paid"):
        report(el, f"un code de rejet n'a pas de sens pour le scénario « {scenario} »", "code")


def _check_invoice(
    case: Case,
    step: Step,
    elements: CaseElements,
    fixtures: Fixtures,
    slots: dict[str, str],
    done: set[str],
    refusal: str | None,
    report: Report,
) -> None:
    el = elements.steps[step.id]
    params = step.params
    patient_id = params.get("patient")
    patient = fixtures.patients.get(str(patient_id)) if patient_id is not None else None
    if patient_id is not None and patient is None:
        report(el, f"patient « {patient_id} » absent des fixtures", "patient")
    prescription = params.get("prescription")
    if prescription is not None and prescription not in fixtures.prescriptions:
        report(el, f"prescription « {prescription} » absente des fixtures", "prescription")
    if case.mode is Mode.SECURISE:
        if "read-vitale" not in done:
            report(el, "en mode sécurisé, la carte Vitale est lue (<read-vitale>) avant la facture", None)
        vitale = slots.get("vitale")
        if patient is not None and patient.card and vitale and patient.card != vitale:
            report(
                el,
                f"le patient « {patient.id} » est sur la carte « {patient.card} », "
                f"mais le lecteur vitale contient « {vitale} »",
                "patient",
            )
    if params.get("tiers-payant") == "amo+amc" and "amc" not in params:
        report(el, "tiers payant amo+amc : précisez le contrat AMC (attribut amc)", "tiers-payant")
    if "amc-cap" in params and params.get("amc") != "tm+depassement":
        report(el, "amc-cap ne s'applique qu'au contrat amc=\"tm+depassement\"", "amc-cap")
    lines = params.get("lines", ())
    if not lines:
        report(el, "la facture n'a aucune ligne (<line>)", None)
    for line, line_el in zip(lines, elements.lines.get(step.id, []), strict=False):
        _check_line(line, line_el, refusal, report)


def _check_line(line: dict[str, str], el: etree._Element, refusal: str | None, report: Report) -> None:
    nomenclature = line.get("nomenclature")
    code = line.get("code", "")
    if refusal != "UNKNOWN_CODE":
        if nomenclature == "LPP" and code and not _LPP_CODE.fullmatch(code):
            report(el, f"code LPP « {code} » invalide : 7 chiffres attendus", "code")
        elif nomenclature == "NGAP" and code and not _NGAP_CODE.fullmatch(code):
            report(el, f"lettre-clé NGAP « {code} » invalide : 1 à 5 lettres majuscules attendues", "code")
    quantity = line.get("quantity", "1")
    if quantity.lstrip("+-").isdigit() and int(quantity) <= 0 and refusal != "INVALID_QUANTITY":
        report(el, "quantité nulle ou négative : attendez le refus INVALID_QUANTITY ou corrigez", "quantity")
    tariff = _decimal(line.get("tariff"))
    plv = _decimal(line.get("plv")) if line.get("plv") != "none" else None
    price = _decimal(line.get("unit-price"))
    if tariff is not None and plv is not None and plv < tariff:
        report(el, f"PLV {plv} inférieur au tarif {tariff} : impossible", "plv")
    if plv is not None and price is not None and price > plv and refusal != "PRICE_ABOVE_PLV":
        report(el, f"prix unitaire {price} au-dessus du PLV {plv} sans refus PRICE_ABOVE_PLV attendu", "unit-price")
    if nomenclature == "NGAP" and line.get("plv") is not None:
        report(el, "le PLV ne concerne que les lignes LPP", "plv")


__all__ = ["MANUAL", "check_case"]
