"""nurse-ngap.xml: NGAP invoices of a nurse (MAD at home): letter keys, coefficients, majorations, travel."""

from __future__ import annotations

from bundled_cases.common import CARDS, PATIENTS, fse
from bundled_cases.model import Book, L, V, el, refusal

HEADER = """
Cahier INFIRMIER (soins à domicile, NGAP) de testbench, format version 1.

Ce fichier n'est PAS un document du CNDA. Valeurs des lettres-clés en métropole attestées au 2024-01-28
(AMI 3.15, AMX 3.15, AIS 2.65, BSA 13.00, BSB 18.20, BSC 28.70 ; leur date d'effet n'est pas vérifiée),
IFD 2.75 (depuis le 2023-08-28), IK plaine 0.35, MAU 1.35, MCI 5.00, DI 10.00 (valeurs de 2012, date
d'effet non vérifiée) : docs/reference-engine.md. BR d'une ligne =
Arrondi(valeur × coefficient × quantité ; 2) (RG_VF644) ; taux des auxiliaires médicaux 60 % ;
MRO par ligne (RG_VF670), puis somme (RG_MF633). Une majoration suit son acte du même jour
(RG_MF620 CP01) ; une indemnité de déplacement accompagne un soin du même jour. La franchise
(1 € par acte depuis le 2024-03-31) est retenue plus tard par l'AMO : elle ne change pas la part AMO
de la facture. Personnes, NIR et RPPS fictifs.
"""

BOOK = Book(
    filename="nurse-ngap.xml",
    plan_id="TB-IDE-NGAP-001",
    title="Infirmier : FSE NGAP à domicile (pas un document CNDA)",
    ps_category="infirmier",
    header=HEADER,
    fixtures=CARDS + "\n" + PATIENTS,
)

c = BOOK.cases.append
NGAP = "RG_VF644 RG_VF670 RG_MF633"


def nurse(cid: str, title: str, objective: str, comment: str, **kw: object) -> None:
    kw.setdefault("requirements", NGAP)
    c(fse(cid, title, objective, comment, cps="cps-nurse", **kw))  # type: ignore[arg-type]


STD = {"card": "vitale-std", "patient": "p-std"}
IFD = L("IFD", 1, "2.75")

BOOK.sections["IDE-NGAP-001"] = "Assuré standard : lettres-clés, coefficients, majorations, déplacements"
nurse("IDE-NGAP-001", "AMI 2 au domicile avec IFD",
      "Un acte coté AMI coefficient 2 et l'indemnité forfaitaire de déplacement.",
      "AMI 2 : 3.15 × 2 = 6.30 → MRO 3.78 ; IFD 2.75 → 1.65. BR 9.05 ; MRO 5.43 ; patient 3.62.",
      **STD, lines=[L("AMI", 1, "3.15", coefficient="2"), IFD], tags="ngap infirmier ami ifd",
      expect=[V("invoice.lines[0].base", "6.30"), V("invoice.totals.base", "9.05"),
              V("invoice.totals.amo", "5.43"), V("invoice.totals.patient", "3.62")])
nurse("IDE-NGAP-002", "AMI 1.5 au cabinet : BR arrondie au centime",
      "Un coefficient décimal : la BR de la ligne est arrondie avant le taux.",
      "AMI 1.5 : 3.15 × 1.5 = 4.725 → BR 4.73 (RG_VF644) ; MRO = 4.73 × 0.60 = 2.838 → 2.84 ; patient 1.89.",
      **STD, lines=[L("AMI", 1, "3.15", coefficient="1.5")], tags="ngap infirmier ami arrondi",
      expect=[V("invoice.totals.base", "4.73"), V("invoice.totals.amo", "2.84"),
              V("invoice.totals.patient", "1.89")])
nurse("IDE-NGAP-003", "AIS 3 au domicile avec IFD",
      "Séance de soins infirmiers cotée AIS 3.",
      "AIS 3 : 2.65 × 3 = 7.95 → 4.77 ; IFD → 1.65. BR 10.70 ; MRO 6.42 ; patient 4.28.",
      **STD, lines=[L("AIS", 1, "2.65", coefficient="3"), IFD], tags="ngap infirmier ais ifd",
      expect=[V("invoice.totals.base", "10.70"), V("invoice.totals.amo", "6.42"),
              V("invoice.totals.patient", "4.28")])
