"""psad-fse-degrade.xml: LPP invoices without a Vitale card (dégradé) and SESAM sans Vitale with ADRi."""

from __future__ import annotations

from bundled_cases.common import ASPA_UNVERIFIED, CARDS, LOCAL_LPP_UNVERIFIED, PATIENTS, fse
from bundled_cases.model import Book, L, V, el, refusal

HEADER = """
Cahier PSAD/MAD de testbench : FSE LPP en mode DÉGRADÉ et SESAM SANS VITALE, format version 1.

Ce fichier n'est PAS un document du CNDA. Sans carte Vitale, les droits du patient sont ceux des fixtures
ci-dessous (saisis par l'opérateur en dégradé, obtenus par ADRi en SESAM sans Vitale) : ils portent les
couvertures qu'aucune carte de test ne porte (bénéficiaire exonéré, ASPA, prévention, régime minier,
combinaisons ALD / Alsace-Moselle / maternité / AT / C2S, périodes de droits et d'ALD datées, tarifs
historiques). Règles et codes : docs/reference-engine.md (RG_VF644, RG_VF670, ordre de décision
RG_VF650 à RG_VF675, RG_VF_CC15 pour les codes d'exonération de ligne). Personnes et NIR fictifs.
"""

BOOK = Book(
    filename="psad-fse-degrade.xml",
    plan_id="TB-PSAD-FSE-DEG-001",
    title="PSAD/MAD : FSE LPP en mode dégradé et SESAM sans Vitale (pas un document CNDA)",
    ps_category="fournisseur-lpp",
    header=HEADER,
    fixtures=CARDS + "\n" + PATIENTS,
)

c = BOOK.cases.append

BOOK.sections["PSAD-DEG-001"] = "Dégradé : assuré standard"
c(fse("PSAD-DEG-001", "Dégradé : PPC 8 semaines, droits saisis",
      "Sans carte Vitale, les droits saisis donnent le taux de base.",
      "1113930 × 8 = 168.00 (RG_VF644) ; MRO = 168.00 × 0.60 = 100.80 (RG_VF670) ; patient 67.20.",
      card=None, patient="p-deg", lines=[L("1113930", 8, "21.00")], tags="lpp degrade ppc",
      expect=[V("invoice.totals.amo", "100.80"), V("invoice.totals.patient", "67.20")]))
c(fse("PSAD-DEG-002", "Dégradé : oxygène liquide 3 semaines sans tiers payant",
      "Facture dégradée sans tiers payant : le patient avance tout.",
      "1130220 × 3 = 326.70 ; MRO = 326.70 × 0.60 = 196.02 ; patient 130.68.",
      card=None, patient="p-deg", lines=[L("1130220", 3, "108.90")], tiers_payant="none",
      tags="lpp degrade oxygene sans-tiers-payant",
      expect=[V("invoice.totals.amo", "196.02"), V("invoice.totals.patient", "130.68")]))

BOOK.sections["PSAD-DEG-010"] = "Ordre de décision du taux (RG_VF650 à RG_VF675)"
c(fse("PSAD-DEG-010", "Bénéficiaire exonéré (invalidité) : lit 4 semaines",
      "Un bénéficiaire exonéré est pris en charge à 100 % (code 5, RG_VF653).",
      "1241763 × 4 = 56.00 → 100 % ; MRO 56.00 ; patient 0.",
      card=None, patient="p-exo", lines=[L("1241763", 4, "14.00")], tags="lpp exonere",
      requirements="RG_VF670 RG_VF653",
      expect=[V("invoice.lines[0].rate", "100"), V("invoice.totals.amo", "56.00"),
              V("invoice.totals.patient", "0.00"),
              V("invoice.lines[0].exo", "5", type_="string")]))
c(fse("PSAD-DEG-011", "Bénéficiaire exonéré : dépassement d'un article sans PLV",
      "L'exonération couvre la BR, pas le dépassement.",
      "1231782 facturé 22.00 × 4 = 88.00 ; BR 70.12 → 100 % ; dépassement 17.88 = patient.",
      card=None, patient="p-exo", lines=[L("1231782", 4, "22.00")], tags="lpp exonere depassement",
      requirements="RG_VF670 RG_VF653",
      expect=[V("invoice.totals.amo", "70.12"), V("invoice.totals.patient", "17.88")]))
