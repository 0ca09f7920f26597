"""Stable refusal codes of the reference engine (documented in docs/reference-engine.md).

Codes never change meaning once published: casebooks assert on them.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from testbench.domain.refusal import EngineRefusal
from testbench.fmt import day as fmt_day
from testbench.fmt import money

INVALID_REQUEST = "INVALID_REQUEST"  # malformed request: missing key, wrong type, bad decimal or date
INVALID_QUANTITY = "INVALID_QUANTITY"  # quantity not a positive integer (or above 999)
INVALID_COEFFICIENT = "INVALID_COEFFICIENT"  # coefficient not a positive decimal
INVALID_CODE = "INVALID_CODE"  # code badly formed (an LPP code has 7 digits)
UNSUPPORTED_NOMENCLATURE = "UNSUPPORTED_NOMENCLATURE"  # not LPP or NGAP
UNSUPPORTED_ROUNDING = "UNSUPPORTED_ROUNDING"
UNKNOWN_CODE = "UNKNOWN_CODE"  # the code is in no table and the line carries no tariff
NO_TARIFF_AT_DATE = "NO_TARIFF_AT_DATE"  # the code exists, but no tariff is valid at the date of care
NO_RATE_AT_DATE = "NO_RATE_AT_DATE"  # no base rate for the category at the date of care
PRICE_ABOVE_PLV = "PRICE_ABOVE_PLV"  # unit price above the prix limite de vente
DEPASSEMENT_NOT_ALLOWED_C2S = "DEPASSEMENT_NOT_ALLOWED_C2S"
RIGHTS_EXPIRED = "RIGHTS_EXPIRED"  # a care date outside the beneficiary's rights period
ALD_NOT_IN_RIGHTS = "ALD_NOT_IN_RIGHTS"  # a line billed as ALD for a beneficiary without ALD coverage
NUT_WITHOUT_ALD = "NUT_WITHOUT_ALD"  # NUT prestation without ALD (FIDES RG_VF_CC5)
AMC_REQUIRED = "AMC_REQUIRED"  # tiers payant AMO+AMC without an AMC contract
EMPTY_INVOICE = "EMPTY_INVOICE"
TOO_MANY_LINES = "TOO_MANY_LINES"  # more than 999 lines (B2 invoice limit)
DUPLICATE_INVOICE = "DUPLICATE_INVOICE"  # invoice_ref already billed by this engine ("doublon de FSE")
UNKNOWN_INVOICE = "UNKNOWN_INVOICE"
INVOICE_NOT_SECURED = "INVOICE_NOT_SECURED"  # a lot may only hold secured invoices
INVOICE_ALREADY_IN_LOT = "INVOICE_ALREADY_IN_LOT"
MIXED_LOT = "MIXED_LOT"  # invoices for different AMO destinations in one lot
EMPTY_LOT = "EMPTY_LOT"
ORGANISME_UNKNOWN = "ORGANISME_UNKNOWN"  # a lot for an invoice whose caisse or centre nothing gave
UNKNOWN_SCENARIO = "UNKNOWN_SCENARIO"
UNKNOWN_LOT = "UNKNOWN_LOT"
NO_CARD = "NO_CARD"  # no card channel, no card in the slot, or the card layer is missing
CARD_UNREADABLE = "CARD_UNREADABLE"
CARD_NOT_TEST = "CARD_NOT_TEST"  # a card of nature R (réelle): the reference engine only bills with test cards
CARD_SWAPPED = "CARD_SWAPPED"  # sécurisé: securing with another Vitale card than the one read for the invoice
ADRI_UNKNOWN_BENEFICIARY = "ADRI_UNKNOWN_BENEFICIARY"
APCV_CONTEXT_EXPIRED = "APCV_CONTEXT_EXPIRED"  # the app carte Vitale context is past its expiry
APCV_REFUSED = "APCV_REFUSED"  # the ApCV service refused the context (app deactivated…)
EPRESCRIPTION_NOT_FOUND = "EPRESCRIPTION_NOT_FOUND"  # no e-prescription under that number
TELESERVICE_UNAVAILABLE = "TELESERVICE_UNAVAILABLE"  # a téléservice down, timed out or in server error
TELESERVICE_INVALID_ANSWER = "TELESERVICE_INVALID_ANSWER"  # a téléservice answered what is not our format
UNKNOWN_METHOD = "UNKNOWN_METHOD"
# PSAD/MAD depth (docs/reference-engine.md, « PSAD/MAD rules » and « NGAP rules »)
UNKNOWN_REGIME = "UNKNOWN_REGIME"  # a code grand régime absent from the régime table (SNDS IR_GRG_V)
UNKNOWN_PS_CATEGORY = "UNKNOWN_PS_CATEGORY"  # a ps_category absent from the table ps_categories
BILLING_BEFORE_CARE = "BILLING_BEFORE_CARE"  # invoice made before a date of care on it
BILLING_DELAY_EXCEEDED = "BILLING_DELAY_EXCEEDED"  # care a year or more before the billing date (RG_MF606)
PRESCRIBER_INVALID = "PRESCRIBER_INVALID"  # a prescriber that is neither an RPPS (11) nor an AM number (9)
PRESCRIPTION_INCOMPLETE = "PRESCRIPTION_INCOMPLETE"  # number or e-prescription id, no prescriber or date
PRESCRIPTION_AFTER_CARE = "PRESCRIPTION_AFTER_CARE"  # prescribed after the care it covers
ATMP_NUMBER_MISSING = "ATMP_NUMBER_MISSING"  # nature 41 without the accident's number or date (B2 zone 0286)
ATMP_DATE_AFTER_CARE = "ATMP_DATE_AFTER_CARE"  # the accident after the care it covers
AMC_NUMBER_MISSING = "AMC_NUMBER_MISSING"  # AMC tiers payant intégral, DRE or C2S without the organisation number
C2S_NOT_IN_RIGHTS = "C2S_NOT_IN_RIGHTS"  # a C2S contract for a beneficiary without C2S rights
PRESTATION_TYPE_MISMATCH = "PRESTATION_TYPE_MISMATCH"  # a line's prestation type other than its LPP code's type
ACCORD_PREALABLE_MISSING = "ACCORD_PREALABLE_MISSING"  # a code that needs an accord préalable, billed without one
SUPPLIER_SIRET_INVALID = "SUPPLIER_SIRET_INVALID"  # the supplier's SIRET fails its control key
RENTAL_PERIOD_INVALID = "RENTAL_PERIOD_INVALID"  # rental period incomplete, reversed, or not the quantity billed
RENTAL_CODE_MISMATCH = "RENTAL_CODE_MISMATCH"  # the rental weeks fall outside the duration band of the code
MIXED_INSURANCE_NATURES = "MIXED_INSURANCE_NATURES"  # lines of different natures d'assurance (RG_VF600)
INVOICE_BREAK_REQUIRED = "INVOICE_BREAK_REQUIRED"  # prescribers, exonerations, AME or C2S payers: separate invoices
MAJORATION_WITHOUT_ACT = "MAJORATION_WITHOUT_ACT"  # an NGAP majoration that follows no act (RG_MF620 CP01)
MAJORATION_NOT_APPLICABLE = "MAJORATION_NOT_APPLICABLE"  # MAU count other than the acts' that day (our rule)
TRAVEL_WITHOUT_ACT = "TRAVEL_WITHOUT_ACT"  # IFD/IK on a day with nothing else billed
TRAVEL_ZONE_NOT_APPLICABLE = "TRAVEL_ZONE_NOT_APPLICABLE"  # a travel zone on a line without a value for it

ALL_CODES: tuple[str, ...] = tuple(
    value for name, value in dict(globals()).items() if name.isupper() and isinstance(value, str)
)

#: Each code in words, in French (its English in the message catalogue), for a person reading an exam book
#: (testbench.report.glossary): short explanations of **our** codes, not official CNDA or GIE SESAM-Vitale text.
MEANINGS: dict[str, str] = {
    INVALID_REQUEST: "Demande mal formée : un champ manque ou a un mauvais type, une date ou un montant est illisible.",
    INVALID_QUANTITY: "Quantité invalide : elle doit être un nombre entier de 1 à 999.",
    INVALID_COEFFICIENT: "Coefficient invalide : il doit être un nombre décimal positif.",
    INVALID_CODE: "Code d'acte ou de produit mal formé (un code LPP a 7 chiffres).",
    UNSUPPORTED_NOMENCLATURE: "Nomenclature non prise en charge : seules la LPP et la NGAP le sont.",
    UNSUPPORTED_ROUNDING: "Règle d'arrondi non prise en charge (seules « half-up » et « half-even » le sont).",
    UNKNOWN_CODE: "Code inconnu : absent des tables de tarifs, et la ligne ne donne pas de tarif.",
    NO_TARIFF_AT_DATE: "Le code existe, mais aucun de ses tarifs n'est en vigueur à la date des soins.",
    NO_RATE_AT_DATE: "Aucun taux de remboursement n'est en vigueur pour cette catégorie à la date des soins.",
    PRICE_ABOVE_PLV: "Prix unitaire facturé au-dessus du prix limite de vente (PLV) du produit.",
    DEPASSEMENT_NOT_ALLOWED_C2S: (
        "Dépassement interdit : un bénéficiaire de la C2S ne peut être facturé au-dessus de la base de remboursement."
    ),
    RIGHTS_EXPIRED: "Date des soins hors de la période de droits du bénéficiaire.",
    ALD_NOT_IN_RIGHTS: "Ligne facturée en ALD (exonération 4) pour un bénéficiaire sans droits ALD à cette date.",
    NUT_WITHOUT_ALD: "Prestation de nutrition (NUT) facturée sans ALD.",
    AMC_REQUIRED: "Tiers payant AMO + AMC demandé sans contrat AMC.",
    EMPTY_INVOICE: "Facture sans aucune ligne.",
    TOO_MANY_LINES: "Facture de plus de 999 lignes (limite d'une facture B2).",
    DUPLICATE_INVOICE: "Facture déjà faite sous la même référence : doublon de FSE.",
    UNKNOWN_INVOICE: "Facture inconnue du moteur (sécuriser ou mettre en lot une facture qu'il n'a pas faite).",
    INVOICE_NOT_SECURED: "Facture non sécurisée : un lot ne contient que des factures sécurisées.",
    INVOICE_ALREADY_IN_LOT: "Facture déjà mise dans un lot.",
    MIXED_LOT: "Factures de destinataires AMO différents (régime, caisse, centre) dans un même lot.",
    EMPTY_LOT: "Lot sans aucune facture.",
    ORGANISME_UNKNOWN: "Organisme destinataire inconnu : ni la carte ni la facture ne donnent sa caisse ou son centre.",
    UNKNOWN_SCENARIO: "Scénario de retour (ARL, NOEMIE) inconnu.",
    UNKNOWN_LOT: "Lot inconnu du moteur.",
    NO_CARD: "Pas de carte dans le lecteur (retirée, ou jamais insérée), ou aucun accès aux cartes.",
    CARD_UNREADABLE: "Carte illisible.",
    CARD_NOT_TEST: "Carte réelle (nature R) : le moteur de référence ne travaille qu'avec des cartes de test.",
    CARD_SWAPPED: "Facture sécurisée avec une autre carte Vitale que celle lue pour elle.",
    ADRI_UNKNOWN_BENEFICIARY: "ADRi : bénéficiaire inconnu, ou aucun bénéficiaire du rang demandé.",
    APCV_CONTEXT_EXPIRED: "Appli carte Vitale (ApCV) : le contexte présenté a expiré.",
    APCV_REFUSED: "Appli carte Vitale (ApCV) : le service a refusé le contexte (application désactivée…).",
    EPRESCRIPTION_NOT_FOUND: "Aucune e-prescription sous ce numéro.",
    TELESERVICE_UNAVAILABLE: (
        "Téléservice indisponible : pas de réponse à temps, connexion refusée ou erreur du serveur."
    ),
    TELESERVICE_INVALID_ANSWER: "Réponse du téléservice inexploitable : elle n'a pas la forme attendue.",
    UNKNOWN_METHOD: "Demande inconnue du moteur (méthode du protocole moteur).",
    UNKNOWN_REGIME: "Code grand régime absent de la table des régimes.",
    UNKNOWN_PS_CATEGORY: "Catégorie de professionnel de santé absente de la table des catégories (aucun taux deviné).",
    BILLING_BEFORE_CARE: "Facture établie avant une date de soins qu'elle porte.",
    BILLING_DELAY_EXCEEDED: "Délai de facturation dépassé : des soins d'un an ou plus avant la date de facturation.",
    PRESCRIBER_INVALID: "Identifiant du prescripteur invalide : ni un RPPS (11 chiffres) ni un numéro AM (9 chiffres).",
    PRESCRIPTION_INCOMPLETE: "Prescription incomplète : un numéro ou une e-prescription, sans prescripteur ni date.",
    PRESCRIPTION_AFTER_CARE: "Prescription datée après les soins qu'elle couvre.",
    ATMP_NUMBER_MISSING: "Accident du travail (nature d'assurance 41) sans le numéro ou la date de l'accident.",
    ATMP_DATE_AFTER_CARE: "Accident du travail daté après les soins qu'il couvre.",
    AMC_NUMBER_MISSING: "Numéro de l'organisme complémentaire (AMC) absent, alors que le tiers payant AMC, la DRE ou "
    "la C2S l'exigent.",
    C2S_NOT_IN_RIGHTS: "Contrat C2S pour un bénéficiaire sans droits C2S.",
    PRESTATION_TYPE_MISMATCH: "Type de prestation de la ligne différent de celui de son code LPP.",
    ACCORD_PREALABLE_MISSING: "Code soumis à accord préalable facturé sans la référence de l'accord.",
    SUPPLIER_SIRET_INVALID: "SIRET du fournisseur invalide : sa clé de contrôle est fausse.",
    RENTAL_PERIOD_INVALID: "Période de location incomplète, inversée, ou autre que la quantité facturée.",
    RENTAL_CODE_MISMATCH: "Semaines de location hors de la tranche de durée du code LPP.",
    MIXED_INSURANCE_NATURES: "Lignes de natures d'assurance différentes dans une même facture.",
    INVOICE_BREAK_REQUIRED: (
        "Prescripteurs, exonérations ou payeurs (AME, C2S et contrat AMC) différents selon les soins, qui exigent "
        "des factures séparées."
    ),
    MAJORATION_WITHOUT_ACT: "Majoration NGAP qui ne suit aucun acte du même jour.",
    MAJORATION_NOT_APPLICABLE: (
        "Majoration d'acte unique (MAU) qui ne va pas avec des passages à acte unique : il faut autant de MAU que "
        "d'actes le même jour. Règle de testbench, non vérifiée : pas un texte de la NGAP."
    ),
    TRAVEL_WITHOUT_ACT: "Indemnité de déplacement (IFD, IK) un jour où rien d'autre n'est facturé.",
    TRAVEL_ZONE_NOT_APPLICABLE: "Zone de déplacement sur une ligne qui n'a pas de valeur pour elle.",
}


def refuse(refusal_code: str, message: str, **details: Any) -> EngineRefusal:
    """Build a refusal; callers ``raise refuse(...)`` so the traceback points at the rule.

    The message is French, written for a person (the session records it; the catalogue reads it in English):
    a date as :func:`day` writes it, an amount as :func:`euros` does, a code of the request in words. The
    ``details`` are data: ISO dates, decimal strings with a dot, the request's codes.
    """
    return EngineRefusal(refusal_code, message, details)


def day(when: date) -> str:
    """A date of a refusal's message as French writes it: « 05/01/2026 » (English reads it back ISO)."""
    return fmt_day(when.isoformat(), "fr")


def euros(amount: Decimal) -> str:
    """An amount of a refusal's message as French writes money: « 5,50 € », « 1 234,00 € » with no-break spaces
    (testbench.fmt.money; English reads it back "€5.50")."""
    return money(str(amount), "fr")