for num, (key, level, value, amo_line, base, amo, pat) in enumerate(
    [("BSA", "légère", "13.00", "7.80", "15.75", "9.45", "6.30"),
     ("BSB", "intermédiaire", "18.20", "10.92", "20.95", "12.57", "8.38"),
     ("BSC", "lourde", "28.70", "17.22", "31.45", "18.87", "12.58")],
    start=4,
):
    nurse(f"IDE-NGAP-00{num}", f"Forfait journalier {key} (prise en charge {level}) avec IFD",
          f"Forfait journalier de soins infirmiers, prise en charge {level}, qui découle du bilan de soins "
          "infirmiers (BSI) ; un par jour.",
          f"{key} : {value} → MRO {amo_line} ; IFD → 1.65. BR {base} ; MRO {amo} ; patient {pat}.",
          **STD, lines=[L(key, 1, value), IFD], tags=f"ngap infirmier bsi {key.lower()}",
          expect=[V("invoice.totals.base", base), V("invoice.totals.amo", amo), V("invoice.totals.patient", pat)])
nurse("IDE-NGAP-007", "AMI 1 au domicile avec IFD et 12 km d'IK",
      "Les indemnités kilométriques (plaine) s'ajoutent à l'IFD.",
      "AMI 1 : 3.15 → 1.89 ; IFD → 1.65 ; IK 0.35 × 12 = 4.20 → 2.52. BR 10.10 ; MRO 6.06 ; patient 4.04.",
      **STD, lines=[L("AMI", 1, "3.15"), IFD, L("IK", 12, "0.35")], tags="ngap infirmier ik",
      expect=[V("invoice.lines[2].base", "4.20"), V("invoice.totals.amo", "6.06"),
              V("invoice.totals.patient", "4.04")])
nurse("IDE-NGAP-008", "AMI 4 suivi de la majoration de coordination MCI",
      "La MCI suit l'acte du même jour.",
      "AMI 4 : 12.60 → 7.56 ; MCI 5.00 → 3.00. BR 17.60 ; MRO 10.56 ; patient 7.04.",
      **STD, lines=[L("AMI", 1, "3.15", coefficient="4"), L("MCI", 1, "5.00")], tags="ngap infirmier mci majoration",
      requirements=NGAP + " RG_MF620",
      expect=[V("invoice.totals.base", "17.60"), V("invoice.totals.amo", "10.56"),
              V("invoice.totals.patient", "7.04")])
nurse("IDE-NGAP-009", "Démarche de soins infirmiers (DI) au domicile",
      "La DI est un acte : l'IFD peut l'accompagner.",
      "DI : 10.00 → 6.00 ; IFD → 1.65. BR 12.75 ; MRO 7.65 ; patient 5.10.",
      **STD, lines=[L("DI", 1, "10.00"), IFD], tags="ngap infirmier di",
      expect=[V("invoice.totals.amo", "7.65"), V("invoice.totals.patient", "5.10")])
nurse("IDE-NGAP-010", "AMX 3 (soins de dépendance) avec IFD",
      "Acte technique au cours de soins de dépendance.",
      "AMX 3 : 3.15 × 3 = 9.45 → 5.67 ; IFD → 1.65. BR 12.20 ; MRO 7.32 ; patient 4.88.",
      **STD, lines=[L("AMX", 1, "3.15", coefficient="3"), IFD], tags="ngap infirmier amx",
      expect=[V("invoice.totals.base", "12.20"), V("invoice.totals.amo", "7.32"),
              V("invoice.totals.patient", "4.88")])
nurse("IDE-NGAP-011", "AMI 1 au cabinet avec majoration d'acte unique (MAU)",
      "La MAU suit un acte unique du jour.",
      "AMI 1 : 3.15 → 1.89 ; MAU 1.35 → 0.81. BR 4.50 ; MRO 2.70 ; patient 1.80.",
      **STD, lines=[L("AMI", 1, "3.15"), L("MAU", 1, "1.35")], tags="ngap infirmier mau majoration",
      requirements=NGAP + " RG_MF620",
      expect=[V("invoice.totals.amo", "2.70"), V("invoice.totals.patient", "1.80")])
nurse("IDE-NGAP-012", "Deux passages sur deux jours, une facture",
      "Lignes datées : un AMI 1 et une IFD le 2026-02-02, de même le 2026-02-03.",
      "Chaque jour : AMI 1.89 + IFD 1.65 = 3.54 MRO pour 5.90 de BR. Deux jours : BR 11.80 ; MRO 7.08 ; patient 4.72.",
      **STD, lines=[L("AMI", 1, "3.15", date="2026-02-02"), L("IFD", 1, "2.75", date="2026-02-02"),
                    L("AMI", 1, "3.15", date="2026-02-03"), L("IFD", 1, "2.75", date="2026-02-03")],
      date="2026-02-03", tags="ngap infirmier lignes-datees",
      expect=[V("invoice.totals.base", "11.80"), V("invoice.totals.amo", "7.08"),
              V("invoice.totals.patient", "4.72")])
