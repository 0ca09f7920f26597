"""psad-lots-retours.xml: lots of secured invoices, ARL and NOEMIE (RSP) returns, lot refusals."""

from __future__ import annotations

from bundled_cases.common import CARDS, PATIENTS, D, securise
from bundled_cases.model import Book, Case, Expect, L, Line, Step, V, el, invoice, read_cps, refusal, secure, trace

HEADER = """
Cahier PSAD/MAD de testbench : LOTS, ARL et retours NOEMIE (RSP), format version 1.

Ce fichier n'est PAS un document du CNDA. Chaque cas facture, sécurise, met en lot puis lit les retours
simulés par le moteur de référence : ARL positif ou négatif (codes ARL-00x : les nôtres, la liste réelle
n'est pas publique), RSP de paiement (part AMO des factures en tiers payant) ou de rejet (les six couples
de codes réels d'un mémo CPAM, docs/reference-engine.md). Totaux du lot = somme des factures, elles-mêmes
sommes de lignes arrondies (RG_MF633). Un lot ne reçoit que des factures sécurisées, d'un seul organisme
destinataire (régime, caisse et centre informatique lus sur la carte Vitale), auquel il est adressé.
Personnes, NIR et RPPS fictifs.
"""

BOOK = Book(
    filename="psad-lots-retours.xml",
    plan_id="TB-PSAD-LOT-001",
    title="PSAD/MAD : lots, ARL et retours NOEMIE (pas un document CNDA)",
    ps_category="fournisseur-lpp",
    header=HEADER,
    fixtures=CARDS + "\n" + PATIENTS,
)

c = BOOK.cases.append

BED = L("1241763", 4, "14.00")  # MRO 33.60 (E1)
PPC = L("1113930", 13, "21.00")  # MRO 163.80 (E7)
OCT = L("1128104", 2, "45.00")  # MRO 54.00


def billed(
    invoices: list[tuple[str, list[Line]]], patient: str = "p-std", date: str = D, tiers_payant: str = "amo"
) -> list[Step]:
    """One invoice step and its secure step per entry: (suffix, lines)."""
    steps: list[Step] = []
    for suffix, lines in invoices:
        steps += [
            invoice(patient, date, lines, sid=f"s-invoice-{suffix}", tiers_payant=tiers_payant),
            secure(f"s-secure-{suffix}"),
        ]
    return steps


def lot_case(cid: str, title: str, objective: str, comment: str, steps: list[Step], expect: list[Expect],
             tags: str, mode: str = "securise", vitale: str = "vitale-std", cps: str = "cps-psad",
             requirements: str = "RG_MF633", book: Book | None = None) -> None:
    """A lot case of ``book`` (this one by default): sécurisé (CPS and ``vitale`` read first) or, for another
    mode, the CPS alone."""
    cards, head = securise(cps, vitale) if mode == "securise" else ([("cps", cps)], read_cps())
    case = Case(id=cid, domain="lot", mode=mode, tags=tags, title=title, objective=objective, comment=comment,
                cards=cards, steps=[*head, *steps], expect=expect, requirements=requirements)
    (book or BOOK).cases.append(case)


BOOK.sections["PSAD-LOT-001"] = "Lots et ARL"
lot_case("PSAD-LOT-001", "Lot de trois FSE et ARL positif",
         "Trois factures sécurisées dans un lot ; l'ARL accepte le lot.",
         "Lit 1241763 × 4 : MRO 33.60 ; PPC 1113930 × 13 : 163.80 ; OCT 1128104 × 2 : 54.00. "
         "Lot : 3 factures, AMO = 33.60 + 163.80 + 54.00 = 251.40 (RG_MF633), adressé à l'organisme de la carte "
         "Vitale lue : régime 01, caisse 751, centre 9999. ARL positif : accepted.",
         [*billed([("1", [BED]), ("2", [PPC]), ("3", [OCT])]), el("build-lot", "s-lot"),
          el("read-returns", "s-arl", scenario="arl-positive")],
         [V("lot.invoice_count", "3", step="s-lot"), V("lot.totals.amo", "251.40", step="s-lot"),
          V("lot.organisme.regime", "01", step="s-lot", type_="string"),
          V("lot.organisme.caisse", "751", step="s-lot", type_="string"),
          V("lot.organisme.centre", "9999", step="s-lot", type_="string"),
          V("returns.status", "accepted", step="s-arl")], tags="lot arl organisme")