c(fse("PSAD-DEG-012", "Bénéficiaire exonéré et en ALD : ligne ALD",
      "Exonéré et en ALD : la ligne ALD garde le code 4, toujours à 100 % (RG_VF653).",
      "1188069 × 1 = 174.50, ligne ALD → 100 % ; MRO 174.50 ; patient 0.",
      card=None, patient="p-exo-ald", lines=[L("1188069", 1, "174.50", ald="true")], tags="lpp exonere ald",
      requirements="RG_VF670 RG_VF653",
      expect=[V("invoice.lines[0].rate", "100"), V("invoice.totals.amo", "174.50"),
              V("invoice.lines[0].exo", "4", type_="string")]))
c(fse("PSAD-DEG-013", "Bénéficiaire exonéré et en ALD : ligne hors ALD",
      "Hors ALD, l'exonération du bénéficiaire (code 5) donne aussi 100 %.",
      "1128104 × 2 = 90.00 → 100 % (exonéré) ; MRO 90.00 ; patient 0.",
      card=None, patient="p-exo-ald", lines=[L("1128104", 2, "45.00")], tags="lpp exonere",
      requirements="RG_VF670 RG_VF653",
      expect=[V("invoice.totals.amo", "90.00"), V("invoice.totals.patient", "0.00"),
              V("invoice.lines[0].exo", "5", type_="string")]))
c(fse("PSAD-DEG-014", "ASPA : lit 4 semaines à 80 %",
      f"Un bénéficiaire de l'ASPA ; {ASPA_UNVERIFIED}.",
      "1241763 × 4 = 56.00 ; taux ASPA 80 % : MRO = 56.00 × 0.80 = 44.80 ; patient 11.20.",
      card=None, patient="p-aspa", lines=[L("1241763", 4, "14.00")], tags="lpp aspa",
      requirements="RG_VF670 RG_VF675",
      expect=[V("invoice.lines[0].rate", "80"), V("invoice.totals.amo", "44.80"),
              V("invoice.totals.patient", "11.20")]))
c(fse("PSAD-DEG-015", "ASPA : arrondi de 14.024",
      f"Taux ASPA sur une BR non ronde ; {ASPA_UNVERIFIED}.",
      "1231782 × 1 = 17.53 ; MRO = 17.53 × 0.80 = 14.024 → 14.02 ; patient 3.51.",
      card=None, patient="p-aspa", lines=[L("1231782", 1, "17.53")], tags="lpp aspa arrondi",
      requirements="RG_VF670 RG_VF675",
      expect=[V("invoice.totals.amo", "14.02"), V("invoice.totals.patient", "3.51")]))
c(fse("PSAD-DEG-016", "Code d'exonération 9 (ASPA) porté par la ligne",
      f"Le justificatif 9 sur la ligne d'un assuré standard donne le taux ASPA ; {ASPA_UNVERIFIED}.",
      "1128104 × 1 = 45.00, exo 9 → 80 % ; MRO 36.00 ; patient 9.00.",
      card=None, patient="p-deg", lines=[L("1128104", 1, "45.00", exo="9")], tags="lpp aspa exo",
      requirements="RG_VF670 RG_VF675",
      expect=[V("invoice.lines[0].rate", "80"), V("invoice.totals.amo", "36.00"),
              V("invoice.lines[0].exo", "9", type_="string")]))
c(fse("PSAD-DEG-017", "Prévention : oxygénothérapie 2 semaines",
      "La nature d'assurance prévention donne 100 % (RG_VF651).",
      "1128104 × 2 = 90.00 → 100 % ; MRO 90.00 ; patient 0.",
      card=None, patient="p-prev", lines=[L("1128104", 2, "45.00")], tags="lpp prevention",
      requirements="RG_VF670 RG_VF651",
      expect=[V("invoice.lines[0].rate", "100"), V("invoice.totals.amo", "90.00"),
              V("invoice.nature_assurance", "90", type_="string")]))
