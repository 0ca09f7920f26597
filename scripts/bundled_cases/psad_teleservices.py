"""psad-teleservices.xml: the simulated téléservices — ADRi, ApCV, INSi, e-prescription — and their faults."""

from __future__ import annotations

from bundled_cases.common import CARDS, PATIENTS, D, securise
from bundled_cases.model import Book, Case, Expect, L, Step, V, el, invoice, read_cps, refusal, secure, trace

HEADER = """
Cahier PSAD/MAD de testbench : TÉLÉSERVICES simulés (ADRi, ApCV, INSi, e-prescription), format version 1.

Ce fichier n'est PAS un document du CNDA. Les téléservices sont simulés par le banc sur la boucle locale
(testbench services serve) ; chaque étape nomme son scénario (testbench/domain/teleservices.toml) et, s'il y
a lieu, la panne injectée (timeout, server-error, malformed, down). Formats et scénarios : les nôtres,
docs/teleservices.md. Une panne attendue (<refusal code="TELESERVICE_UNAVAILABLE"/>) est un cas qui passe :
le produit a su la traiter. Les montants suivent docs/reference-engine.md (RG_VF644, RG_VF670).
Personnes, NIR et RPPS fictifs.
"""

BOOK = Book(
    filename="psad-teleservices.xml",
    plan_id="TB-PSAD-TLS-001",
    title="PSAD/MAD : téléservices ADRi, ApCV, INSi et e-prescription simulés (pas un document CNDA)",
    ps_category="fournisseur-lpp",
    header=HEADER,
    fixtures=CARDS + "\n" + PATIENTS,
)

BED = L("1241763", 4, "14.00")  # E1: BR 56.00, MRO 33.60, patient 22.40


def case(cid: str, domain: str, mode: str, title: str, objective: str, comment: str, steps: list[Step],
         expect: list[Expect], tags: str, requirements: str, cps: str = "cps-psad", vitale: str | None = None) -> None:
    """A case that starts with the CPS read (and the Vitale card read when ``vitale`` is given)."""
    cards, head = securise(cps, vitale) if vitale else ([("cps", cps)], read_cps())
    BOOK.cases.append(Case(id=cid, domain=domain, mode=mode, tags=tags, title=title, objective=objective,
                           comment=comment, cards=cards, steps=[*head, *steps], expect=expect,
                           requirements=requirements))


def adri(patient: str = "p-deg", scenario: str = "droits-ouverts", query: str = "cible", **kw: str) -> Step:
    return el("adri", "s-adri", patient=patient, care_date=D, query=query, scenario=scenario, **kw)


SSV = "sesam-sans-vitale"
ADRI = "TB-TLS-ADRI"

BOOK.sections["TLS-ADRI-001"] = "ADRi : droits, marquage « facture ADRi », garantie de paiement"
case("TLS-ADRI-001", "adri", SSV,
     "ADRi ciblée : droits ouverts, facture ADRi sans carte Vitale, donc sans garantie",
     "La réponse marquée « facture ADRi » marque la facture, mais sans carte Vitale elle ne donne pas la "
     "garantie de paiement : « en l'absence de carte Vitale, il n'y a pas de garantie de paiement au sens "
     "juridique » (source publique, docs/teleservices.md).",
     "ADRi droits-ouverts (marquée) ; facture du même jour en SESAM sans Vitale, tiers payant AMO : marquage "
     "facture-adri, garantie non. PPC × 4 = 84.00 → 50.40 ; patient 33.60.",
     [adri(), invoice("p-deg", D, [L("1113930", 4, "21.00")]), secure()],
     [V("adri.rights_open", "true", step="s-adri"), V("adri.marking", "facture-adri", step="s-adri"),
      V("invoice.adri.marking", "facture-adri"), V("invoice.adri.guarantee", "false"),
      V("invoice.totals.amo", "50.40"), trace("http", "POST /adri → 200", step="s-adri", eid="t-http")],
     tags="ssv adri garantie", requirements=ADRI)