swap = [*billed([("1", [BED])]), el("insert-card", "s-swap", slot="vitale", card="vitale-ald"),
        el("read-vitale", "s-vitale-2", beneficiary="1"),
        invoice("p-ald", D, [L("1113930", 13, "21.00", ald="true")], sid="s-invoice-2"), secure("s-secure-2"),
        el("build-lot", "s-lot")]
lot_case("PSAD-LOT-002", "Lot de deux patients : carte Vitale changée entre deux factures",
         "Une seconde carte Vitale est lue dans le même cas ; les deux FSE vont dans un lot.",
         "Patient standard : lit × 4 → 33.60. Carte ALD insérée puis lue : PPC × 13 en rapport avec l'ALD → 100 % = "
         "273.00. Lot : 2 factures, AMO 306.60 ; même régime 01.",
         swap, [V("lot.invoice_count", "2", step="s-lot"), V("lot.totals.amo", "306.60", step="s-lot"),
                V("invoice.totals.amo", "273.00", step="s-invoice-2")], tags="lot cartes ald")
for num, (code, label) in enumerate(
    [("ARL-002", "lot télétransmis à l'avance"), ("ARL-003", "totaux du lot incohérents")], start=3
):
    lot_case(f"PSAD-LOT-00{num}", f"ARL négatif {code} : {label}",
             "Le lot est rejeté en entier ; l'ARL porte le code du rejet.",
             f"Code {code} (code de notre simulateur : la liste réelle des ARL n'est pas publique) ; statut rejected.",
             [*billed([("1", [OCT])]), el("build-lot", "s-lot"),
              el("read-returns", "s-arl", scenario="arl-negative", code=code)],
             [V("returns.status", "rejected", step="s-arl"), V("returns.codes", code, step="s-arl")],
             tags="lot arl rejet")
lot_case("PSAD-LOT-005", "ARL négatif sans code : code par défaut",
         "Sans code précisé, le simulateur rejette avec ARL-001.",
         "Code par défaut ARL-001 « lot non conforme au cahier des charges » (ours).",
         [*billed([("1", [BED])]), el("build-lot", "s-lot"), el("read-returns", "s-arl", scenario="arl-negative")],
         [V("returns.status", "rejected", step="s-arl"), V("returns.codes", "ARL-001", step="s-arl")],
         tags="lot arl rejet")

BOOK.sections["PSAD-RSP-001"] = "Retours NOEMIE (RSP) : paiements et rejets"
lot_case("PSAD-RSP-001", "RSP de paiement d'un lot de deux factures en tiers payant",
         "Chaque facture en tiers payant AMO est payée de sa part AMO.",
         "Lit 33.60 + PPC 163.80 : lot AMO 197.40 ; RSP : paid.",
         [*billed([("1", [BED]), ("2", [PPC])]), el("build-lot", "s-lot"),
          el("read-returns", "s-rsp", scenario="rsp-paid")],
         [V("lot.totals.amo", "197.40", step="s-lot"), V("returns.status", "paid", step="s-rsp")],
         tags="lot rsp paiement")