c(fse("PSAD-DEG-018", "Régime minier saisi en dégradé : lit + 135 kg",
      "Le régime 07 saisi donne 100 % comme le régime lu sur la carte (RG_VF652).",
      "1249523 × 4 = 100.00 → 100 % ; MRO 100.00 ; patient 0.",
      card=None, patient="p-mines-deg", lines=[L("1249523", 4, "25.00")], tags="lpp regime-07",
      requirements="RG_VF670 RG_VF652",
      expect=[V("invoice.totals.amo", "100.00"), V("invoice.totals.patient", "0.00")]))
c(fse("PSAD-DEG-019", "Code d'exonération de ligne 3",
      "Tout justificatif autre que 0 et 9 implique 100 % (RG_VF_CC15).",
      "1153480 × 1 = 178.00, exo 3 → 100 % ; MRO 178.00 ; patient 0.",
      card=None, patient="p-deg", lines=[L("1153480", 1, "178.00", exo="3")], tags="lpp exo",
      requirements="RG_VF670 RG_VF_CC15",
      expect=[V("invoice.lines[0].rate", "100"), V("invoice.totals.amo", "178.00"),
              V("invoice.lines[0].exo", "3", type_="string")]))
c(fse("PSAD-DEG-020", "Code d'exonération de ligne C",
      "Le justificatif C (lettre) implique aussi 100 %.",
      "1136581 × 4 = 189.60, exo C → 100 % ; MRO 189.60 ; patient 0.",
      card=None, patient="p-deg", lines=[L("1136581", 4, "47.40", exo="C")], tags="lpp exo",
      requirements="RG_VF670 RG_VF_CC15",
      expect=[V("invoice.totals.amo", "189.60"), V("invoice.totals.patient", "0.00"),
              V("invoice.lines[0].exo", "C", type_="string")]))
c(fse("PSAD-DEG-021", "Code d'exonération de ligne 0 : pas d'exonération",
      "Le justificatif 0 ne change pas le taux de base.",
      "1241763 × 4 = 56.00, exo 0 → 60 % ; MRO 33.60 ; patient 22.40.",
      card=None, patient="p-deg", lines=[L("1241763", 4, "14.00", exo="0")], tags="lpp exo",
      requirements="RG_VF670 RG_VF_CC15",
      expect=[V("invoice.lines[0].rate", "60"), V("invoice.totals.amo", "33.60"),
              V("invoice.lines[0].exo", "0", type_="string")]))

BOOK.sections["PSAD-DEG-030"] = "Couvertures combinées : la première règle qui s'applique l'emporte"
c(fse("PSAD-DEG-030", "ALD et Alsace-Moselle : ligne ALD à 100 %, ligne hors ALD à 90 %",
      f"L'ALD (règle 5) passe avant le régime local (règle 6) ; {LOCAL_LPP_UNVERIFIED}.",
      "Ligne 1 : 1188069 174.50, ALD → 100 % = 174.50. Ligne 2 : 1205520 96.04 hors ALD → 90 % = 86.436 → 86.44. "
      "MRO 260.94 ; facturé 270.54 ; patient 9.60.",
      card=None, patient="p-ald-alsace", lines=[L("1188069", 1, "174.50", ald="true"), L("1205520", 1, "96.04")],
      tags="lpp ald alsace-moselle", requirements="RG_VF670 VF34.02 RG_VF674",
      expect=[V("invoice.lines[0].rate", "100"), V("invoice.lines[1].rate", "90"),
              V("invoice.totals.amo", "260.94"), V("invoice.totals.patient", "9.60")]))
