"""psad-fse-securise.xml: LPP invoices in sécurisé mode (CPS + Vitale card read), one coverage per card."""

from __future__ import annotations

from bundled_cases.common import CARDS, LOCAL_LPP_UNVERIFIED, PATIENTS, fse
from bundled_cases.model import Book, L, V

HEADER = """
Cahier PSAD/MAD de testbench : FSE LPP en mode SÉCURISÉ (CPS + carte Vitale lue), format version 1.

Ce fichier n'est PAS un document du CNDA : les cahiers de tests de l'agrément ne sont pas publics. Chaque
cas lit la CPS du prestataire, présente son code (pris dans le profil de carte, jamais dans le cahier),
lit la carte Vitale, facture puis sécurise. Les tarifs LPP sont les valeurs historiques de l'instantané
SNDS embarquées par le moteur de référence (données de test, pas des prix actuels) ; taux, ordre de
décision et arrondis : docs/reference-engine.md (RG_VF644 BR, RG_VF670 MRO, RG_MF633 somme des lignes,
RG_VF650 à RG_VF675 ordre de décision du taux). Arrondi commercial au centime par ligne, puis somme.
Personnes, NIR et RPPS fictifs.
"""

BOOK = Book(
    filename="psad-fse-securise.xml",
    plan_id="TB-PSAD-FSE-SEC-001",
    title="PSAD/MAD : FSE LPP en mode sécurisé (pas un document CNDA)",
    ps_category="fournisseur-lpp",
    header=HEADER,
    fixtures=CARDS + "\n" + PATIENTS,
)

c = BOOK.cases.append
STD = {"card": "vitale-std", "patient": "p-std"}

BOOK.sections["PSAD-SEC-001"] = "Assuré standard : chaque forfait et article LPP de la table"
c(fse("PSAD-SEC-001", "Oxygénothérapie court terme, 3 forfaits hebdomadaires",
      "Forfait OCT 3.00 sur trois semaines, assuré au taux LPP de base.",
      "1128104 : 45.00 €/semaine, PLV = tarif. BR = 45.00 × 3 = 135.00 (RG_VF644) ; taux LPP 60 % ; "
      "MRO = Arrondi(135.00 × 0.60 ; 2) = 81.00 (RG_VF670) ; patient = 135.00 − 81.00 = 54.00.",
      **STD, lines=[L("1128104", 3, "45.00")], tags="lpp oxygene forfait",
      expect=[V("invoice.totals.base", "135.00"), V("invoice.totals.amo", "81.00"),
              V("invoice.totals.patient", "54.00")]))
c(fse("PSAD-SEC-002", "OLT poste fixe sur un trimestre (13 semaines)",
      "Forfait OLT 1.00 sur 13 semaines.",
      "1136581 : 47.40 €/semaine. BR = 47.40 × 13 = 616.20 ; MRO = 616.20 × 0.60 = 369.72 ; patient 246.48.",
      **STD, lines=[L("1136581", 13, "47.40")], tags="lpp oxygene forfait",
      expect=[V("invoice.totals.base", "616.20"), V("invoice.totals.amo", "369.72"),
              V("invoice.totals.patient", "246.48")]))
c(fse("PSAD-SEC-003", "OLT oxygène liquide, 2 forfaits",
      "Forfait OLT 2.00 sur deux semaines.",
      "1130220 : 108.90. BR = 217.80 ; MRO = 217.80 × 0.60 = 130.68 ; patient 87.12.",
      **STD, lines=[L("1130220", 2, "108.90")], tags="lpp oxygene forfait",
      expect=[V("invoice.totals.amo", "130.68"), V("invoice.totals.patient", "87.12")]))
c(fse("PSAD-SEC-004", "OLT de déambulation, 4 forfaits",
      "Forfait OLT 2.18 (déambulation) sur quatre semaines.",
      "1116680 : 77.00 (depuis le 2014-06-02). BR = 308.00 ; MRO = 184.80 ; patient 123.20.",
      **STD, lines=[L("1116680", 4, "77.00")], tags="lpp oxygene forfait",
      expect=[V("invoice.totals.amo", "184.80"), V("invoice.totals.patient", "123.20")]))
c(fse("PSAD-SEC-005", "PPC forfait 9.2 sur six mois (26 semaines)",
      "Forfait hebdomadaire PPC télé-observé 9.2.",
      "1100040 : 21.00. BR = 21.00 × 26 = 546.00 ; MRO = 327.60 ; patient 218.40.",
      **STD, lines=[L("1100040", 26, "21.00")], tags="lpp ppc forfait",
      expect=[V("invoice.totals.base", "546.00"), V("invoice.totals.amo", "327.60"),
              V("invoice.totals.patient", "218.40")]))