for num, (code, label, why) in enumerate(
    [
        ("0460 053", "établissement prescripteur inconnu du fichier national", "prescripteur"),
        ("0470 049", "prescription interdite à cette date", "date de prescription"),
        ("0450 072", "exonération carte Vitale absente du fichier caisse à la date des soins", "exonération"),
        ("0317 051", "incompatibilité nature d'assurance", "nature d'assurance"),
    ],
    start=2,
):
    lot_case(f"PSAD-RSP-00{num}", f"RSP de rejet {code} ({why})",
             "Le rejet d'une facture porte son code NOEMIE et son libellé.",
             f"Couple de codes réel {code} « {label} » (mémo CPAM, docs/reference-engine.md) ; statut rejected.",
             [*billed([("1", [PPC])]), el("build-lot", "s-lot"),
              el("read-returns", "s-rsp", scenario="rsp-rejected", code=code)],
             [V("returns.status", "rejected", step="s-rsp"), V("returns.codes", code, step="s-rsp")],
             tags="lot rsp rejet")
lot_case("PSAD-RSP-006", "RSP de rejet sans code : facture déjà payée",
         "Sans code précisé, le simulateur rejette avec 2900 005.",
         "Code par défaut 2900 005 « facture déjà payée » (code réel) ; statut rejected.",
         [*billed([("1", [BED])]), el("build-lot", "s-lot"), el("read-returns", "s-rsp", scenario="rsp-rejected")],
         [V("returns.status", "rejected", step="s-rsp"), V("returns.codes", "2900 005", step="s-rsp")],
         tags="lot rsp rejet")
lot_case("PSAD-RSP-007", "RSP de rejet d'un lot de deux factures",
         "Le rejet vaut pour chaque facture du lot ; le retour nomme le code une fois.",
         "Deux factures, scénario de rejet 0250 050 « assuré absent de notre référentiel » : statut rejected, code "
         "0250 050 (un détail de rejet par facture dans le fichier NOEMIE).",
         [*billed([("1", [BED]), ("2", [OCT])]), el("build-lot", "s-lot"),
          el("read-returns", "s-rsp", scenario="rsp-rejected", code="0250 050")],
         [V("returns.status", "rejected", step="s-rsp"), V("returns.codes", "0250 050", step="s-rsp")],
         tags="lot rsp rejet")
lot_case("PSAD-RSP-008", "RSP de paiement d'une facture sans tiers payant",
         "Sans tiers payant, l'AMO rembourse l'assuré : le lot est payé, rien n'est dû au prestataire.",
         "Lit × 4 sans tiers payant : dû par l'AMO au prestataire 0.00, MRO 33.60 remboursé à l'assuré ; lot AMO "
         "33.60 ; RSP : paid.",
         [invoice("p-std", D, [BED], sid="s-invoice-1", tiers_payant="none"), secure("s-secure-1"),
          el("build-lot", "s-lot"), el("read-returns", "s-rsp", scenario="rsp-paid")],
         [V("invoice.tiers_payant.due_from_amo", "0.00", step="s-invoice-1"),
          V("lot.totals.amo", "33.60", step="s-lot"), V("returns.status", "paid", step="s-rsp")],
         tags="lot rsp paiement sans-tiers-payant")

BOOK.sections["PSAD-RSP-009"] = "Retours NOEMIE (RSP) : paiements partiels"
lot_case("PSAD-RSP-009", "RSP de paiement partiel d'une facture (exonération non reconnue)",
         "L'AMO paie moins que sa part ; le retour porte le montant payé, le montant dû et le motif.",
         "PPC 1113930 × 13 à 21.00 : BR 273.00, MRO 60 % = 163.80 dû en tiers payant. RSP partiel : payé 100.00 "
         "(montant du retour), reste impayé 163.80 − 100.00 = 63.80, motif 0450 072 « exonération absente du "
         "fichier caisse » (couple réel d'un mémo CPAM, donné pour un rejet ; son emploi pour un paiement partiel "
         "est un choix de testbench) ; statut partial.",
         [*billed([("1", [PPC])]), el("build-lot", "s-lot"),
          el("read-returns", "s-rsp", scenario="rsp-partial", code="0450 072", paid="100.00")],
         [V("returns.status", "partial", step="s-rsp"), V("returns.due", "163.80", step="s-rsp"),
          V("returns.paid", "100.00", step="s-rsp"), V("returns.unpaid", "63.80", step="s-rsp"),
          V("returns.codes", "0450 072", step="s-rsp"), V("returns.details[0].code", "0450 072", step="s-rsp")],
         tags="lot rsp paiement-partiel", requirements="RG_MF633 TB-NOEMIE-PAIEMENT-PARTIEL")