c(fse("PSAD-DEG-031", "Maternité et ALD : la nature d'assurance l'emporte",
      "Maternité (règle 2) avant ALD (règle 5) : 100 % au titre de la maternité.",
      "1241763 × 4 = 56.00, ligne ALD, patiente en maternité → 100 % (nature 30, exo 0 : pas d'exonération) ; "
      "MRO 56.00 ; patient 0.",
      card=None, patient="p-mat-ald", lines=[L("1241763", 4, "14.00", ald="true")], tags="lpp maternite ald",
      requirements="RG_VF670 RG_VF651",
      expect=[V("invoice.lines[0].rate", "100"), V("invoice.totals.amo", "56.00"),
              V("invoice.nature_assurance", "30", type_="string"), V("invoice.lines[0].exo", "0", type_="string")]))
c(fse("PSAD-DEG-032", "AT/MP et Alsace-Moselle : l'AT l'emporte sur le régime local",
      f"AT/MP (règle 2) avant Alsace-Moselle (règle 6) : 100 % ; {LOCAL_LPP_UNVERIFIED}.",
      "AT depuis le 2026-01-10 (date d'accident : début de la période AT) ; 1128104 × 2 = 90.00 → 100 % ; "
      "MRO 90.00 ; patient 0.",
      card=None, patient="p-atmp-alsace", lines=[L("1128104", 2, "45.00")], tags="lpp atmp alsace-moselle",
      requirements="RG_VF670 RG_VF651 RG_VF674",
      expect=[V("invoice.lines[0].rate", "100"), V("invoice.totals.amo", "90.00")]))
c(fse("PSAD-DEG-033", "C2S et ALD : ligne ALD, rien pour la C2S",
      "À 100 %, le ticket modérateur est nul : la part C2S aussi.",
      "1113930 × 4 = 84.00, ALD → 100 % ; MRO 84.00 ; TM 0 → C2S 0.00 ; patient 0.",
      card=None, patient="p-c2s-ald", lines=[L("1113930", 4, "21.00", ald="true")], tiers_payant="amo+amc",
      tags="lpp c2s ald",
      requirements="RG_VF670 VF34.02 SP03",
      expect=[V("invoice.totals.amo", "84.00"), V("invoice.totals.amc", "0.00"),
              V("invoice.totals.patient", "0.00")]))
c(fse("PSAD-DEG-034", "C2S en Alsace-Moselle : 90 % puis TM à la C2S",
      f"Le régime local réduit le TM que paie la C2S ; {LOCAL_LPP_UNVERIFIED}.",
      "1241763 × 4 = 56.00 ; MRO 90 % = 50.40 ; TM 5.60 → C2S ; patient 0.",
      card=None, patient="p-c2s-alsace", lines=[L("1241763", 4, "14.00")], tiers_payant="amo+amc",
      tags="lpp c2s alsace-moselle",
      requirements="RG_VF670 RG_VF674 SP03",
      expect=[V("invoice.totals.amo", "50.40"), V("invoice.totals.amc", "5.60"),
              V("invoice.totals.patient", "0.00")]))

BOOK.sections["PSAD-DEG-040"] = "Dates : taux et tarifs historiques, périodes de droits"
c(fse("PSAD-DEG-040", "Taux de 65 % en 2010, arrondi commercial d'un demi-centime",
      "Avant le 2011-05-02 le taux LPP est 65 % ; 17.30 × 65 % tombe sur un demi-centime.",
      "2010-06-01, taux 65 % : 1231782 facturé 17.30 (sous le tarif 17.53) → BR 17.30 ; 17.30 × 0.65 = 11.245 → 11.25 "
      "(half-up) ; patient 6.05.",
      card=None, patient="p-hist", lines=[L("1231782", 1, "17.30")], date="2010-06-01", rounding="half-up",
      tags="lpp taux date arrondi",
      expect=[V("invoice.lines[0].rate", "65"), V("invoice.totals.amo", "11.25"),
              V("invoice.totals.patient", "6.05")]))
c(fse("PSAD-DEG-041", "Taux de 65 % en 2010, arrondi au pair",
      "Même facture, arrondi au pair : 11.245 → 11.24.",
      "2010-06-01 : BR 17.30 ; 17.30 × 0.65 = 11.245 → 11.24 (half-even, 4 est pair) ; patient 6.06.",
      card=None, patient="p-hist", lines=[L("1231782", 1, "17.30")], date="2010-06-01", rounding="half-even",
      tags="lpp taux date arrondi",
      expect=[V("invoice.totals.amo", "11.24"), V("invoice.totals.patient", "6.06")]))