c(fse("PSAD-SEC-006", "Nutrition entérale : installation et première semaine avec pompe",
      "Deux forfaits sur la même facture, arrondi par ligne (RG_MF633).",
      "Ligne 1 : 1153480 178.00 → MRO 106.80. Ligne 2 : 1176876 83.24 → 83.24 × 0.60 = 49.944 → 49.94. "
      "Totaux : BR 261.24 ; MRO 106.80 + 49.94 = 156.74 ; patient 261.24 − 156.74 = 104.50.",
      **STD, lines=[L("1153480", 1, "178.00"), L("1176876", 1, "83.24")], tags="lpp nutrition multi-lignes",
      requirements="RG_VF644 RG_VF670 RG_MF633",
      expect=[V("invoice.lines[1].amo", "49.94"), V("invoice.totals.amo", "156.74"),
              V("invoice.totals.patient", "104.50")]))
c(fse("PSAD-SEC-007", "Nutrition entérale sans pompe, 5 semaines",
      "Forfait hebdomadaire sans pompe.",
      "1111902 : 61.13. BR = 61.13 × 5 = 305.65 ; MRO = 305.65 × 0.60 = 183.39 ; patient 122.26.",
      **STD, lines=[L("1111902", 5, "61.13")], tags="lpp nutrition forfait",
      expect=[V("invoice.totals.base", "305.65"), V("invoice.totals.amo", "183.39"),
              V("invoice.totals.patient", "122.26")]))
c(fse("PSAD-SEC-008", "Perfusion à domicile : formation technique initiale",
      "Forfait de formation, un seul acte.",
      "1146183 : 403.00. MRO = 403.00 × 0.60 = 241.80 ; patient 161.20.",
      **STD, lines=[L("1146183", 1, "403.00")], tags="lpp perfusion forfait",
      expect=[V("invoice.totals.amo", "241.80"), V("invoice.totals.patient", "161.20")]))
c(fse("PSAD-SEC-009", "Pompe à insuline, un forfait mensuel",
      "Forfait mensuel de pompe externe.",
      "1188069 : 174.50. MRO = 104.70 ; patient 69.80.",
      **STD, lines=[L("1188069", 1, "174.50")], tags="lpp insuline forfait",
      expect=[V("invoice.totals.amo", "104.70"), V("invoice.totals.patient", "69.80")]))
c(fse("PSAD-SEC-010", "Lit médical + 135 kg, 8 semaines",
      "Location hebdomadaire au tarif = PLV.",
      "1249523 : 25.00. BR = 200.00 ; MRO = 120.00 ; patient 80.00.",
      **STD, lines=[L("1249523", 8, "25.00")], tags="lpp location",
      expect=[V("invoice.totals.amo", "120.00"), V("invoice.totals.patient", "80.00")]))
c(fse("PSAD-SEC-011", "Livraison d'un lit au tarif (article sans PLV)",
      "Forfait de livraison facturé au tarif.",
      "1205520 : 96.04, PLV 0 = prix libre. MRO = 96.04 × 0.60 = 57.624 → 57.62 ; patient 38.42.",
      **STD, lines=[L("1205520", 1, "96.04")], tags="lpp livraison arrondi",
      expect=[V("invoice.totals.amo", "57.62"), V("invoice.totals.patient", "38.42"),
              V("invoice.totals.depassement", "0.00")]))
c(fse("PSAD-SEC-012", "Livraison d'un lit facturée 120.00 (sans PLV : dépassement permis)",
      "Un article sans PLV facturé au-dessus du tarif : la BR reste le tarif, le dépassement va au patient.",
      "1205520 sans PLV : facturé 120.00 ; BR = 96.04 ; dépassement = 120.00 − 96.04 = 23.96 ; MRO = 57.62 ; "
      "patient = 120.00 − 57.62 = 62.38 (TM 38.42 + dépassement 23.96).",
      **STD, lines=[L("1205520", 1, "120.00")], tags="lpp livraison depassement",
      expect=[V("invoice.totals.billed", "120.00"), V("invoice.totals.depassement", "23.96"),
              V("invoice.totals.amo", "57.62"), V("invoice.totals.patient", "62.38")]))