nurse("IDE-NGAP-013", "Deux passages le même jour, un AMI 1 à chacun (quantité 2)",
      "Deux passages distincts (matin et soir), un AMI 1 et une IFD à chacun : quantité 2, chaque acte à sa "
      "pleine valeur. Ce ne sont pas deux actes d'une même séance : le moteur n'applique pas la règle des actes "
      "multiples en une séance (NGAP, article 11B, docs/reference-engine.md « Not implemented »).",
      "AMI 1 × 2 : 3.15 × 2 = 6.30 → 3.78 ; IFD × 2 : 2.75 × 2 = 5.50 → 3.30. BR 11.80 ; MRO 7.08 ; patient 4.72.",
      **STD, lines=[L("AMI", 2, "3.15"), L("IFD", 2, "2.75")], tags="ngap infirmier quantite passages",
      expect=[V("invoice.lines[0].amo", "3.78"), V("invoice.totals.amo", "7.08")])
nurse("IDE-NGAP-014", "Cinq AMI 1 dans la journée (plafond journalier de franchise)",
      "Cinq actes un même jour : la franchise (informative) atteint son plafond, la part AMO ne change pas.",
      "AMI 1 × 5 = 15.75 → 9.45 ; IFD → 1.65. BR 18.50 ; MRO 11.10 ; patient 7.40. Franchise 5 × 1.00 "
      "plafonnée à 4.00 par jour, retenue plus tard par l'AMO (non déduite de la facture) ; IFD sans franchise ; "
      "participation forfaitaire 0 (actes d'auxiliaire médical).",
      **STD, lines=[L("AMI", 5, "3.15"), IFD], tags="ngap infirmier franchise",
      expect=[V("invoice.totals.amo", "11.10"), V("invoice.totals.patient", "7.40"),
              V("invoice.withholdings.franchise", "4.00"), V("invoice.withholdings.participation_forfaitaire", "0.00")])
nurse("IDE-NGAP-015", "Acte NGAP hors table avec tarif fixé (catégorie infirmier)",
      "Sans entrée de table, la catégorie de taux vient de la catégorie de PS du cahier (infirmier → 60 %).",
      "Code TLS, tarif fixé 10.00, taux des auxiliaires médicaux 60 % : BR 10.00 ; MRO 6.00 ; patient 4.00.",
      **STD, lines=[L("TLS", 1, "10.00", tariff="10.00")], tags="ngap infirmier fixture",
      expect=[V("invoice.lines[0].rate", "60"), V("invoice.totals.amo", "6.00")])
nurse("IDE-NGAP-016", "Franchise à 0.50 avant le 2024-03-31",
      "Soins du 2024-02-15 : ancienne franchise, mêmes parts AMO.",
      "AMI 3 : 9.45 → 5.67 ; IFD → 1.65. BR 12.20 ; MRO 7.32 ; patient 4.88 (franchise 0.50, informative).",
      card=None, patient="p-hist", lines=[L("AMI", 1, "3.15", coefficient="3"), IFD], date="2024-02-15",
      tags="ngap infirmier franchise date degrade",
      expect=[V("invoice.totals.amo", "7.32"), V("invoice.totals.patient", "4.88"),
              V("invoice.withholdings.franchise", "0.50")])

BOOK.sections["IDE-NGAP-030"] = "Couvertures lues sur la carte"
nurse("IDE-NGAP-030", "ALD : AMI 4 et IFD en rapport avec l'ALD",
      "Les deux lignes en rapport avec l'ALD sont à 100 %.",
      "AMI 4 : 12.60 ; IFD 2.75 ; lignes ALD → 100 % ; MRO 15.35 ; patient 0.",
      card="vitale-ald", patient="p-ald", lines=[L("AMI", 1, "3.15", coefficient="4", ald="true"),
                                               L("IFD", 1, "2.75", ald="true")],
      tags="ngap infirmier ald", requirements=NGAP + " VF34.02",
      expect=[V("invoice.totals.amo", "15.35"), V("invoice.totals.patient", "0.00")])
nurse("IDE-NGAP-031", "Patient en ALD, soins sans rapport",
      "Sans indication ALD, taux de base.",
      "AMI 1 + IFD, taux de base 60 % : BR 5.90 ; MRO 1.89 + 1.65 = 3.54 ; patient 2.36.",
      card="vitale-ald", patient="p-ald", lines=[L("AMI", 1, "3.15"), IFD], tags="ngap infirmier ald hors-ald",
      expect=[V("invoice.lines[0].rate", "60"), V("invoice.totals.amo", "3.54")])