c(fse("PSAD-DEG-042", "Dernier jour du taux de 65 % (2011-05-01)",
      "Le taux se choisit à la date des soins, borne comprise.",
      "2011-05-01, taux 65 % : 1205520 96.04 × 0.65 = 62.426 → 62.43 ; patient 33.61.",
      card=None, patient="p-hist", lines=[L("1205520", 1, "96.04")], date="2011-05-01", tags="lpp taux date",
      expect=[V("invoice.lines[0].rate", "65"), V("invoice.totals.amo", "62.43")]))
c(fse("PSAD-DEG-043", "Premier jour du taux de 60 % (2011-05-02)",
      "Le lendemain, le nouveau taux s'applique.",
      "2011-05-02, taux 60 % : 1205520 96.04 × 0.60 = 57.624 → 57.62 ; patient 38.42.",
      card=None, patient="p-hist", lines=[L("1205520", 1, "96.04")], date="2011-05-02", tags="lpp taux date",
      expect=[V("invoice.lines[0].rate", "60"), V("invoice.totals.amo", "57.62")]))
c(fse("PSAD-DEG-044", "Oxygène liquide la veille de son tarif : refus",
      "1130220 n'a de tarif qu'à partir du 2012-01-09.",
      "Soins du 2012-01-08 : aucune période de tarif → NO_TARIFF_AT_DATE.",
      card=None, patient="p-hist", lines=[L("1130220", 1, "108.90")], date="2012-01-08", tags="lpp date refus",
      requirements="TB-REFUS-NO_TARIFF_AT_DATE",
      expect=[refusal("NO_TARIFF_AT_DATE")]))
c(fse("PSAD-DEG-045", "Oxygène liquide le jour de son premier tarif",
      "Le tarif s'applique dès sa date de début.",
      "Soins du 2012-01-09 : 108.90 × 0.60 = 65.34 ; patient 43.56.",
      card=None, patient="p-hist", lines=[L("1130220", 1, "108.90")], date="2012-01-09", tags="lpp date",
      expect=[V("invoice.totals.amo", "65.34"), V("invoice.totals.patient", "43.56")]))
c(fse("PSAD-DEG-046", "Lignes datées dans la période de droits",
      "Chaque ligne est contrôlée à sa propre date (droits du 2026-01-01 au 2026-03-31).",
      "Lignes du 2026-01-05 et du 2026-03-30 : 1241763 × 1 = 14.00 → 8.40 chacune ; MRO 16.80 ; patient 11.20.",
      card=None, patient="p-window",
      lines=[L("1241763", 1, "14.00", date="2026-01-05"), L("1241763", 1, "14.00", date="2026-03-30")],
      date="2026-03-30", tags="lpp droits lignes-datees",
      expect=[V("invoice.totals.amo", "16.80"), V("invoice.totals.patient", "11.20")]))
c(fse("PSAD-DEG-047", "Ligne datée au lendemain de la fin des droits : refus",
      "Une ligne du 2026-04-01 sort de la période de droits.",
      "Droits jusqu'au 2026-03-31 ; ligne 2 du 2026-04-01 → RIGHTS_EXPIRED.",
      card=None, patient="p-window",
      lines=[L("1241763", 1, "14.00", date="2026-03-25"), L("1241763", 1, "14.00", date="2026-04-01")],
      date="2026-04-01", tags="lpp droits refus", requirements="TB-REFUS-RIGHTS_EXPIRED",
      expect=[refusal("RIGHTS_EXPIRED")]))
c(fse("PSAD-DEG-048", "Ligne datée la veille de l'ouverture des droits : refus",
      "Une ligne du 2025-12-31 précède la période de droits.",
      "Droits à partir du 2026-01-01 ; ligne du 2025-12-31 → RIGHTS_EXPIRED.",
      card=None, patient="p-window", lines=[L("1241763", 1, "14.00", date="2025-12-31")], date="2026-01-05",
      tags="lpp droits refus", requirements="TB-REFUS-RIGHTS_EXPIRED",
      expect=[refusal("RIGHTS_EXPIRED")]))