c(fse("PSAD-SEC-013", "Soulève-malade au-delà de 32 semaines, 4 semaines",
      "Code de location long (> 32 semaines) au tarif.",
      "1278654 : 10.82. BR = 43.28 ; MRO = 43.28 × 0.60 = 25.968 → 25.97 ; patient 17.31.",
      **STD, lines=[L("1278654", 4, "10.82")], tags="lpp location arrondi",
      expect=[V("invoice.totals.amo", "25.97"), V("invoice.totals.patient", "17.31")]))
c(fse("PSAD-SEC-014", "Déambulateur loué 10 semaines au tarif",
      "Petit tarif hebdomadaire sur dix semaines.",
      "1225646 : 2.21. BR = 22.10 ; MRO = 13.26 ; patient 8.84.",
      **STD, lines=[L("1225646", 10, "2.21")], tags="lpp location",
      expect=[V("invoice.totals.amo", "13.26"), V("invoice.totals.patient", "8.84")]))
c(fse("PSAD-SEC-015", "Déambulateur loué 10 semaines à 3.00 (dépassement)",
      "Même location facturée au-dessus du tarif d'un article sans PLV.",
      "1225646 : facturé 3.00 × 10 = 30.00 ; BR = 22.10 ; dépassement 7.90 ; MRO 13.26 ; "
      "patient = 30.00 − 13.26 = 16.74.",
      **STD, lines=[L("1225646", 10, "3.00")], tags="lpp location depassement",
      expect=[V("invoice.totals.depassement", "7.90"), V("invoice.totals.amo", "13.26"),
              V("invoice.totals.patient", "16.74")]))
c(fse("PSAD-SEC-016", "Nutrition orale au tarif (sous le PLV)",
      "Article à PLV supérieur au tarif, facturé au tarif : pas de dépassement.",
      "1105215 : tarif 4.07, PLV 5.07. BR = 4.07 × 10 = 40.70 ; MRO = 24.42 ; patient 16.28 ; dépassement 0.",
      **STD, lines=[L("1105215", 10, "4.07")], tags="lpp nutrition plv",
      expect=[V("invoice.totals.amo", "24.42"), V("invoice.totals.patient", "16.28"),
              V("invoice.totals.depassement", "0.00")]))
c(fse("PSAD-SEC-017", "Nutrition orale entre tarif et PLV",
      "Prix 4.50, entre le tarif 4.07 et le PLV 5.07 : permis, dépassement partiel.",
      "Facturé 4.50 × 10 = 45.00 ; BR = 40.70 ; dépassement 4.30 ; MRO 24.42 ; patient = 45.00 − 24.42 = 20.58.",
      **STD, lines=[L("1105215", 10, "4.50")], tags="lpp nutrition plv depassement",
      expect=[V("invoice.totals.depassement", "4.30"), V("invoice.totals.patient", "20.58")]))
c(fse("PSAD-SEC-018", "Fauteuil roulant électrique monte-marches (achat)",
      "Achat d'un montant élevé : arrondi sur quatre chiffres avant la virgule.",
      "4113920 : 5187.44. MRO = 5187.44 × 0.60 = 3112.464 → 3112.46 ; patient = 5187.44 − 3112.46 = 2074.98.",
      **STD, lines=[L("4113920", 1, "5187.44")], tags="lpp achat vph arrondi",
      expect=[V("invoice.totals.amo", "3112.46"), V("invoice.totals.patient", "2074.98")]))
c(fse("PSAD-SEC-019", "Installation au domicile : lit, livraison et soulève-malade (3 lignes)",
      "Trois lignes arrondies chacune, puis sommées (RG_MF633).",
      "Lit 1241763 × 4 = 56.00 → 33.60 ; livraison 1205520 96.04 → 57.62 ; soulève-malade 1231782 × 4 = 70.12 → "
      "42.072 → 42.07. BR 222.16 ; MRO 33.60 + 57.62 + 42.07 = 133.29 ; patient 88.87.",
      **STD, lines=[L("1241763", 4, "14.00"), L("1205520", 1, "96.04"), L("1231782", 4, "17.53")],
      tags="lpp multi-lignes", requirements="RG_VF644 RG_VF670 RG_MF633",
      expect=[V("invoice.totals.base", "222.16"), V("invoice.lines[2].amo", "42.07"),
              V("invoice.totals.amo", "133.29"), V("invoice.totals.patient", "88.87")]))
c(fse("PSAD-SEC-020", "OLT facturé sous le tarif : BR plafonnée au prix",
      "Le prix facturé (40.00) est inférieur au tarif (47.40) : l'AMO ne rembourse jamais plus que facturé.",
      "Règle ours : BR = min(47.40 ; 40.00) × 2 = 80.00 ; MRO 48.00 ; patient 32.00 ; facturé 80.00.",
      **STD, lines=[L("1136581", 2, "40.00")], tags="lpp prix-inferieur",
      expect=[V("invoice.totals.billed", "80.00"), V("invoice.totals.base", "80.00"),
              V("invoice.totals.amo", "48.00")]))