nurse("IDE-NGAP-032", "Alsace-Moselle : AMI 1 et IFD à 90 %",
      "Le régime local s'applique aux actes infirmiers (RG_VF674).",
      "AMI 3.15 × 0.90 = 2.835 → 2.84 ; IFD 2.75 × 0.90 = 2.475 → 2.48 ; MRO 5.32 ; patient 0.58.",
      card="vitale-alsace", patient="p-alsace", lines=[L("AMI", 1, "3.15"), IFD],
      tags="ngap infirmier alsace-moselle", requirements=NGAP + " RG_VF674",
      expect=[V("invoice.totals.amo", "5.32"), V("invoice.totals.patient", "0.58")])
nurse("IDE-NGAP-033", "Alsace-Moselle : AIS 1 et IFD, arrondi commercial",
      "2.385 arrondi commercial → 2.39.",
      "AIS 2.65 × 0.90 = 2.385 → 2.39 ; IFD 2.475 → 2.48 ; MRO 4.87 ; BR 5.40 ; patient 0.53.",
      card="vitale-alsace", patient="p-alsace", lines=[L("AIS", 1, "2.65"), IFD], rounding="half-up",
      tags="ngap infirmier alsace-moselle arrondi", requirements=NGAP + " RG_VF674",
      expect=[V("invoice.lines[0].amo", "2.39"), V("invoice.totals.amo", "4.87")])
nurse("IDE-NGAP-034", "Alsace-Moselle : AIS 1 et IFD, arrondi au pair",
      "2.385 au pair → 2.38 ; 2.475 au pair → 2.48 : un seul des deux centimes change.",
      "AIS 2.385 → 2.38 (8 pair) ; IFD 2.475 → 2.48 (8 pair) ; MRO 4.86 ; patient 0.54.",
      card="vitale-alsace", patient="p-alsace", lines=[L("AIS", 1, "2.65"), IFD], rounding="half-even",
      tags="ngap infirmier alsace-moselle arrondi", requirements=NGAP + " RG_VF674",
      expect=[V("invoice.lines[0].amo", "2.38"), V("invoice.lines[1].amo", "2.48"),
              V("invoice.totals.amo", "4.86")])
nurse("IDE-NGAP-035", "C2S : AMI 2 et IFD",
      "Tiers payant intégral : la C2S paie le ticket modérateur.",
      "BR 9.05 ; MRO 5.43 ; C2S 3.62 ; patient 0.",
      card="vitale-c2s", patient="p-c2s", lines=[L("AMI", 1, "3.15", coefficient="2"), IFD],
      tiers_payant="amo+amc", tags="ngap infirmier c2s", requirements=NGAP + " SP03",
      expect=[V("invoice.totals.amc", "3.62"), V("invoice.totals.patient", "0.00")])
nurse("IDE-NGAP-036", "Maternité : AIS 3 et IFD pendant la période",
      "Nature d'assurance maternité : 100 %, pas de franchise.",
      "2026-07-01 : AIS 3 = 7.95 ; IFD 2.75 ; 100 % → MRO 10.70 ; patient 0 ; franchise 0 (période de maternité).",
      card="vitale-maternity", patient="p-maternity", lines=[L("AIS", 1, "2.65", coefficient="3"), IFD],
      date="2026-07-01", tags="ngap infirmier maternite", requirements=NGAP + " RG_VF651",
      expect=[V("invoice.totals.amo", "10.70"), V("invoice.totals.patient", "0.00"),
              V("invoice.withholdings.franchise", "0.00"),
              V("invoice.nature_assurance", "30", type_="string")])
nurse("IDE-NGAP-037", "AT/MP : AMI 2 et IFD pendant la période AT",
      "Nature d'assurance AT/MP : 100 %.",
      "2026-10-05 : BR 9.05 → 100 % ; MRO 9.05 ; patient 0.",
      card="vitale-atmp", patient="p-atmp", lines=[L("AMI", 1, "3.15", coefficient="2"), IFD], date="2026-10-05",
      tags="ngap infirmier atmp", requirements=NGAP + " RG_VF651",
      expect=[V("invoice.totals.amo", "9.05"), V("invoice.totals.patient", "0.00"),
              V("invoice.nature_assurance", "41", type_="string")])
nurse("IDE-NGAP-038", "Enfant ayant droit (rang 3) : AMI 1 et IFD",
      "Un mineur : mêmes parts, pas de franchise.",
      "Rang 3 de la carte familiale (né en 2015) : BR 5.90 ; MRO 3.54 ; patient 2.36 ; franchise 0 (moins de 18 ans).",
      card="vitale-family", patient="p-fam-3", rank=3, lines=[L("AMI", 1, "3.15"), IFD],
      tags="ngap infirmier ayant-droit mineur",
      expect=[V("vitale.beneficiaries[2].rank", "3", step="s-vitale"), V("invoice.totals.amo", "3.54"),
              V("invoice.withholdings.franchise", "0.00")])