case("TLS-ADRI-002", "adri", SSV, "ADRi systématique, facture sans tiers payant : marquée, non garantie",
     "Sans carte Vitale ni tiers payant, la facture marquée n'a pas de garantie de paiement (la condition du "
     "tiers payant est une lecture du banc).",
     "ADRi systématique droits-ouverts ; facture sans tiers payant : marquage facture-adri, garantie non. "
     "OCT × 2 = 90.00 → 54.00 ; patient 36.00.",
     [adri(query="systematique"), invoice("p-deg", D, [L("1128104", 2, "45.00")], tiers_payant="none")],
     [V("adri.query", "systematique", step="s-adri"), V("invoice.adri.marking", "facture-adri"),
      V("invoice.adri.guarantee", "false"), V("invoice.totals.amo", "54.00")],
     tags="ssv adri sans-tiers-payant", requirements=ADRI)
case("TLS-ADRI-003", "adri", SSV, "ADRi : droits ouverts sans marquage, facture non garantie",
     "Une réponse non marquée ne donne pas la garantie de paiement.",
     "ADRi droits-non-certifies : marquage aucun ; garantie non ; lit × 4 → 33.60.",
     [adri(scenario="droits-non-certifies"), invoice("p-deg", D, [BED])],
     [V("adri.marking", "aucun", step="s-adri"), V("invoice.adri.guarantee", "false"),
      V("invoice.totals.amo", "33.60")],
     tags="ssv adri", requirements=ADRI)
case("TLS-ADRI-004", "adri", SSV, "ADRi : droits fermés, la facture est refusée",
     "Les droits rendus par ADRi (fermés 30 jours avant les soins) l'emportent sur la fiche du patient.",
     "ADRi droits-fermes : rights_open faux ; facture → RIGHTS_EXPIRED.",
     [adri(scenario="droits-fermes"), invoice("p-deg", D, [BED])],
     [V("adri.rights_open", "false", step="s-adri"), refusal("RIGHTS_EXPIRED")],
     tags="ssv adri droits refus", requirements=ADRI + " TB-REFUS-RIGHTS_EXPIRED")
case("TLS-ADRI-005", "adri", SSV, "ADRi : ALD reconnue, ligne ALD à 100 %",
     "La couverture ALD rendue par ADRi permet la ligne en rapport avec l'ALD.",
     "ADRi droits-ouverts-ald ; PPC × 13 = 273.00, ligne ALD → 100 % ; patient 0.",
     [adri(scenario="droits-ouverts-ald"), invoice("p-deg", D, [L("1113930", 13, "21.00", ald="true")])],
     [V("invoice.lines[0].rate", "100"), V("invoice.totals.amo", "273.00"), V("invoice.totals.patient", "0.00")],
     tags="ssv adri ald", requirements=ADRI + " VF34.02")
case("TLS-ADRI-006", "adri", SSV, "ADRi : C2S reconnue, tiers payant intégral",
     "La C2S rendue par ADRi met le TM à la charge de la C2S.",
     "ADRi droits-ouverts-c2s ; lit × 4 : MRO 33.60 ; C2S 22.40 ; patient 0.",
     [adri(scenario="droits-ouverts-c2s"), invoice("p-deg", D, [BED])],
     [V("invoice.totals.amc", "22.40"), V("invoice.totals.patient", "0.00")],
     tags="ssv adri c2s", requirements=ADRI + " SP03")
case("TLS-ADRI-007", "adri", SSV, "ADRi : trois bénéficiaires sur le NIR de l'ouvrant droit",
     "La réponse compte les bénéficiaires et rend le rang demandé.",
     "ADRi plusieurs-beneficiaires : 3 bénéficiaires, rang 1.",
     [adri(scenario="plusieurs-beneficiaires")],
     [V("adri.beneficiary_count", "3", step="s-adri"), V("adri.rank", "1", step="s-adri")],
     tags="ssv adri ayant-droit", requirements=ADRI)
case("TLS-ADRI-008", "adri", SSV, "ADRi : bénéficiaire inconnu",
     "Un NIR inconnu de l'assurance maladie est refusé.",
     "ADRi beneficiaire-inconnu → ADRI_UNKNOWN_BENEFICIARY.",
     [adri(scenario="beneficiaire-inconnu")], [refusal("ADRI_UNKNOWN_BENEFICIARY", step="s-adri")],
     tags="ssv adri refus", requirements=ADRI + " TB-REFUS-ADRI_UNKNOWN_BENEFICIARY")