c(fse("PSAD-SEC-021", "Lit 2 semaines sans tiers payant",
      "Sans tiers payant, les montants ne changent pas : le patient avance tout.",
      "1241763 × 2 = 28.00 ; MRO 16.80 ; patient 11.20 (tiers payant none, DRG 10).",
      **STD, lines=[L("1241763", 2, "14.00")], tiers_payant="none", tags="lpp sans-tiers-payant",
      expect=[V("invoice.totals.amo", "16.80"), V("invoice.totals.patient", "11.20")]))
c(fse("PSAD-SEC-022", "Soulève-malade 33 semaines : code long et lignes datées",
      "Deux lignes datées : 32 semaines au code court, puis le code long.",
      "Ligne 1 : 1231782 × 32 = 560.96 → 336.576 → 336.58. Ligne 2 : 1278654 × 1 = 10.82 → 6.492 → 6.49. "
      "BR 571.78 ; MRO 343.07 ; patient 228.71.",
      **STD, lines=[L("1231782", 32, "17.53", date="2026-01-05"), L("1278654", 1, "10.82", date="2026-08-17")],
      date="2026-08-17", tags="lpp location lignes-datees",
      expect=[V("invoice.lines[0].amo", "336.58"), V("invoice.lines[1].amo", "6.49"),
              V("invoice.totals.amo", "343.07"), V("invoice.totals.patient", "228.71")]))

BOOK.sections["PSAD-SEC-030"] = "Alsace-Moselle (régime local, 90 %)"
ALS = {"card": "vitale-alsace", "patient": "p-alsace"}
c(fse("PSAD-SEC-030", "Alsace-Moselle : PPC 13 semaines",
      f"Régime local, nature d'assurance 13 (RG_VF674) ; {LOCAL_LPP_UNVERIFIED}.",
      "1113930 × 13 = 273.00 ; taux 90 % ; MRO = 245.70 (dont régime local 245.70 − 163.80 = 81.90) ; patient 27.30.",
      **ALS, lines=[L("1113930", 13, "21.00")], tags="lpp alsace-moselle ppc",
      requirements="RG_VF644 RG_VF670 RG_VF674",
      expect=[V("invoice.lines[0].rate", "90"), V("invoice.totals.amo", "245.70"),
              V("invoice.totals.patient", "27.30"),
              V("invoice.nature_assurance", "13", type_="string")]))
c(fse("PSAD-SEC-031", "Alsace-Moselle : oxygénothérapie court terme, 2 forfaits",
      f"Forfait OCT au taux local ; {LOCAL_LPP_UNVERIFIED}.",
      "1128104 × 2 = 90.00 ; MRO = 90.00 × 0.90 = 81.00 ; patient 9.00.",
      **ALS, lines=[L("1128104", 2, "45.00")], tags="lpp alsace-moselle oxygene",
      requirements="RG_VF644 RG_VF670 RG_VF674",
      expect=[V("invoice.totals.amo", "81.00"), V("invoice.totals.patient", "9.00")]))
c(fse("PSAD-SEC-032", "Alsace-Moselle : soulève-malade avec dépassement",
      f"Le taux local ne s'applique qu'à la BR ; le dépassement reste au patient ; {LOCAL_LPP_UNVERIFIED}.",
      "1231782 facturé 22.00 × 4 = 88.00 ; BR 70.12 ; MRO = 70.12 × 0.90 = 63.108 → 63.11 ; TM 7.01 ; "
      "dépassement 17.88 ; patient = 88.00 − 63.11 = 24.89.",
      **ALS, lines=[L("1231782", 4, "22.00")], tags="lpp alsace-moselle depassement",
      requirements="RG_VF644 RG_VF670 RG_VF674",
      expect=[V("invoice.totals.amo", "63.11"), V("invoice.totals.depassement", "17.88"),
              V("invoice.totals.patient", "24.89")]))
c(fse("PSAD-SEC-033", "Alsace-Moselle : arrondi commercial de 9.945",
      f"Déambulateur 5 semaines : 11.05 × 90 % tombe sur un demi-centime ; {LOCAL_LPP_UNVERIFIED}.",
      "1225646 × 5 = 11.05 ; 11.05 × 0.90 = 9.945 ; arrondi commercial (half-up) → 9.95 ; patient 1.10.",
      **ALS, lines=[L("1225646", 5, "2.21")], rounding="half-up", tags="lpp alsace-moselle arrondi",
      requirements="RG_VF670 RG_VF674",
      expect=[V("invoice.totals.amo", "9.95"), V("invoice.totals.patient", "1.10")]))