nurse("IDE-NGAP-039", "Régime minier : AMI 1 et IFD à 100 %",
      "Le régime 07 prend en charge les soins infirmiers à 100 %.",
      "BR 5.90 → 100 % ; MRO 5.90 ; patient 0.",
      card="vitale-mines", patient="p-mines", lines=[L("AMI", 1, "3.15"), IFD], tags="ngap infirmier regime-07",
      requirements=NGAP + " RG_VF652",
      expect=[V("invoice.totals.amo", "5.90"), V("invoice.totals.patient", "0.00")])
nurse("IDE-NGAP-040", "AMC ticket modérateur en tiers payant intégral",
      "Contrat complémentaire « tm » : l'AMC paie le TM des actes infirmiers.",
      "AMI 2 + IFD : BR 9.05 ; MRO 5.43 ; AMC 3.62 ; patient 0.",
      **STD, lines=[L("AMI", 1, "3.15", coefficient="2"), IFD], tiers_payant="amo+amc", amc="tm",
      tags="ngap infirmier amc",
      expect=[V("invoice.totals.amc", "3.62"), V("invoice.totals.patient", "0.00")])

BOOK.sections["IDE-NGAP-050"] = "Sans carte Vitale"
nurse("IDE-NGAP-050", "Dégradé : bénéficiaire exonéré, AMI 2 et IFD",
      "Droits saisis : exonéré → 100 %.",
      "BR 9.05 → 100 % ; MRO 9.05 ; patient 0.",
      card=None, patient="p-exo", lines=[L("AMI", 1, "3.15", coefficient="2"), IFD],
      tags="ngap infirmier degrade exonere",
      requirements=NGAP + " RG_VF653",
      expect=[V("invoice.totals.amo", "9.05"), V("invoice.totals.patient", "0.00")])
nurse("IDE-NGAP-051", "Dégradé : ASPA, AMI 2 et IFD à 80 %",
      "Taux ASPA de 80 % appliqué aux actes infirmiers (RG_VF675, règle des établissements) : "
      "hypothèse testbench, non vérifiée en ville.",
      "AMI 6.30 × 0.80 = 5.04 ; IFD 2.75 × 0.80 = 2.20 ; MRO 7.24 ; patient 1.81.",
      card=None, patient="p-aspa", lines=[L("AMI", 1, "3.15", coefficient="2"), IFD],
      tags="ngap infirmier degrade aspa",
      requirements=NGAP + " RG_VF675",
      expect=[V("invoice.totals.amo", "7.24"), V("invoice.totals.patient", "1.81")])
nurse("IDE-NGAP-052", "Dégradé : AMI au 2024-01-28, première date où sa valeur est attestée",
      "La valeur 3.15 est attestée en vigueur à partir du 2024-01-28 (sa date d'effet réelle n'est pas vérifiée).",
      "2024-01-28 : AMI 1 3.15 → 1.89 ; IFD (depuis le 2023-08-28) → 1.65 ; MRO 3.54.",
      card=None, patient="p-hist", lines=[L("AMI", 1, "3.15"), IFD], date="2024-01-28",
      tags="ngap infirmier date degrade",
      expect=[V("invoice.totals.amo", "3.54")])
nurse("IDE-NGAP-053", "Dégradé : AMI avant le 2024-01-28 : tarifé, date d'effet non vérifiée",
      "La date d'effet de la valeur 3.15 n'est pas dans nos sources, qui l'attestent à partir du 2024-01-28 : "
      "l'acte est tarifé avec un avertissement, jamais refusé pour un trou de la table.",
      "Soins du 2024-01-27 : AMI 1 3.15 → 1.89 ; IFD (depuis le 2023-08-28) → 1.65 ; MRO 3.54 ; avertissement "
      "TARIFF_START_UNVERIFIED sur la ligne 1 (date d'effet non vérifiée).",
      card=None, patient="p-hist", lines=[L("AMI", 1, "3.15"), IFD], date="2024-01-27",
      tags="ngap infirmier date degrade avertissement", requirements="TB-NGAP-DATE-EFFET",
      expect=[V("invoice.totals.amo", "3.54"),
              V("invoice.warnings[0].code", "TARIFF_START_UNVERIFIED", type_="string"),
              V("invoice.warnings[0].line", "1", type_="integer")])