case("TLS-ADRI-009", "adri", "securise", "ADRi après lecture de la carte Vitale (sécurisé)",
     "Le produit vérifie en ligne les droits du patient dont il a lu la carte.",
     "Carte standard lue ; ADRi droits-ouverts sur son NIR ; facture sécurisée marquée et garantie ; lit × 4 → 33.60.",
     [el("adri", "s-adri", patient="p-std", care_date=D, query="cible", scenario="droits-ouverts"),
      invoice("p-std", D, [BED]), secure()],
     [V("adri.nir", "180019999900168", step="s-adri"), V("invoice.adri.guarantee", "true"),
      V("invoice.totals.amo", "33.60")],
     tags="securise adri garantie", requirements=ADRI, vitale="vitale-std")
case("TLS-ADRI-010", "adri", SSV, "ADRi avant des soins infirmiers",
     "Une infirmière interroge ADRi avant sa facture ; sans carte Vitale, pas de garantie de paiement.",
     "ADRi droits-ouverts ; AMI 2 + IFD : MRO 3.78 + 1.65 = 5.43 ; garantie non (SESAM sans Vitale).",
     [adri(), invoice("p-deg", D, [L("AMI", 1, "3.15", coefficient="2"), L("IFD", 1, "2.75")])],
     [V("invoice.adri.guarantee", "false"), V("invoice.totals.amo", "5.43")],
     tags="ssv adri ngap infirmier", requirements=ADRI, cps="cps-nurse")

BOOK.sections["TLS-ADRI-020"] = "ADRi : service en panne (attendue par le cas)"
for num, (kind, fault, code, what) in enumerate(
    [
        ("erreur serveur", "server-error", "TELESERVICE_UNAVAILABLE", "HTTP 500"),
        ("délai dépassé", "timeout", "TELESERVICE_UNAVAILABLE", "pas de réponse en 2 s"),
        ("connexion coupée", "down", "TELESERVICE_UNAVAILABLE", "connexion fermée sans réponse"),
        ("réponse illisible", "malformed", "TELESERVICE_INVALID_ANSWER", "JSON tronqué"),
    ],
    start=20,
):
    case(f"TLS-ADRI-0{num}", "adri", SSV, f"ADRi en panne ({kind}) : facture sur les droits saisis",
         "La panne d'ADRi est signalée ; le produit facture sur les droits saisis, sans garantie.",
         f"Panne injectée {fault} ({what}) → {code} ; facture sur la fiche du patient : lit × 4 → 33.60, "
         "marquage aucun (même patient et même jour que TLS-ADRI-001 : la réponse ADRi marquée d'un autre cas ne "
         "vaut pas pour celui-ci).",
         [adri(fault=fault), invoice("p-deg", D, [BED])],
         [refusal(code, step="s-adri"), V("invoice.adri.marking", "aucun"), V("invoice.totals.amo", "33.60")],
         tags=f"ssv adri panne {fault}", requirements=f"{ADRI} TB-REFUS-{code}")
case("TLS-ADRI-024", "adri", SSV, "ADRi indisponible (HTTP 503, scénario du service)",
     "Le service répond qu'il est indisponible.",
     "Scénario service-indisponible (HTTP 503) → TELESERVICE_UNAVAILABLE.",
     [adri(scenario="service-indisponible")], [refusal("TELESERVICE_UNAVAILABLE", step="s-adri")],
     tags="ssv adri panne", requirements=ADRI + " TB-REFUS-TELESERVICE_UNAVAILABLE")

BOOK.sections["TLS-APCV-001"] = "ApCV : l'application carte Vitale tient lieu de carte"
APCV = "TB-TLS-APCV"
case("TLS-APCV-001", "apcv", "securise", "ApCV par NFC : contexte valide, FSE sécurisée",
     "Le téléphone présente l'identité et les droits du patient ; la facture suit.",
     "Contexte valide (NFC) pour le patient p-deg ; lit × 4 → 33.60 ; patient 22.40.",
     [el("apcv", "s-apcv", care_date=D, scenario="contexte-valide", channel="nfc", patient="p-deg"),
      invoice("p-deg", D, [BED]), secure()],
     [V("apcv.status", "valid", step="s-apcv"), V("apcv.channel", "nfc", step="s-apcv"),
      V("apcv.nir", "152019999900182", step="s-apcv"), V("invoice.totals.amo", "33.60"),
      V("invoice.totals.patient", "22.40")],
     tags="apcv nfc", requirements=APCV)