c(fse("PSAD-SEC-034", "Alsace-Moselle : même demi-centime en arrondi au pair",
      f"Le mode d'arrondi de la requête change le centime : 9.945 → 9.94 au pair ; {LOCAL_LPP_UNVERIFIED}.",
      "1225646 × 5 = 11.05 ; 11.05 × 0.90 = 9.945 ; arrondi au pair (half-even) → 9.94 ; patient 1.11.",
      **ALS, lines=[L("1225646", 5, "2.21")], rounding="half-even", tags="lpp alsace-moselle arrondi",
      requirements="RG_VF670 RG_VF674",
      expect=[V("invoice.totals.amo", "9.94"), V("invoice.totals.patient", "1.11")]))

BOOK.sections["PSAD-SEC-040"] = "ALD (exonération du ticket modérateur, code 4)"
ALD = {"card": "vitale-ald", "patient": "p-ald"}
c(fse("PSAD-SEC-040", "ALD : PPC 13 semaines en rapport avec l'ALD",
      "Une ligne en rapport avec l'ALD est prise en charge à 100 % (VF34.02).",
      "1113930 × 13 = 273.00 ; ligne ALD (droits ALD du 2024-03-01 au 2029-02-28) → 100 % ; MRO 273.00 ; patient 0.",
      **ALD, lines=[L("1113930", 13, "21.00", ald="true")], tags="lpp ald ppc",
      requirements="RG_VF644 RG_VF670 VF34.02",
      expect=[V("invoice.lines[0].rate", "100"), V("invoice.totals.amo", "273.00"),
              V("invoice.totals.patient", "0.00")]))
c(fse("PSAD-SEC-041", "ALD : pompe à insuline 3 mois",
      "Forfaits mensuels en rapport avec l'ALD.",
      "1188069 × 3 = 523.50 ; ligne ALD → 100 % ; MRO 523.50 ; patient 0.",
      **ALD, lines=[L("1188069", 3, "174.50", ald="true")], tags="lpp ald insuline",
      requirements="RG_VF644 RG_VF670 VF34.02",
      expect=[V("invoice.totals.amo", "523.50"), V("invoice.totals.patient", "0.00")]))
c(fse("PSAD-SEC-042", "ALD : une ligne en rapport, une sans rapport",
      "Le taux se décide ligne par ligne : 100 % pour l'ALD, 60 % pour le reste.",
      "Ligne 1 : lit 1241763 × 4 = 56.00, ALD → 100 % = 56.00. Ligne 2 : livraison 1205520 96.04, hors ALD → 60 % = "
      "57.62. "
      "MRO 113.62 ; patient = 152.04 − 113.62 = 38.42.",
      **ALD, lines=[L("1241763", 4, "14.00", ald="true"), L("1205520", 1, "96.04")], tags="lpp ald multi-lignes",
      requirements="RG_VF670 VF34.02 RG_MF633",
      expect=[V("invoice.lines[0].rate", "100"), V("invoice.lines[1].rate", "60"),
              V("invoice.totals.amo", "113.62"), V("invoice.totals.patient", "38.42")]))
c(fse("PSAD-SEC-043", "ALD par le code d'exonération 4 de la ligne",
      "Une ligne codée exo 4 (soins du protocole ALD) vaut une ligne ALD.",
      "1128104 × 1 = 45.00, exo 4 avec droits ALD → 100 % ; MRO 45.00 ; patient 0.",
      **ALD, lines=[L("1128104", 1, "45.00", exo="4")], tags="lpp ald exo",
      requirements="RG_VF670 VF34.02",
      expect=[V("invoice.lines[0].rate", "100"), V("invoice.totals.amo", "45.00"),
              V("invoice.lines[0].exo", "4", type_="string")]))
c(fse("PSAD-SEC-044", "ALD avec dépassement sur un article sans PLV",
      "L'ALD couvre la BR à 100 % ; le dépassement reste dû.",
      "1231782 facturé 20.00 × 2 = 40.00 ; BR = 17.53 × 2 = 35.06 → MRO 35.06 ; dépassement 4.94 = patient.",
      **ALD, lines=[L("1231782", 2, "20.00", ald="true")], tags="lpp ald depassement",
      requirements="RG_VF670 VF34.02",
      expect=[V("invoice.totals.amo", "35.06"), V("invoice.totals.depassement", "4.94"),
              V("invoice.totals.patient", "4.94")]))