lot_case("PSAD-RSP-010", "RSP de paiement partiel d'un lot de deux factures, motif par défaut",
         "Le montant payé couvre les factures dans l'ordre du lot ; seule la facture payée en partie porte le motif.",
         "Lit × 4 : MRO 33.60 ; PPC × 13 : MRO 163.80 ; dû 197.40. Payé 180.00 : facture 1 payée 33.60 (en entier, "
         "sans motif), facture 2 payée 180.00 − 33.60 = 146.40 sur 163.80, motif par défaut 0450 072 (choix de "
         "testbench) ; impayé 197.40 − 180.00 = 17.40.",
         [*billed([("1", [BED]), ("2", [PPC])]), el("build-lot", "s-lot"),
          el("read-returns", "s-rsp", scenario="rsp-partial", paid="180.00")],
         [V("returns.status", "partial", step="s-rsp"), V("returns.due", "197.40", step="s-rsp"),
          V("returns.details[0].amount_paid", "33.60", step="s-rsp"),
          V("returns.details[1].amount_paid", "146.40", step="s-rsp"),
          V("returns.details[1].code", "0450 072", step="s-rsp"), V("returns.unpaid", "17.40", step="s-rsp")],
         tags="lot rsp paiement-partiel", requirements="RG_MF633 TB-NOEMIE-PAIEMENT-PARTIEL")
lot_case("PSAD-RSP-011", "RSP de paiement : montant payé égal au montant dû",
         "Un paiement complet porte aussi ses montants : rien d'impayé.",
         "Lit × 4 : MRO 33.60 en tiers payant ; RSP paid : dû 33.60, payé 33.60, impayé 0.00.",
         [*billed([("1", [BED])]), el("build-lot", "s-lot"), el("read-returns", "s-rsp", scenario="rsp-paid")],
         [V("returns.due", "33.60", step="s-rsp"), V("returns.paid", "33.60", step="s-rsp"),
          V("returns.unpaid", "0.00", step="s-rsp")],
         tags="lot rsp paiement")
BOOK.sections["PSAD-LOT-016"] = "Renvoi d'un lot refusé par son ARL"
lot_case("PSAD-LOT-016", "ARL négatif puis renvoi des mêmes factures dans un nouveau lot",
         "Un lot rejeté en entier par l'ARL n'a pas été lu : ses factures repartent dans un nouveau lot, payé.",
         "Lit × 4 : MRO 33.60 ; OCT × 2 : MRO 54.00 ; lot 1 : 2 factures, AMO 87.60, ARL négatif ARL-003. "
         "Lot 2 : les 2 mêmes factures, AMO 87.60 ; ARL positif : accepted ; RSP : paid, payé 87.60.",
         [*billed([("1", [BED]), ("2", [OCT])]), el("build-lot", "s-lot-1"),
          el("read-returns", "s-arl-1", scenario="arl-negative", code="ARL-003"), el("build-lot", "s-lot-2"),
          el("read-returns", "s-arl-2", scenario="arl-positive"), el("read-returns", "s-rsp", scenario="rsp-paid")],
         [V("returns.status", "rejected", step="s-arl-1", eid="e-arl-1"),
          V("lot.invoice_count", "2", step="s-lot-2"), V("lot.totals.amo", "87.60", step="s-lot-2"),
          V("returns.status", "accepted", step="s-arl-2", eid="e-arl-2"),
          V("returns.status", "paid", step="s-rsp", eid="e-rsp"), V("returns.paid", "87.60", step="s-rsp")],
         tags="lot arl rejet renvoi", requirements="RG_MF633 TB-ARL-RENVOI")