nurse("IDE-NGAP-054", "SESAM sans Vitale : ADRi puis AMI 1 et IFD",
      "L'ADRi précède la facture d'un patient sans carte.",
      "ADRi ciblée ; BR 5.90 ; MRO 3.54 ; patient 2.36.",
      card=None, mode="sesam-sans-vitale", patient="p-deg", lines=[L("AMI", 1, "3.15"), IFD],
      tags="ngap infirmier ssv adri",
      expect=[V("invoice.totals.amo", "3.54"), V("invoice.totals.patient", "2.36")])
BOOK.cases[-1].steps.insert(2, el("adri", "s-adri", patient="p-deg", care_date="2026-02-02", query="cible"))

BOOK.sections["IDE-NGAP-070"] = "Refus propres aux actes infirmiers"
nurse("IDE-NGAP-070", "Lettre-clé inconnue : refus",
      "Une lettre-clé absente de la table et sans tarif fixé est refusée.",
      "AMZ n'existe pas dans la table NGAP et la ligne ne porte pas de tarif → UNKNOWN_CODE.",
      **STD, lines=[L("AMZ", 1, "3.15")], tags="ngap infirmier refus", requirements="TB-REFUS-UNKNOWN_CODE",
      expect=[refusal("UNKNOWN_CODE")])
nurse("IDE-NGAP-071", "Majoration de coordination sans acte avant elle : refus",
      "La MCI placée en première ligne ne suit aucun acte (RG_MF620 CP01).",
      "Ligne 1 MCI, ligne 2 AMI 4 : la majoration précède l'acte → MAJORATION_WITHOUT_ACT.",
      **STD, lines=[L("MCI", 1, "5.00"), L("AMI", 1, "3.15", coefficient="4")], tags="ngap infirmier majoration refus",
      requirements="RG_MF620 TB-REFUS-MAJORATION_WITHOUT_ACT",
      expect=[refusal("MAJORATION_WITHOUT_ACT")])
nurse("IDE-NGAP-072", "MAU avec deux actes le même jour : refus",
      "Règle de testbench, non vérifiée (pas un texte de la NGAP) : une MAU par passage à acte unique, autant de "
      "MAU que d'actes dans la journée ; deux actes et une seule MAU sont refusés.",
      "AMI 1 × 2 le même jour, puis MAU → MAJORATION_NOT_APPLICABLE.",
      **STD, lines=[L("AMI", 2, "3.15"), L("MAU", 1, "1.35")], tags="ngap infirmier majoration refus",
      requirements="RG_MF620 TB-REFUS-MAJORATION_NOT_APPLICABLE",
      expect=[refusal("MAJORATION_NOT_APPLICABLE")])
nurse("IDE-NGAP-073", "IFD et IK sans soin le même jour : refus",
      "Une indemnité de déplacement accompagne un soin au domicile du même jour.",
      "IFD et IK 8 km seules sur la facture → TRAVEL_WITHOUT_ACT.",
      **STD, lines=[IFD, L("IK", 8, "0.35")], tags="ngap infirmier deplacement refus",
      requirements="TB-REFUS-TRAVEL_WITHOUT_ACT",
      expect=[refusal("TRAVEL_WITHOUT_ACT")])
nurse("IDE-NGAP-074", "IFD datée d'un autre jour que l'acte : refus",
      "L'acte du 2026-02-02 ne justifie pas une IFD du 2026-02-03.",
      "AMI 1 le 2026-02-02, IFD le 2026-02-03 → TRAVEL_WITHOUT_ACT.",
      **STD, lines=[L("AMI", 1, "3.15", date="2026-02-02"), L("IFD", 1, "2.75", date="2026-02-03")],
      date="2026-02-03", tags="ngap infirmier deplacement refus", requirements="TB-REFUS-TRAVEL_WITHOUT_ACT",
      expect=[refusal("TRAVEL_WITHOUT_ACT")])
nurse("IDE-NGAP-075", "Patiente C2S : acte facturé au-dessus de la valeur : refus",
      "Aucun dépassement n'est permis pour un bénéficiaire de la C2S.",
      "AMI 1 facturé 4.00 (valeur 3.15) : dépassement 0.85 → DEPASSEMENT_NOT_ALLOWED_C2S.",
      card="vitale-c2s", patient="p-c2s", lines=[L("AMI", 1, "4.00"), IFD], tiers_payant="amo+amc",
      tags="ngap infirmier c2s refus",
      requirements="SP03 TB-REFUS-DEPASSEMENT_NOT_ALLOWED_C2S",
      expect=[refusal("DEPASSEMENT_NOT_ALLOWED_C2S")])