c(fse("PSAD-SEC-045", "Patient en ALD, lit sans rapport avec l'ALD",
      "Sans indication ALD sur la ligne, le taux de base s'applique même à un patient en ALD.",
      "1249523 × 2 = 50.00 ; ligne hors ALD → 60 % ; MRO 30.00 ; patient 20.00.",
      **ALD, lines=[L("1249523", 2, "25.00")], tags="lpp ald hors-ald",
      expect=[V("invoice.lines[0].rate", "60"), V("invoice.totals.amo", "30.00")]))

BOOK.sections["PSAD-SEC-050"] = "C2S (tiers payant intégral, pas de dépassement)"
C2S = {"card": "vitale-c2s", "patient": "p-c2s"}
c(fse("PSAD-SEC-050", "C2S : PPC 4 semaines",
      "Le gestionnaire C2S paie le ticket modérateur ; rien pour le patient.",
      "1113930 × 4 = 84.00 ; MRO 50.40 ; TM 33.60 payé par la C2S (SP03) ; patient 0 ; tiers payant forcé AMO+AMC.",
      **C2S, lines=[L("1113930", 4, "21.00")], tiers_payant="amo+amc", tags="lpp c2s",
      requirements="RG_VF644 RG_VF670 SP03",
      expect=[V("invoice.totals.amo", "50.40"), V("invoice.totals.amc", "33.60"),
              V("invoice.totals.patient", "0.00")]))
c(fse("PSAD-SEC-051", "C2S : nutrition orale au tarif",
      "Article à PLV facturé au tarif : permis en C2S.",
      "1105215 × 10 = 40.70 ; MRO 24.42 ; C2S 16.28 ; patient 0.",
      **C2S, lines=[L("1105215", 10, "4.07")], tiers_payant="amo+amc", tags="lpp c2s plv", requirements="RG_VF670 SP03",
      expect=[V("invoice.totals.amc", "16.28"), V("invoice.totals.patient", "0.00")]))
c(fse("PSAD-SEC-052", "C2S : livraison de lit au tarif",
      "Article sans PLV facturé au tarif : pas de dépassement, donc permis.",
      "1205520 : 96.04 ; MRO 57.62 ; C2S 38.42 ; patient 0.",
      **C2S, lines=[L("1205520", 1, "96.04")], tiers_payant="amo+amc", tags="lpp c2s", requirements="RG_VF670 SP03",
      expect=[V("invoice.totals.amo", "57.62"), V("invoice.totals.amc", "38.42")]))
c(fse("PSAD-SEC-053", "Carte C2S, soins avant l'ouverture de la C2S",
      "La C2S ne vaut qu'à partir du 2026-01-01 : avant, facture ordinaire sans part C2S.",
      "Soins du 2025-12-15 : la période C2S (2026-01-01 → 2030-12-31) ne couvre pas la date. 1241763 × 4 = 56.00 ; "
      "MRO 33.60 ; AMC 0 ; patient 22.40.",
      **C2S, lines=[L("1241763", 4, "14.00")], date="2025-12-15", tags="lpp c2s periode",
      expect=[V("invoice.totals.amc", "0.00"), V("invoice.totals.patient", "22.40")]))
c(fse("PSAD-SEC-054", "Carte C2S, dépassement avant l'ouverture de la C2S",
      "Avant la période C2S, un dépassement n'est pas refusé.",
      "Soins du 2025-12-15, hors période C2S : 1231782 facturé 22.00 × 4 = 88.00 ; BR 70.12 ; dépassement 17.88 ; "
      "MRO 42.07 ; "
      "patient = 88.00 − 42.07 = 45.93.",
      **C2S, lines=[L("1231782", 4, "22.00")], date="2025-12-15", tags="lpp c2s periode depassement",
      expect=[V("invoice.totals.depassement", "17.88"), V("invoice.totals.patient", "45.93")]))

BOOK.sections["PSAD-SEC-060"] = "Maternité, AT/MP, régime minier"
c(fse("PSAD-SEC-060", "Maternité : lit 4 semaines pendant la période",
      "La nature d'assurance maternité donne 100 % (RG_VF651).",
      "Soins du 2026-07-01 dans la période (2026-06-01 → 2030-03-31) : 1241763 × 4 = 56.00 → 100 % ; patient 0.",
      card="vitale-maternity", patient="p-maternity", lines=[L("1241763", 4, "14.00")], date="2026-07-01",
      tags="lpp maternite", requirements="RG_VF670 RG_VF651",
      expect=[V("invoice.lines[0].rate", "100"), V("invoice.totals.amo", "56.00"),
              V("invoice.nature_assurance", "30", type_="string")]))