BOOK.sections["PSAD-LOT-010"] = "Lots selon le mode et la couverture"
lot_case("PSAD-LOT-010", "Lot d'une FSE dégradée",
         "Une facture dégradée sécurisée se met en lot comme une autre.",
         "Patient saisi : PPC × 8 = 168.00 → 100.80. Lot : 1 facture, AMO 100.80, adressé à l'organisme de "
         "l'attestation de droits saisie (pas de carte Vitale) : régime 01, caisse 751, centre 9999 ; ARL positif.",
         [*billed([("1", [L("1113930", 8, "21.00")])], patient="p-deg"), el("build-lot", "s-lot"),
          el("read-returns", "s-arl", scenario="arl-positive")],
         [V("lot.totals.amo", "100.80", step="s-lot"),
          V("lot.organisme.caisse", "751", step="s-lot", type_="string"),
          V("lot.organisme.centre", "9999", step="s-lot", type_="string"),
          V("returns.status", "accepted", step="s-arl")],
         tags="lot degrade", mode="degrade")
lot_case("PSAD-LOT-011", "Lot d'une FSE SESAM sans Vitale après ADRi",
         "ADRi, facture, sécurisation, lot.",
         "Bénéficiaire exonéré (ADRi) : lit × 4 → 100 % = 56.00. Lot AMO 56.00.",
         [el("adri", "s-adri", patient="p-exo", care_date=D, query="cible"),
          *billed([("1", [BED])], patient="p-exo"), el("build-lot", "s-lot")],
         [V("lot.totals.amo", "56.00", step="s-lot"), V("lot.invoice_count", "1", step="s-lot")],
         tags="lot ssv adri", mode="sesam-sans-vitale")
lot_case("PSAD-LOT-012", "Lot d'une FSE C2S en tiers payant intégral",
         "La part AMO du lot ne compte pas la part C2S.",
         "Carte C2S : PPC × 13 → MRO 163.80, C2S 109.20. Lot AMO 163.80.",
         [*billed([("1", [PPC])], patient="p-c2s", tiers_payant="amo+amc"), el("build-lot", "s-lot")],
         [V("invoice.totals.amc", "109.20", step="s-invoice-1"), V("lot.totals.amo", "163.80", step="s-lot")],
         tags="lot c2s", vitale="vitale-c2s")
lot_case("PSAD-LOT-013", "Lot Alsace-Moselle de deux factures",
         "Les factures du régime local s'additionnent dans le lot (taux de 90 % du régime local pour la LPP : "
         "hypothèse testbench, non vérifiée).",
         "PPC × 13 → 245.70 ; OCT × 2 → 81.00 ; lot AMO 326.70.",
         [*billed([("1", [PPC]), ("2", [OCT])], patient="p-alsace"), el("build-lot", "s-lot")],
         [V("lot.invoice_count", "2", step="s-lot"), V("lot.totals.amo", "326.70", step="s-lot")],
         tags="lot alsace-moselle", vitale="vitale-alsace")
lot_case("PSAD-LOT-014", "Lot de deux FSE infirmières et RSP de paiement",
         "Les FSE NGAP d'une infirmière se mettent en lot de la même façon.",
         "AMI 2 + IFD : MRO 5.43 ; AIS 3 + IFD : MRO 6.42 ; lot AMO 11.85 ; RSP : paid.",
         [*billed([("1", [L("AMI", 1, "3.15", coefficient="2"), L("IFD", 1, "2.75")]),
                   ("2", [L("AIS", 1, "2.65", coefficient="3"), L("IFD", 1, "2.75")])]),
          el("build-lot", "s-lot"), el("read-returns", "s-rsp", scenario="rsp-paid")],
         [V("lot.totals.amo", "11.85", step="s-lot"), V("returns.status", "paid", step="s-rsp")],
         tags="lot ngap infirmier", cps="cps-nurse")