c(fse("PSAD-DEG-049", "Soins le dernier jour des droits",
      "La fin de droits est incluse.",
      "2026-03-31 : 1249523 × 1 = 25.00 → 15.00 ; patient 10.00.",
      card=None, patient="p-window", lines=[L("1249523", 1, "25.00")], date="2026-03-31", tags="lpp droits",
      expect=[V("invoice.totals.amo", "15.00"), V("invoice.totals.patient", "10.00")]))
c(fse("PSAD-DEG-050", "Patient sans dates de droits saisies",
      "Sans période de droits connue, aucun contrôle de date n'est fait.",
      "1128104 × 1 = 45.00 → 27.00 ; patient 18.00.",
      card=None, patient="p-nodate", lines=[L("1128104", 1, "45.00")], tags="lpp droits",
      expect=[V("invoice.totals.amo", "27.00"), V("invoice.totals.patient", "18.00")]))
c(fse("PSAD-DEG-051", "ALD datée : ligne ALD pendant la période d'ALD",
      "La période d'ALD (2026-02-01 → 2026-06-30) couvre la ligne.",
      "Soins du 2026-03-02 : 1113930 × 4 = 84.00, ALD → 100 % ; patient 0.",
      card=None, patient="p-ald-dated", lines=[L("1113930", 4, "21.00", ald="true")], date="2026-03-02",
      tags="lpp ald periode", requirements="RG_VF670 VF34.02",
      expect=[V("invoice.lines[0].rate", "100"), V("invoice.totals.amo", "84.00")]))
c(fse("PSAD-DEG-052", "ALD datée : ligne hors ALD avant la période",
      "Une ligne sans indication ALD avant la période suit le taux de base.",
      "Soins du 2026-01-15 : 1113930 × 4 = 84.00 → 60 % = 50.40 ; patient 33.60.",
      card=None, patient="p-ald-dated", lines=[L("1113930", 4, "21.00")], date="2026-01-15", tags="lpp ald periode",
      expect=[V("invoice.lines[0].rate", "60"), V("invoice.totals.amo", "50.40")]))

BOOK.sections["PSAD-DEG-060"] = "Tarifs et PLV fixés par le cahier"
c(fse("PSAD-DEG-060", "Code hors table avec tarif fixé par le cahier",
      "Un code absent de la table est facturable quand la ligne porte son tarif.",
      "Code 1299999, tarif 12.34 (fixé) : BR = 12.34 × 3 = 37.02 ; MRO = 22.212 → 22.21 ; patient 14.81.",
      card=None, patient="p-deg", lines=[L("1299999", 3, "12.34", tariff="12.34")], tags="lpp fixture",
      expect=[V("invoice.totals.base", "37.02"), V("invoice.totals.amo", "22.21"),
              V("invoice.totals.patient", "14.81")]))
c(fse("PSAD-DEG-061", "Tarif et PLV fixés, facturé au PLV",
      "Tarif 10.00 et PLV 12.00 donnés par la ligne : le prix au PLV est permis.",
      "Code 1299998 : facturé 12.00 × 2 = 24.00 ; BR 20.00 ; MRO 12.00 ; dépassement 4.00 ; patient 12.00.",
      card=None, patient="p-deg", lines=[L("1299998", 2, "12.00", tariff="10.00", plv="12.00")],
      tags="lpp fixture plv depassement",
      expect=[V("invoice.totals.depassement", "4.00"), V("invoice.totals.patient", "12.00")]))
c(fse("PSAD-DEG-062", "Tarif fixé qui remplace celui de la table",
      "Le tarif de la ligne l'emporte sur la table (14.00 pour ce code).",
      "1241763 au tarif fixé 15.00 (PLV 15.00) × 4 = 60.00 ; MRO 36.00 ; patient 24.00.",
      card=None, patient="p-deg", lines=[L("1241763", 4, "15.00", tariff="15.00", plv="15.00")], tags="lpp fixture",
      expect=[V("invoice.totals.base", "60.00"), V("invoice.totals.amo", "36.00")]))