c(fse("PSAD-SEC-061", "Maternité : dépassement d'un article sans PLV",
      "100 % de la BR ; le dépassement reste au patient.",
      "2026-07-01 : 1231782 facturé 22.00 × 4 = 88.00 ; BR 70.12 → MRO 70.12 ; dépassement 17.88 = patient.",
      card="vitale-maternity", patient="p-maternity", lines=[L("1231782", 4, "22.00")], date="2026-07-01",
      tags="lpp maternite depassement", requirements="RG_VF670 RG_VF651",
      expect=[V("invoice.totals.amo", "70.12"), V("invoice.totals.patient", "17.88")]))
c(fse("PSAD-SEC-062", "AT/MP : lit + 135 kg pendant la période AT",
      "La nature d'assurance AT/MP donne 100 % (RG_VF651).",
      "Soins du 2026-10-05 dans la période AT (2026-09-14 → 2030-09-13) : 1249523 × 4 = 100.00 → 100 % ; patient 0.",
      card="vitale-atmp", patient="p-atmp", lines=[L("1249523", 4, "25.00")], date="2026-10-05",
      tags="lpp atmp", requirements="RG_VF670 RG_VF651",
      expect=[V("invoice.totals.amo", "100.00"), V("invoice.totals.patient", "0.00"),
              V("invoice.nature_assurance", "41", type_="string")]))
c(fse("PSAD-SEC-063", "Carte AT/MP, soins avant la période AT",
      "Avant la période AT, le taux de base s'applique.",
      "Soins du 2026-09-01 (AT à partir du 2026-09-14) : 1249523 × 4 = 100.00 → 60 % = 60.00 ; patient 40.00.",
      card="vitale-atmp", patient="p-atmp", lines=[L("1249523", 4, "25.00")], date="2026-09-01",
      tags="lpp atmp periode",
      expect=[V("invoice.lines[0].rate", "60"), V("invoice.totals.amo", "60.00")]))
c(fse("PSAD-SEC-064", "Régime minier (07) : lit 4 semaines",
      "Le régime 07 (CANSSM) prend en charge à 100 % (RG_VF652).",
      "Carte au régime 07 : 1241763 × 4 = 56.00 → 100 % (exo 6) ; MRO 56.00 ; patient 0.",
      card="vitale-mines", patient="p-mines", lines=[L("1241763", 4, "14.00")], tags="lpp regime-07",
      requirements="RG_VF670 RG_VF652",
      expect=[V("invoice.lines[0].rate", "100"), V("invoice.totals.amo", "56.00"),
              V("invoice.lines[0].exo", "6", type_="string")]))
c(fse("PSAD-SEC-065", "Régime minier (07) : soulève-malade avec dépassement",
      "100 % de la BR au régime 07 ; le dépassement reste dû.",
      "1231782 facturé 22.00 × 4 = 88.00 ; BR 70.12 → 70.12 ; dépassement 17.88 = patient.",
      card="vitale-mines", patient="p-mines", lines=[L("1231782", 4, "22.00")], tags="lpp regime-07 depassement",
      requirements="RG_VF670 RG_VF652",
      expect=[V("invoice.totals.amo", "70.12"), V("invoice.totals.patient", "17.88")]))

BOOK.sections["PSAD-SEC-070"] = "Carte familiale : ayants droit"
for rank, (name, code, qty, price, amo, pat, what) in enumerate(
    [
        ("CLAIRE (assurée)", "1128104", 1, "45.00", "27.00", "18.00", "45.00 × 0.60 = 27.00"),
        ("MARC (conjoint, NIR propre)", "1136581", 2, "47.40", "56.88", "37.92", "94.80 × 0.60 = 56.88"),
        ("LEO (enfant)", "1105215", 6, "4.07", "14.65", "9.77", "24.42 × 0.60 = 14.652 → 14.65"),
        ("EMMA (jumelle, rang de naissance 1)", "1225646", 3, "2.21", "3.98", "2.65", "6.63 × 0.60 = 3.978 → 3.98"),
        ("LOUIS (jumeau, rang de naissance 2)", "1249523", 1, "25.00", "15.00", "10.00", "25.00 × 0.60 = 15.00"),
    ],
    start=1,
):
    c(fse(f"PSAD-SEC-07{rank}", f"Carte familiale : bénéficiaire de rang {rank}, {name}",
          "La facture est au nom du bénéficiaire choisi sur la carte ; ses droits sont ceux de la carte.",
          f"Rang {rank} lu sur la carte familiale ; {code} × {qty} : {what} ; patient {pat}.",
          card="vitale-family", patient=f"p-fam-{rank}", rank=rank, lines=[L(code, qty, price)],
          tags="lpp ayant-droit famille",
          expect=[V(f"vitale.beneficiaries[{rank - 1}].rank", str(rank), step="s-vitale"),
                  V("invoice.totals.amo", amo), V("invoice.totals.patient", pat)]))