lot_case("PSAD-LOT-015", "Facture refusée puis refacturée corrigée, seule la seconde va en lot",
         "Un refus du moteur ne laisse rien à mettre en lot ; la facture corrigée suit.",
         "Facture 1 : nutrition orale à 5.50 > PLV 5.07 → PRICE_ABOVE_PLV, pas de facture. Facture 2 : même article "
         "au PLV 5.07 × 30 : BR 122.10, MRO 73.26. Lot : 1 facture, AMO 73.26.",
         [invoice("p-std", D, [L("1105215", 30, "5.50")], sid="s-invoice-1"),
          *billed([("2", [L("1105215", 30, "5.07")])]), el("build-lot", "s-lot")],
         [refusal("PRICE_ABOVE_PLV", step="s-invoice-1"), V("lot.invoice_count", "1", step="s-lot"),
          V("lot.totals.amo", "73.26", step="s-lot")], tags="lot refus refacturation")

BOOK.sections["PSAD-LOT-020"] = "Refus à la formation du lot"
lot_case("PSAD-LOT-020", "Lot de deux régimes différents : refus",
         "Un lot ne mélange pas les régimes (01 et 07).",
         "Facture 1 : patient au régime 01 ; facture 2 : patiente au régime 07 ; build-lot → MIXED_LOT.",
         [invoice("p-deg", D, [BED], sid="s-invoice-1"), secure("s-secure-1"),
          invoice("p-mines-deg", D, [OCT], sid="s-invoice-2"), secure("s-secure-2"), el("build-lot", "s-lot")],
         [refusal("MIXED_LOT", step="s-lot")], tags="lot refus regime", mode="degrade",
         requirements="TB-REFUS-MIXED_LOT")
two_caisses = [*billed([("1", [BED])]), el("insert-card", "s-swap", slot="vitale", card="vitale-alsace"),
               el("read-vitale", "s-vitale-2", beneficiary="1"),
               invoice("p-alsace", D, [OCT], sid="s-invoice-2"), secure("s-secure-2"), el("build-lot", "s-lot")]
lot_case("PSAD-LOT-022", "Lot de deux organismes destinataires (caisses 751 et 671) : refus",
         "Un lot va à un seul organisme destinataire : même régime, mais une autre caisse ne va pas dans le lot.",
         "Facture 1 : carte standard, régime 01, caisse 751, centre 9999 ; facture 2 : carte Alsace-Moselle, "
         "régime 01, "
         "caisse 671, centre 9999 ; build-lot → MIXED_LOT (organismes 01 671 9999 et 01 751 9999).",
         two_caisses, [refusal("MIXED_LOT", step="s-lot")], tags="lot refus organisme",
         requirements="TB-REFUS-MIXED_LOT")
lot_case("PSAD-LOT-023", "Lot d'une FSE dégradée sans organisme destinataire : refus",
         "Sans carte Vitale, la caisse et le centre viennent de l'attestation de droits ; une facture qui ne les a "
         "pas ne se met pas en lot (un lot adressé à la caisse « 000 » ne partirait nulle part).",
         "Patient saisi sans caisse ni centre : lit × 4 → MRO 33.60, la facture et sa sécurisation passent ; "
         "build-lot → "
         "ORGANISME_UNKNOWN (refus de notre moteur de référence, code à nous).",
         [*billed([("1", [BED])], patient="p-sans-organisme"), el("build-lot", "s-lot")],
         [V("invoice.totals.amo", "33.60", step="s-invoice-1"), refusal("ORGANISME_UNKNOWN", step="s-lot")],
         tags="lot refus organisme degrade", mode="degrade", requirements="TB-REFUS-ORGANISME_UNKNOWN")
lot_case("PSAD-LOT-021", "Facture non sécurisée dans le lot : refus",
         "Seules les factures sécurisées entrent dans un lot.",
         "Facture 1 sécurisée, facture 2 non sécurisée ; build-lot → INVOICE_NOT_SECURED.",
         [*billed([("1", [BED])]), invoice("p-std", D, [OCT], sid="s-invoice-2"), el("build-lot", "s-lot")],
         [refusal("INVOICE_NOT_SECURED", step="s-lot")], tags="lot refus securisation",
         requirements="TB-REFUS-INVOICE_NOT_SECURED")
