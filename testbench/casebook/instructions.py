"""Each step of a case as one plain instruction (« Lire la carte Vitale, bénéficiaire 1 »).

A casebook writes ``<invoice patient="p-std" care-date="2026-01-12" tiers-payant="amo">`` with lines;
a person preparing the exam wants « Facturer à p-std, soins du 12/01/2026 : LPP 1241763 × 4 à 14,00 €,
tiers payant AMO ». One sentence per action of :data:`testbench.domain.vocabulary.ACTIONS` (a test fails
when an action has none), French templates with their English in the catalogue; the workstation's case
view and the report show these sentences.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from testbench.casebook.model import Case, Casebook, Step, StepKind
from testbench.domain.glossary import Term, terms_in
from testbench.fmt import PRESTATION_LABELS, day, money
from testbench.i18n import colon, default_language, semicolon, translator

T = Callable[[str], str]
Sentence = Callable[[Mapping[str, Any], T, str], str]


def _slot(params: Mapping[str, Any], t: T) -> str:
    return t("la carte Vitale") if params.get("slot") == "vitale" else t("la CPS")


def _service(params: Mapping[str, Any], t: T) -> str:
    """The simulated téléservice's scenario and fault, when the step names them."""
    out = ""
    if params.get("scenario"):
        out += t(", scénario « {scenario} »").format(scenario=params["scenario"])
    if params.get("fault") and params["fault"] != "none":
        out += t(", panne simulée « {fault} »").format(fault=params["fault"])
    return out


def _line(line: Mapping[str, str], care_date: str, t: T, lang: str) -> str:
    code = line.get("code", "?")
    if line.get("coefficient", "1") not in ("1", "1.0", "1.00"):
        code += f" {line['coefficient']}"
    text = t("{nomenclature} {code} × {quantity} à {price}").format(
        nomenclature=line.get("nomenclature", ""),
        code=code,
        quantity=line.get("quantity", "?"),
        price=money(line.get("unit-price", "?"), lang),
    )
    if line.get("prestation") in PRESTATION_LABELS:
        text += ", " + t(PRESTATION_LABELS[line["prestation"]])
    if line.get("rental-start") and line.get("rental-end"):
        text += t(", période du {start} au {end}").format(
            start=day(line["rental-start"], lang), end=day(line["rental-end"], lang)
        )
    if line.get("date") and line["date"] != care_date:  # a line's own date, when it differs from the care date
        text += t(", le {date}").format(date=day(line["date"], lang))
    if line.get("ald") == "true":
        text += t(", en rapport avec l'ALD")
    if line.get("exo"):
        text += t(", exonération {code}").format(code=line["exo"])
    return text


_AMC_TYPES = {
    "tiers-payant-integral": "AMC en tiers payant intégral",
    "dre": "AMC par DRE",
    "c2s": "AMC : C2S",
}
_TIERS_PAYANT = {
    "amo": "tiers payant AMO",
    "amo+amc": "tiers payant AMO + AMC",
    "amo+c2s": "tiers payant intégral (AMO + C2S)",
    "none": "sans tiers payant",
}
_AMC = {"tm": "AMC : ticket modérateur", "tm+depassement": "AMC : ticket modérateur et dépassement"}


def _invoice(params: Mapping[str, Any], t: T, lang: str) -> str:
    text = t("Facturer à {patient}, soins du {date}").format(
        patient=params.get("patient", "?"), date=day(str(params.get("care-date", "?")), lang)
    )
    if params.get("prescription"):
        text += t(", sur prescription {prescription}").format(prescription=params["prescription"])
    if params.get("eprescription-id"):
        text += t(", e-prescription {id}").format(id=params["eprescription-id"])
    if params.get("at-number"):
        text += t(", accident du travail n° {number}").format(number=params["at-number"])
        if params.get("at-date"):
            text += t(" du {date}").format(date=day(params["at-date"], lang))
    if params.get("accord-prealable"):
        text += t(", accord préalable {reference}").format(reference=params["accord-prealable"])
    if params.get("billing-date") and params["billing-date"] != params.get("care-date"):
        text += t(", facturée le {date}").format(date=day(params["billing-date"], lang))
    lines = [_line(line, str(params.get("care-date", "")), t, lang) for line in params.get("lines", ())]
    if lines:
        text += colon(lang) + semicolon(lang).join(lines)
    tiers = params.get("tiers-payant", "none")
    if tiers == "amo+amc" and not params.get("amc") and not params.get("amc-type"):
        tiers = "amo+c2s"  # no AMC contract: the checks let it through only when the patient's C2S pays that part
    text += ", " + t(_TIERS_PAYANT[tiers]) if tiers in _TIERS_PAYANT else f", {tiers}"
    if params.get("amc-type") in _AMC_TYPES:
        text += ", " + t(_AMC_TYPES[params["amc-type"]])
    if params.get("amc") in _AMC:
        text += ", " + t(_AMC[params["amc"]])
        if params.get("amc-cap"):
            text += t(" (plafond {cap})").format(cap=money(params["amc-cap"], lang))
    return text