BOOK.sections["PSAD-SEC-080"] = "Complémentaire (AMC) : contrats et plafonds"
c(fse("PSAD-SEC-080", "AMC ticket modérateur en tiers payant intégral : PPC 13 semaines",
      "Le contrat « tm » paie le TM ; tiers payant AMO + AMC.",
      "1113930 × 13 = 273.00 ; MRO 163.80 ; AMC = TM = 109.20 ; patient 0.",
      **STD, lines=[L("1113930", 13, "21.00")], tiers_payant="amo+amc", amc="tm", tags="lpp amc tiers-payant",
      expect=[V("invoice.totals.amc", "109.20"), V("invoice.totals.patient", "0.00")]))
c(fse("PSAD-SEC-081", "AMC ticket modérateur sans tiers payant",
      "La part AMC se calcule même sans tiers payant (le patient avance, l'AMC rembourse).",
      "1241763 × 4 = 56.00 ; MRO 33.60 ; AMC (tm) 22.40 ; patient 0 après remboursements.",
      **STD, lines=[L("1241763", 4, "14.00")], tiers_payant="none", amc="tm", tags="lpp amc",
      expect=[V("invoice.totals.amc", "22.40"), V("invoice.totals.patient", "0.00")]))
c(fse("PSAD-SEC-082", "AMC TM + dépassement plafonné à 10.00",
      "Le plafond limite la part de dépassement prise par l'AMC.",
      "1231782 facturé 22.00 × 4 = 88.00 ; BR 70.12 ; MRO 42.07 ; TM 28.05 ; dépassement 17.88 dont 10.00 (plafond) "
      "à l'AMC ; AMC 38.05 ; patient = 88.00 − 42.07 − 38.05 = 7.88.",
      **STD, lines=[L("1231782", 4, "22.00")], tiers_payant="amo+amc", amc="tm+depassement", amc_cap="10.00",
      tags="lpp amc plafond depassement",
      expect=[V("invoice.totals.amc", "38.05"), V("invoice.totals.patient", "7.88")]))
c(fse("PSAD-SEC-083", "AMC TM + dépassement : plafond partagé entre deux lignes",
      "Le plafond est par facture : la première ligne l'entame, la seconde prend le reste.",
      "Ligne 1 : 1231782 22.00 × 4 : MRO 42.07, TM 28.05, dépassement 17.88 (plafond 20.00 → reste 2.12) : AMC 45.93. "
      "Ligne 2 : 1205520 facturé 110.00 : BR 96.04, MRO 57.62, TM 38.42, dépassement 13.96 dont 2.12 : AMC 40.54. "
      "AMC 86.47 ; facturé 198.00 ; MRO 99.69 ; patient = 198.00 − 99.69 − 86.47 = 11.84.",
      **STD, lines=[L("1231782", 4, "22.00"), L("1205520", 1, "110.00")], tiers_payant="amo+amc",
      amc="tm+depassement", amc_cap="20.00", tags="lpp amc plafond multi-lignes",
      expect=[V("invoice.lines[0].amc", "45.93"), V("invoice.lines[1].amc", "40.54"),
              V("invoice.totals.amc", "86.47"), V("invoice.totals.patient", "11.84")]))
c(fse("PSAD-SEC-084", "AMC TM + dépassement sans plafond : nutrition orale au PLV",
      "Sans plafond, l'AMC prend tout le dépassement jusqu'au PLV.",
      "1105215 à 5.07 × 30 = 152.10 ; BR 122.10 ; MRO 73.26 ; TM 48.84 ; dépassement 30.00 ; AMC 78.84 ; patient 0.",
      **STD, lines=[L("1105215", 30, "5.07")], tiers_payant="amo+amc", amc="tm+depassement",
      tags="lpp amc plv depassement",
      expect=[V("invoice.totals.amc", "78.84"), V("invoice.totals.patient", "0.00")]))