BOOK.sections["IDE-NGAP-080"] = "Valeurs DOM, zones d'indemnités kilométriques, majoration rattachée à son acte"
IFD_DOM = L("IFD", 1, "2.75", dom="true")
nurse("IDE-NGAP-080", "DOM : AMI 1 et IFD aux valeurs DOM",
      "Dans un DOM, l'AMI vaut 3.30 ; l'IFD garde 2.75.",
      "AMI DOM 3.30 → 1.98 ; IFD DOM 2.75 → 1.65 ; BR 6.05 ; MRO 3.63 ; patient 2.42.",
      **STD, lines=[L("AMI", 1, "3.30", dom="true"), IFD_DOM], tags="ngap infirmier dom",
      requirements=NGAP + " TB-NGAP-DOM",
      expect=[V("invoice.lines[0].tariff", "3.30"), V("invoice.totals.amo", "3.63"),
              V("invoice.totals.patient", "2.42")])
nurse("IDE-NGAP-081", "DOM : AIS 3 et IFD",
      "AIS vaut 2.70 dans un DOM.",
      "AIS 3 DOM : 2.70 × 3 = 8.10 → 4.86 ; IFD → 1.65 ; BR 10.85 ; MRO 6.51 ; patient 4.34.",
      **STD, lines=[L("AIS", 1, "2.70", coefficient="3", dom="true"), IFD_DOM], tags="ngap infirmier dom",
      requirements=NGAP + " TB-NGAP-DOM",
      expect=[V("invoice.totals.base", "10.85"), V("invoice.totals.amo", "6.51"), V("invoice.totals.patient", "4.34")])
nurse("IDE-NGAP-082", "DOM : forfait BSC et IFD",
      "BSC vaut 29.25 dans un DOM.",
      "BSC DOM 29.25 → 17.55 ; IFD → 1.65 ; BR 32.00 ; MRO 19.20 ; patient 12.80.",
      **STD, lines=[L("BSC", 1, "29.25", dom="true"), IFD_DOM], tags="ngap infirmier dom bsi",
      requirements=NGAP + " TB-NGAP-DOM",
      expect=[V("invoice.totals.amo", "19.20"), V("invoice.totals.patient", "12.80")])
nurse("IDE-NGAP-083", "DOM : MAU sans valeur DOM publiée garde sa valeur de métropole",
      "AMI DOM 3.30 puis MAU : la MAU reste à 1.35.",
      "AMI DOM 3.30 → 1.98 ; MAU 1.35 → 0.81 ; BR 4.65 ; MRO 2.79 ; patient 1.86.",
      **STD, lines=[L("AMI", 1, "3.30", dom="true"), L("MAU", 1, "1.35", dom="true")],
      tags="ngap infirmier dom mau", requirements=NGAP + " TB-NGAP-DOM RG_MF620",
      expect=[V("invoice.lines[1].tariff", "1.35"), V("invoice.totals.amo", "2.79")])
nurse("IDE-NGAP-084", "IK en montagne : 10 km à 0.50",
      "La zone montagne donne sa valeur à l'indemnité kilométrique.",
      "AMI 1 → 1.89 ; IFD → 1.65 ; IK montagne 0.50 × 10 = 5.00 → 3.00 ; BR 10.90 ; MRO 6.54 ; patient 4.36.",
      **STD, lines=[L("AMI", 1, "3.15"), IFD, L("IK", 10, "0.50", travel="montagne")],
      tags="ngap infirmier ik montagne",
      requirements=NGAP + " TB-NGAP-IK",
      expect=[V("invoice.lines[2].base", "5.00"), V("invoice.totals.amo", "6.54"), V("invoice.totals.patient", "4.36")])
nurse("IDE-NGAP-085", "IK à pied ou à ski : 2 km à 3.40",
      "Le déplacement à pied ou à ski a sa propre valeur kilométrique.",
      "AMI 1 → 1.89 ; IFD → 1.65 ; IK pied-ski 3.40 × 2 = 6.80 → 4.08 ; BR 12.70 ; MRO 7.62 ; patient 5.08.",
      **STD, lines=[L("AMI", 1, "3.15"), IFD, L("IK", 2, "3.40", travel="pied-ski")], tags="ngap infirmier ik pied-ski",
      requirements=NGAP + " TB-NGAP-IK",
      expect=[V("invoice.lines[2].base", "6.80"), V("invoice.totals.amo", "7.62")])
nurse("IDE-NGAP-086", "IK en plaine déclarée : valeur de base",
      "La zone plaine est la valeur de la table (0.35).",
      "AMI 1 → 1.89 ; IK plaine 0.35 × 10 = 3.50 → 2.10 ; BR 6.65 ; MRO 3.99 ; patient 2.66.",
      **STD, lines=[L("AMI", 1, "3.15"), L("IK", 10, "0.35", travel="plaine")], tags="ngap infirmier ik",
      requirements=NGAP + " TB-NGAP-IK",
      expect=[V("invoice.totals.amo", "3.99"), V("invoice.totals.patient", "2.66")])