case("TLS-APCV-002", "apcv", "securise", "ApCV par QR code : contexte valide",
     "Le même contexte présenté par QR code.",
     "Contexte valide (QR) pour la patiente p-exo ; PPC × 4 = 84.00 → MRO 50.40 (droits du contexte : taux de base).",
     [el("apcv", "s-apcv", care_date=D, scenario="contexte-valide", channel="qr", patient="p-exo"),
      invoice("p-exo", D, [L("1113930", 4, "21.00")]), secure()],
     [V("apcv.channel", "qr", step="s-apcv"), V("apcv.rights_open", "true", step="s-apcv"),
      V("invoice.totals.amo", "50.40")],
     tags="apcv qr", requirements=APCV)
case("TLS-APCV-003", "apcv", "securise", "ApCV : bénéficiaire de la C2S",
     "La C2S présentée par le téléphone vaut celle de la carte.",
     "Contexte valide C2S ; lit × 4 : MRO 33.60 ; C2S 22.40 ; patient 0.",
     [el("apcv", "s-apcv", care_date=D, scenario="contexte-valide-c2s", patient="p-deg"), invoice("p-deg", D, [BED])],
     [V("invoice.totals.amc", "22.40"), V("invoice.totals.patient", "0.00")],
     tags="apcv c2s", requirements=APCV + " SP03")
case("TLS-APCV-004", "apcv", "securise", "ApCV : contexte expiré",
     "Un contexte présenté après sa fin de validité est refusé (validité de 10 minutes : convention du banc, "
     "pas une règle publiée).",
     "Contexte expiré → APCV_CONTEXT_EXPIRED.",
     [el("apcv", "s-apcv", care_date=D, scenario="contexte-expire", patient="p-deg")],
     [refusal("APCV_CONTEXT_EXPIRED", step="s-apcv")],
     tags="apcv refus", requirements=APCV + " TB-REFUS-APCV_CONTEXT_EXPIRED")
case("TLS-APCV-005", "apcv", "securise", "ApCV : application désactivée, contexte refusé",
     "Une application carte Vitale désactivée est refusée.",
     "Contexte refusé (QR) → APCV_REFUSED.",
     [el("apcv", "s-apcv", care_date=D, scenario="contexte-refuse", channel="qr")],
     [refusal("APCV_REFUSED", step="s-apcv")],
     tags="apcv refus", requirements=APCV + " TB-REFUS-APCV_REFUSED")
case("TLS-APCV-006", "apcv", "securise", "ApCV : service indisponible",
     "Le service ApCV ne répond pas : le produit le signale.",
     "Scénario service-indisponible (HTTP 503) → TELESERVICE_UNAVAILABLE.",
     [el("apcv", "s-apcv", care_date=D, scenario="service-indisponible")],
     [refusal("TELESERVICE_UNAVAILABLE", step="s-apcv")],
     tags="apcv panne", requirements=APCV + " TB-REFUS-TELESERVICE_UNAVAILABLE")
case("TLS-APCV-007", "apcv", "securise", "ApCV : FSE mise en lot",
     "Une FSE faite avec l'ApCV va en lot comme une autre.",
     "Contexte valide ; OCT × 2 = 90.00 → 54.00 ; lot : 1 facture, AMO 54.00.",
     [el("apcv", "s-apcv", care_date=D, scenario="contexte-valide", patient="p-deg"),
      invoice("p-deg", D, [L("1128104", 2, "45.00")]), secure(), el("build-lot", "s-lot")],
     [V("lot.invoice_count", "1", step="s-lot"), V("lot.totals.amo", "54.00", step="s-lot")],
     tags="apcv lot", requirements=APCV + " RG_MF633")
case("TLS-APCV-008", "apcv", "securise", "ApCV chez l'infirmière : AMI 2 et IFD",
     "L'ApCV sert aussi aux soins infirmiers.",
     "Contexte valide ; AMI 2 + IFD : BR 9.05 ; MRO 5.43 ; patient 3.62.",
     [el("apcv", "s-apcv", care_date=D, scenario="contexte-valide", channel="nfc", patient="p-deg"),
      invoice("p-deg", D, [L("AMI", 1, "3.15", coefficient="2"), L("IFD", 1, "2.75")])],
     [V("invoice.totals.amo", "5.43"), V("invoice.totals.patient", "3.62")],
     tags="apcv ngap infirmier", requirements=APCV, cps="cps-nurse")