BOOK.sections["PSAD-LOT-030"] = "Refacturation d'une facture rejetée"
lot_case("PSAD-LOT-030", "Facture rejetée (exonération absente du fichier caisse) puis refacturée",
         "Après le rejet NOEMIE, la facture corrigée part seule dans un nouveau lot, qui est payé.",
         "Facture 1 : lit × 4 avec exo 3 (100 % : 56.00), lot 1, RSP de rejet 0450 072 « exonération absente du "
         "fichier caisse ». Facture 2 corrigée sans exonération : 56.00 → 60 % = 33.60 ; lot 2 : 1 facture "
         "(la rejetée n'y est pas), AMO 33.60 ; RSP : paid.",
         [*billed([("1", [L("1241763", 4, "14.00", exo="3")])]), el("build-lot", "s-lot-1"),
          el("read-returns", "s-rsp-1", scenario="rsp-rejected", code="0450 072"),
          *billed([("2", [BED])]), el("build-lot", "s-lot-2"), el("read-returns", "s-rsp-2", scenario="rsp-paid")],
         [trace("engine", "scenario=rsp-rejected statut=rejected", step="s-rsp-1", eid="t-rejet"),
          V("lot.invoice_count", "1", step="s-lot-2"), V("lot.totals.amo", "33.60", step="s-lot-2"),
          V("returns.status", "paid", step="s-rsp-2")],
         tags="lot rsp rejet refacturation", requirements="RG_MF633 TB-PSAD-REFACTURATION")
lot_case("PSAD-LOT-031", "Facture rejetée (prescripteur inconnu) puis refacturée avec le bon prescripteur",
         "Le rejet porte sur le prescripteur ; la facture refaite le corrige et part dans un nouveau lot.",
         "Facture 1 : OCT × 2 (54.00), prescripteur 10000000099, RSP de rejet 0460 053. Facture 2 : même soin, "
         "prescripteur 10000000001 : MRO 54.00 ; lot 2 : 1 facture, AMO 54.00 ; ARL positif : accepted.",
         [invoice("p-std", D, [OCT], sid="s-invoice-1", prescriber="10000000099", prescription_date="2026-01-20"),
          secure("s-secure-1"), el("build-lot", "s-lot-1"),
          el("read-returns", "s-rsp-1", scenario="rsp-rejected", code="0460 053"),
          invoice("p-std", D, [OCT], sid="s-invoice-2", prescriber="10000000001", prescription_date="2026-01-20"),
          secure("s-secure-2"), el("build-lot", "s-lot-2"), el("read-returns", "s-arl-2", scenario="arl-positive")],
         [trace("engine", "scenario=rsp-rejected statut=rejected", step="s-rsp-1", eid="t-rejet"),
          V("lot.invoice_count", "1", step="s-lot-2"), V("lot.totals.amo", "54.00", step="s-lot-2"),
          V("returns.status", "accepted", step="s-arl-2")],
         tags="lot rsp rejet refacturation prescription", requirements="RG_MF633 TB-PSAD-REFACTURATION")
lot_case("PSAD-LOT-032", "Deux factures en lot, une seule refacturée après rejet",
         "Seule la facture corrigée part dans le second lot.",
         "Lot 1 : lit (33.60) et PPC × 13 (163.80), rejet 0317 051 ; facture 3 : PPC × 13 refaite → lot 2 : "
         "1 facture, AMO 163.80.",
         [*billed([("1", [BED]), ("2", [PPC])]), el("build-lot", "s-lot-1"),
          el("read-returns", "s-rsp-1", scenario="rsp-rejected", code="0317 051"),
          *billed([("3", [PPC])]), el("build-lot", "s-lot-2")],
         [trace("engine", "scenario=rsp-rejected statut=rejected", step="s-rsp-1", eid="t-rejet"),
          V("lot.invoice_count", "1", step="s-lot-2"), V("lot.totals.amo", "163.80", step="s-lot-2")],
         tags="lot rsp rejet refacturation", requirements="RG_MF633 TB-PSAD-REFACTURATION")