nurse("IDE-NGAP-087", "DOM et montagne : IK 4 km à 0.50",
      "Un DOM en montagne : la valeur DOM + montagne.",
      "AMI DOM 3.30 → 1.98 ; IFD DOM → 1.65 ; IK DOM montagne 0.50 × 4 = 2.00 → 1.20 ; BR 8.05 ; MRO 4.83 ; "
      "patient 3.22.",
      **STD, lines=[L("AMI", 1, "3.30", dom="true"), IFD_DOM, L("IK", 4, "0.50", dom="true", travel="montagne")],
      tags="ngap infirmier dom ik montagne", requirements=NGAP + " TB-NGAP-DOM TB-NGAP-IK",
      expect=[V("invoice.totals.amo", "4.83"), V("invoice.totals.patient", "3.22")])
nurse("IDE-NGAP-088", "DOM à pied ou à ski : IK 3 km à 3.66",
      "La valeur DOM pied-ski (3.66) diffère de celle de métropole (3.40).",
      "AMI DOM → 1.98 ; IFD DOM → 1.65 ; IK 3.66 × 3 = 10.98 → 6.588 → 6.59 ; BR 17.03 ; MRO 10.22 ; patient 6.81.",
      **STD, lines=[L("AMI", 1, "3.30", dom="true"), IFD_DOM, L("IK", 3, "3.66", dom="true", travel="pied-ski")],
      tags="ngap infirmier dom ik pied-ski", requirements=NGAP + " TB-NGAP-DOM TB-NGAP-IK",
      expect=[V("invoice.lines[2].amo", "6.59"), V("invoice.totals.amo", "10.22")])
nurse("IDE-NGAP-089", "Zone de déplacement sur un acte : refus",
      "Une zone de déplacement ne s'applique qu'aux indemnités de déplacement.",
      "AMI avec travel=montagne → TRAVEL_ZONE_NOT_APPLICABLE.",
      **STD, lines=[L("AMI", 1, "3.15", travel="montagne"), IFD], tags="ngap infirmier ik refus",
      requirements="TB-REFUS-TRAVEL_ZONE_NOT_APPLICABLE", expect=[refusal("TRAVEL_ZONE_NOT_APPLICABLE")])
nurse("IDE-NGAP-090", "IFD en zone montagne : refus",
      "L'IFD est forfaitaire : elle n'a pas de valeur par zone.",
      "IFD avec travel=montagne → TRAVEL_ZONE_NOT_APPLICABLE.",
      **STD, lines=[L("AMI", 1, "3.15"), L("IFD", 1, "2.75", travel="montagne")], tags="ngap infirmier ifd refus",
      requirements="TB-REFUS-TRAVEL_ZONE_NOT_APPLICABLE", expect=[refusal("TRAVEL_ZONE_NOT_APPLICABLE")])
nurse("IDE-NGAP-091", "MCI rattachée à la deuxième ligne d'acte",
      "majoration-of nomme l'acte que la majoration suit. AMI 4 et AIS 3 à deux passages distincts du jour, "
      "chacun à sa pleine valeur (pas deux actes d'une même séance).",
      "AMI 4 : 12.60 → 7.56 ; AIS 3 : 7.95 → 4.77 ; MCI (de la ligne 2) 5.00 → 3.00 ; BR 25.55 ; MRO 15.33 ; "
      "patient 10.22.",
      **STD, lines=[L("AMI", 1, "3.15", coefficient="4"), L("AIS", 1, "2.65", coefficient="3"),
                    L("MCI", 1, "5.00", majoration_of="2")],
      tags="ngap infirmier mci majoration", requirements=NGAP + " RG_MF620",
      expect=[V("invoice.totals.amo", "15.33"), V("invoice.totals.patient", "10.22")])
nurse("IDE-NGAP-092", "MCI rattachée à une indemnité de déplacement : refus",
      "Une majoration suit un acte, pas un déplacement.",
      "Ligne 1 IFD, ligne 2 AMI 1, MCI majoration-of=1 (l'IFD) → MAJORATION_WITHOUT_ACT.",
      **STD, lines=[IFD, L("AMI", 1, "3.15"), L("MCI", 1, "5.00", majoration_of="1")],
      tags="ngap infirmier mci majoration refus", requirements="RG_MF620 TB-REFUS-MAJORATION_WITHOUT_ACT",
      expect=[refusal("MAJORATION_WITHOUT_ACT")])