case("TLS-APCV-009", "apcv", "securise", "ApCV pour des soins de 2024 : les droits du contexte datés des soins",
     "Les droits que présente le contexte valent à la date des soins de l'étape, pas à la date du jour.",
     "care-date 2024-06-03 sur l'étape ApCV et la facture : droits ouverts ce jour-là ; lit × 4 → 33.60.",
     [el("apcv", "s-apcv", care_date="2024-06-03", scenario="contexte-valide", channel="nfc", patient="p-deg"),
      invoice("p-deg", "2024-06-03", [BED])],
     [V("apcv.rights_open", "true", step="s-apcv"), V("invoice.totals.amo", "33.60")],
     tags="apcv date", requirements=APCV)

BOOK.sections["TLS-INSI-001"] = "INSi : qualification de l'identité"
INSI = "TB-TLS-INSI"
case("TLS-INSI-001", "insi", "none", "INSi : une identité trouvée, patient",
     "L'identité est qualifiée ; l'INS est le NIR ; le sexe vient du NIR (1 : M).",
     "Traits de p-deg ; 1 identité : found, qualifiée, INS 152019999900182, sexe M.",
     [el("insi", "s-insi", patient="p-deg", scenario="identite-trouvee")],
     [V("insi.status", "found", step="s-insi"), V("insi.qualified", "true", step="s-insi"),
      V("insi.ins", "152019999900182", step="s-insi"), V("insi.sex", "M", step="s-insi")],
     tags="insi", requirements=INSI)
case("TLS-INSI-002", "insi", "none", "INSi : une identité trouvée, patiente",
     "Le sexe vient du premier chiffre du NIR (2 : F) ; le lieu de naissance est rendu.",
     "Traits de p-exo ; found, sexe F, lieu de naissance 75056.",
     [el("insi", "s-insi", patient="p-exo", scenario="identite-trouvee")],
     [V("insi.sex", "F", step="s-insi"), V("insi.birth_place", "75056", step="s-insi")],
     tags="insi", requirements=INSI)
case("TLS-INSI-003", "insi", "none", "INSi : plusieurs identités",
     "Plusieurs identités pour ces traits : l'identité reste non qualifiée.",
     "2 identités : several, non qualifiée.",
     [el("insi", "s-insi", patient="p-deg", scenario="plusieurs-identites")],
     [V("insi.status", "several", step="s-insi"), V("insi.count", "2", step="s-insi"),
      V("insi.qualified", "false", step="s-insi")],
     tags="insi", requirements=INSI)
case("TLS-INSI-004", "insi", "none", "INSi : identité inconnue",
     "Aucune identité pour ces traits.",
     "0 identité : not-found.",
     [el("insi", "s-insi", patient="p-aspa", scenario="identite-inconnue")],
     [V("insi.status", "not-found", step="s-insi"), V("insi.count", "0", step="s-insi")],
     tags="insi", requirements=INSI)
case("TLS-INSI-005", "insi", "none", "INSi : service indisponible",
     "La panne du service est signalée, pas masquée.",
     "Scénario service-indisponible → TELESERVICE_UNAVAILABLE.",
     [el("insi", "s-insi", patient="p-deg", scenario="service-indisponible")],
     [refusal("TELESERVICE_UNAVAILABLE", step="s-insi")],
     tags="insi panne", requirements=INSI + " TB-REFUS-TELESERVICE_UNAVAILABLE")
case("TLS-INSI-006", "insi", "degrade", "INSi puis FSE dégradée",
     "L'identité qualifiée, la facture dégradée suit.",
     "INSi found ; OCT × 1 = 45.00 → 27.00 ; patient 18.00.",
     [el("insi", "s-insi", patient="p-deg", scenario="identite-trouvee"),
      invoice("p-deg", D, [L("1128104", 1, "45.00")]), secure()],
     [V("insi.qualified", "true", step="s-insi"), V("invoice.totals.amo", "27.00")],
     tags="insi degrade", requirements=INSI)