c(fse("PSAD-DEG-063", "PLV retiré par la ligne : prix libre au-dessus du tarif",
      "plv=\"none\" sur la ligne : le PLV de la table (14.00) ne s'applique plus.",
      "1241763 facturé 16.00 × 2 = 32.00 ; BR 28.00 ; dépassement 4.00 ; MRO 16.80 ; patient 15.20.",
      card=None, patient="p-deg", lines=[L("1241763", 2, "16.00", plv="none")], tags="lpp fixture plv depassement",
      expect=[V("invoice.totals.depassement", "4.00"), V("invoice.totals.amo", "16.80"),
              V("invoice.totals.patient", "15.20")]))
c(fse("PSAD-DEG-064", "Tarif fixé sans PLV : prix libre",
      "plv=\"none\" sur une ligne à tarif fixé : pas de PLV, prix libre.",
      "Code 1299997, tarif 8.00, sans PLV : facturé 9.50 × 2 = 19.00 ; BR 16.00 ; MRO 9.60 ; patient 9.40.",
      card=None, patient="p-deg", lines=[L("1299997", 2, "9.50", tariff="8.00", plv="none")], tags="lpp fixture plv",
      expect=[V("invoice.totals.amo", "9.60"), V("invoice.totals.patient", "9.40")]))

BOOK.sections["PSAD-SSV-001"] = "SESAM sans Vitale : droits obtenus par ADRi"
for num, (pid, code, qty, price, amo, pat, what, tags) in enumerate(
    [
        ("p-exo", "1241763", 4, "14.00", "56.00", "0.00", "exonéré → 100 % : 56.00", "exonere"),
        ("p-aspa", "1128104", 1, "45.00", "36.00", "9.00", "ASPA → 80 % : 36.00", "aspa"),
        ("p-prev", "1113930", 4, "21.00", "84.00", "0.00", "prévention → 100 % : 84.00", "prevention"),
        ("p-deg", "1188069", 1, "174.50", "104.70", "69.80", "taux de base 60 % : 104.70", "standard"),
        ("p-mines-deg", "1136581", 2, "47.40", "94.80", "0.00", "régime 07 → 100 % : 94.80", "regime-07"),
    ],
    start=1,
):
    c(fse(f"PSAD-SSV-00{num}", f"SESAM sans Vitale : ADRi puis facture ({tags})",
          "Sans carte Vitale, l'ADRi ciblée précède la facture ; les droits viennent du patient interrogé"
          + (f" ; {ASPA_UNVERIFIED}." if tags == "aspa" else "."),
          f"ADRi ciblée à la date des soins ; {code} × {qty} = {what} ; patient {pat}.",
          card=None, mode="sesam-sans-vitale", patient=pid, lines=[L(code, qty, price)], tags=f"lpp ssv adri {tags}",
          expect=[V("invoice.totals.amo", amo), V("invoice.totals.patient", pat)]))
    BOOK.cases[-1].steps.insert(2, el("adri", "s-adri", patient=pid, care_date="2026-02-02", query="cible"))
c(fse("PSAD-SSV-006", "SESAM sans Vitale : ADRi systématique puis facture hors droits",
      "L'ADRi systématique rend des droits fermés à la date des soins ; la facture est refusée.",
      "Droits du 2026-01-01 au 2026-03-31 ; soins du 2026-04-15 → RIGHTS_EXPIRED.",
      card=None, mode="sesam-sans-vitale", patient="p-window", lines=[L("1241763", 4, "14.00")], date="2026-04-15",
      tags="lpp ssv adri droits refus", requirements="TB-REFUS-RIGHTS_EXPIRED",
      expect=[refusal("RIGHTS_EXPIRED")]))
BOOK.cases[-1].steps.insert(2, el("adri", "s-adri", patient="p-window", care_date="2026-04-15", query="systematique"))