def _adri(params: Mapping[str, Any], t: T, lang: str) -> str:
    text = t("Interroger les droits de {patient} en ligne (ADRi)").format(patient=params.get("patient", "?"))
    if params.get("query") == "systematique":
        text += t(", requête systématique")
    elif params.get("query") == "cible":
        text += t(", requête ciblée")
    if params.get("care-date"):
        text += t(", soins du {date}").format(date=day(params["care-date"], lang))
    return text + _service(params, t)


def _returns(params: Mapping[str, Any], t: T, lang: str) -> str:
    scenario = params.get("scenario", "")
    sentence = {
        "arl-positive": "Lire l'ARL du lot : accepté (ARL positif)",
        "arl-negative": "Lire l'ARL du lot : rejeté (ARL négatif)",
        "rsp-paid": "Lire le retour NOEMIE (RSP) : facture payée",
        "rsp-rejected": "Lire le retour NOEMIE (RSP) : facture rejetée",
        "rsp-partial": "Lire le retour NOEMIE (RSP) : paiement partiel",
    }.get(scenario)
    text = t(sentence) if sentence else t("Lire les retours du lot, scénario « {scenario} »").format(scenario=scenario)
    if params.get("code"):
        text += t(", code {code}").format(code=params["code"])
    if params.get("paid"):
        text += t(", {amount} payés").format(amount=money(str(params["paid"]), lang))  # « 100,00 € », "€100.00"
    return text


def _apcv(params: Mapping[str, Any], t: T, lang: str) -> str:
    channel = params.get("channel")
    if channel == "nfc":
        text = t("Lire l'appli carte Vitale (ApCV) par NFC")
    elif channel == "qr":
        text = t("Lire l'appli carte Vitale (ApCV) par QR code")
    else:
        text = t("Lire l'appli carte Vitale (ApCV)")
    if params.get("patient"):
        text += t(", pour {patient}").format(patient=params["patient"])
    return text + _service(params, t)


def _insi(params: Mapping[str, Any], t: T, lang: str) -> str:
    text = t("Chercher l'identité nationale de santé de {patient} (INSi)").format(patient=params.get("patient", "?"))
    return text + _service(params, t)


def _eprescription(params: Mapping[str, Any], t: T, lang: str) -> str:
    text = t("Consulter l'e-prescription n° {number}").format(number=params.get("number", "?"))
    return text + _service(params, t)


#: One sentence per action of :data:`testbench.domain.vocabulary.ACTIONS` (tests/test_instructions.py).
SENTENCES: dict[str, Sentence] = {
    "read-cps": lambda p, t, lang: t("Lire la CPS"),
    "read-vitale": lambda p, t, lang: t("Lire la carte Vitale, bénéficiaire {rank}").format(
        rank=p.get("beneficiary", "1")
    ),
    "verify-pin": lambda p, t, lang: t("Saisir le code porteur de {card} (code de test du profil)").format(
        card=_slot(p, t)
    ),
    "adri": _adri,
    "invoice": _invoice,
    "secure": lambda p, t, lang: t("Sécuriser (signer) la facture"),
    "build-lot": lambda p, t, lang: t("Constituer le lot des factures sécurisées"),
    "read-returns": _returns,
    "insert-card": lambda p, t, lang: t("Insérer la carte {card} dans le lecteur {slot}").format(
        card=p.get("card", "?"), slot=p.get("slot", "?")
    ),
    "remove-card": lambda p, t, lang: t("Retirer la carte du lecteur {slot}").format(slot=p.get("slot", "?")),
    "apcv": _apcv,
    "insi": _insi,
    "eprescription": _eprescription,
    "change-pin": lambda p, t, lang: t("Changer le code porteur de {card} (nouveau code de test du profil)").format(
        card=_slot(p, t)
    ),
    "unblock-pin": lambda p, t, lang: t(
        "Débloquer le code porteur de {card} avec le code de déblocage du profil"
    ).format(card=_slot(p, t)),
}


def describe_step(step: Step, casebook: Casebook | None = None, lang: str | None = None) -> str:
    """The step as one plain instruction in ``lang`` (the default language when None).

    A manual step is its own instruction, as the casebook writes it. An action without a sentence
    (a new one, before its sentence is written) still reads as words: its name and its parameters.
    ``casebook`` is the step's casebook (its fixtures name what the step refers to).
    """
    lang = lang or default_language()
    t = translator(lang)
    if step.kind is StepKind.MANUAL:
        return step.instruction or t("Étape manuelle à attester")
    sentence = SENTENCES.get(step.action)
    if sentence is not None:
        return sentence(step.params, t, lang)
    params = ", ".join(f"{k} {v}" for k, v in step.params.items() if k != "lines")
    return t("Action {action}").format(action=step.action) + (f" ({params})" if params else "")


def case_terms(case: Case, casebook: Casebook | None = None, lang: str | None = None) -> list[Term]:
    """The glossary's terms in what a person reads of the case: its title, objective and step instructions."""
    return terms_in([case.title, case.objective, *(describe_step(s, casebook, lang) for s in case.steps)])