BOOK.sections["TLS-EPR-001"] = "e-prescription : l'ordonnance numérique"
EPR = "TB-TLS-EPRESCRIPTION"
case("TLS-EPR-001", "eprescription", "degrade", "Ordonnance numérique LPP lue, puis facturée",
     "Le produit lit l'ordonnance numérique (lignes, prescripteur, date) ; la facture de ses lignes est vérifiée "
     "par ses montants. La facture reprend l'identifiant, le prescripteur et la date de l'ordonnance lue : le banc "
     "les compare à ceux qu'il a lus (règle du banc, pas un texte officiel du CNDA).",
     "Ordonnance RX-2026-0001 du 2026-01-05, prescripteur 10000000007 : lit 1241763 × 4 et soulève-malade 1231782 × 4. "
     "Facture : 56.00 → 33.60 ; 70.12 → 42.07 ; MRO 75.67 ; patient 50.45.",
     [el("eprescription", "s-rx", number="RX-2026-0001", scenario="ordonnance-lpp"),
      invoice("p-deg", D, [BED, L("1231782", 4, "17.53")], prescriber="10000000007",
              prescription_date="2026-01-05", eprescription_id="RX-2026-0001"), secure()],
     [V("eprescription.line_count", "2", step="s-rx"), V("eprescription.lines[0].code", "1241763", step="s-rx"),
      V("eprescription.prescriber.rpps", "10000000007", step="s-rx"), V("invoice.totals.amo", "75.67"),
      V("invoice.totals.patient", "50.45")],
     tags="eprescription lpp", requirements=EPR + " TB-PSAD-PRESCRIPTION")
case("TLS-EPR-002", "eprescription", "degrade", "Ordonnance numérique de soins infirmiers",
     "L'infirmière lit l'ordonnance et facture l'acte prescrit ; la facture ne donne que l'identifiant de "
     "l'ordonnance : son prescripteur et sa date sont ceux que le produit a lus, et le banc les compare à "
     "l'ordonnance lue.",
     "Ordonnance RX-2026-0002 du 2026-01-09, prescripteur 10000000007 : AMI × 1. Facture AMI 1 + IFD : MRO 1.89 + "
     "1.65 = 3.54.",
     [el("eprescription", "s-rx", number="RX-2026-0002", scenario="ordonnance-soins-infirmiers"),
      invoice("p-deg", D, [L("AMI", 1, "3.15"), L("IFD", 1, "2.75")], eprescription_id="RX-2026-0002")],
     [V("eprescription.lines[0].code", "AMI", step="s-rx"), V("eprescription.date", "2026-01-09", step="s-rx"),
      V("invoice.totals.amo", "3.54")],
     tags="eprescription ngap infirmier", requirements=EPR, cps="cps-nurse")
case("TLS-EPR-003", "eprescription", "none", "Ordonnance numérique inconnue",
     "Un numéro sans ordonnance est refusé.",
     "RX-0000 : ordonnance-inconnue → EPRESCRIPTION_NOT_FOUND.",
     [el("eprescription", "s-rx", number="RX-0000", scenario="ordonnance-inconnue")],
     [refusal("EPRESCRIPTION_NOT_FOUND", step="s-rx")],
     tags="eprescription refus", requirements=EPR + " TB-REFUS-EPRESCRIPTION_NOT_FOUND")
case("TLS-EPR-004", "eprescription", "none", "e-prescription : service indisponible",
     "La panne du service est signalée.",
     "Scénario service-indisponible → TELESERVICE_UNAVAILABLE.",
     [el("eprescription", "s-rx", number="RX-2026-0003", scenario="service-indisponible")],
     [refusal("TELESERVICE_UNAVAILABLE", step="s-rx")],
     tags="eprescription panne", requirements=EPR + " TB-REFUS-TELESERVICE_UNAVAILABLE")
case("TLS-EPR-005", "eprescription", "none", "e-prescription : réponse illisible",
     "Une réponse tronquée est signalée comme invalide.",
     "Panne malformed (JSON tronqué) → TELESERVICE_INVALID_ANSWER.",
     [el("eprescription", "s-rx", number="RX-2026-0001", scenario="ordonnance-lpp", fault="malformed")],
     [refusal("TELESERVICE_INVALID_ANSWER", step="s-rx")],
     tags="eprescription panne", requirements=EPR + " TB-REFUS-TELESERVICE_INVALID_ANSWER")
