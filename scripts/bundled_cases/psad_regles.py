"""psad-regles-refus.xml: the PSAD/MAD invoice rules (prescription, billing delay, régime, AT/MP, invoice
breaks, AME) and a refusal case for each refusal code an invoice can meet."""

from __future__ import annotations

from bundled_cases.common import CARDS, PATIENTS, fse, patient
from bundled_cases.model import Book, L, V, refusal

HEADER = """
Cahier PSAD/MAD de testbench : RÈGLES DE FACTURATION ET REFUS, format version 1.

Ce fichier n'est PAS un document du CNDA. Il exerce les règles qui acceptent ou refusent une facture
avant son calcul (prescription et prescripteur, délai de facturation d'un an, régime, référence AT/MP,
ruptures de facture : une nature d'assurance, un statut AME, un organisme complémentaire et une
exonération par facture), l'AME comme flux financé par l'État, et un cas pour chaque code de refus
qu'une facture peut rencontrer. Codes de refus, règles et sources : docs/reference-engine.md.
Personnes, NIR et RPPS fictifs.
"""

FIXTURES = "\n".join(
    [
        CARDS,
        PATIENTS,
        patient("p-crpcen", "171019999901708", "PATIENT CRPCEN", "1971-01-19", regime="10"),
        patient("p-msa", "264059999901873", "PATIENTE REGIME AGRICOLE", "1964-05-25", regime="02"),
        patient("p-regime-11", "181069999901981", "PATIENT REGIME INCONNU", "1981-06-06", regime="11"),
        patient("p-atmp-nodate", "177079999902001", "PATIENT AT SANS DATE", "1977-07-07", at_mp="true"),
        patient("p-ame", "290089999902108", "PATIENTE AME", "1990-08-08", ame="true"),
        patient("p-ame-fin", "285099999902274", "PATIENT FIN AME FEVRIER", "1985-09-09", ame="true",
                ame_end="2026-02-15"),
        patient("p-c2s-debut", "292109999902337", "PATIENTE DEBUT C2S FEVRIER", "1992-10-10", c2s="true",
                c2s_start="2026-02-10"),
        '<prescription id="rx-full" date="2026-01-20" prescriber="10000000001">\n'
        '  <field name="number" value="RX2026000123"/>\n'
        "</prescription>",
        '<prescription id="rx-am" date="2026-01-20" prescriber="751999991"/>',
        '<prescription id="rx-same-day" date="2026-02-02" prescriber="10000000002"/>',
        '<prescription id="rx-short" date="2026-01-20" prescriber="1234567"/>',
        '<prescription id="rx-nodate" prescriber="10000000001">\n'
        '  <field name="number" value="RX2026000456"/>\n'
        "</prescription>",
        '<prescription id="rx-late" date="2026-02-10" prescriber="10000000001"/>',
    ]
)

BOOK = Book(
    filename="psad-regles-refus.xml",
    plan_id="TB-PSAD-REGLES-001",
    title="PSAD/MAD : règles de facturation et refus (pas un document CNDA)",
    ps_category="fournisseur-lpp",
    header=HEADER,
    fixtures=FIXTURES,
)

c = BOOK.cases.append
STD = {"card": "vitale-std", "patient": "p-std"}
BED = L("1241763", 4, "14.00")

BOOK.sections["PSAD-REG-001"] = "Prescription et prescripteur"
c(fse("PSAD-REG-001", "Prescription complète : prescripteur RPPS, date et numéro",
      "Une prescription datée avant les soins, d'un prescripteur RPPS (11 chiffres), avec son numéro.",
      "Prescription du 2026-01-20, RPPS 10000000001, numéro RX2026000123 : acceptée. Lit × 4 : MRO 33.60 (E1).",
      **STD, lines=[BED], prescription="rx-full", tags="lpp prescription", requirements="RG_VF670 TB-PSAD-PRESCRIPTION",
      expect=[V("invoice.totals.amo", "33.60")]))
c(fse("PSAD-REG-002", "Prescripteur identifié par son numéro Assurance Maladie (9 chiffres)",
      "Un numéro AM de 9 chiffres est un identifiant de prescripteur valable.",
      "Prescripteur 751999991 (9 chiffres) : accepté. PPC × 4 = 84.00 → 50.40.",
      **STD, lines=[L("1113930", 4, "21.00")], prescription="rx-am", tags="lpp prescription",
      requirements="TB-PSAD-PRESCRIPTION", expect=[V("invoice.totals.amo", "50.40")]))
c(fse("PSAD-REG-003", "Prescription du jour même des soins",
      "Une prescription datée du jour des soins est acceptée (borne incluse).",
      "Prescription et soins du 2026-02-02 : accepté. OCT × 1 = 45.00 → 27.00.",
      **STD, lines=[L("1128104", 1, "45.00")], prescription="rx-same-day", tags="lpp prescription",
      requirements="TB-PSAD-PRESCRIPTION", expect=[V("invoice.totals.amo", "27.00")]))
c(fse("PSAD-REG-004", "Prescripteur à 7 chiffres : refus",
      "Le prescripteur est un RPPS (11 chiffres) ou un numéro AM (9 chiffres).",
      "Prescripteur 1234567 → PRESCRIBER_INVALID.",
      **STD, lines=[BED], prescription="rx-short", tags="lpp prescription refus",
      requirements="TB-REFUS-PRESCRIBER_INVALID", expect=[refusal("PRESCRIBER_INVALID")]))
c(fse("PSAD-REG-005", "Prescription numérotée sans date : refus",
      "Une prescription qui porte un numéro doit porter sa date et son prescripteur.",
      "Numéro RX2026000456, pas de date → PRESCRIPTION_INCOMPLETE.",
      **STD, lines=[BED], prescription="rx-nodate", tags="lpp prescription refus",
      requirements="TB-REFUS-PRESCRIPTION_INCOMPLETE", expect=[refusal("PRESCRIPTION_INCOMPLETE")]))
c(fse("PSAD-REG-006", "Prescription postérieure aux soins : refus",
      "On ne facture pas des soins faits avant leur prescription.",
      "Prescription du 2026-02-10, soins du 2026-02-02 → PRESCRIPTION_AFTER_CARE.",
      **STD, lines=[BED], prescription="rx-late", tags="lpp prescription refus",
      requirements="TB-REFUS-PRESCRIPTION_AFTER_CARE", expect=[refusal("PRESCRIPTION_AFTER_CARE")]))

BOOK.sections["PSAD-REG-010"] = "Délai de facturation, régime, AT/MP"
c(fse("PSAD-REG-010", "Soins de plus d'un an facturés : refus",
      "Une facture part au plus tard un an après le premier soin qu'elle porte.",
      "Lignes du 2025-02-01 et du 2026-02-02 : facture du 2026-02-02 (dernier soin), un an après le 2025-02-01 "
      "est le 2026-02-01 → BILLING_DELAY_EXCEEDED.",
      card=None, patient="p-deg", lines=[L("1241763", 1, "14.00", date="2025-02-01"),
                                        L("1241763", 1, "14.00", date="2026-02-02")],
      tags="lpp delai refus", requirements="TB-REFUS-BILLING_DELAY_EXCEEDED",
      expect=[refusal("BILLING_DELAY_EXCEEDED")]))
c(fse("PSAD-REG-011", "Soins de moins d'un an : dans le délai",
      "Premier soin le 2025-02-03 : la limite est le 2026-02-03, la facture du 2026-02-02 passe.",
      "Deux lignes lit × 1 : 14.00 → 8.40 chacune ; MRO 16.80 ; date de facture 2026-02-02.",
      card=None, patient="p-deg", lines=[L("1241763", 1, "14.00", date="2025-02-03"),
                                        L("1241763", 1, "14.00", date="2026-02-02")],
      tags="lpp delai", requirements="TB-PSAD-DELAI",
      expect=[V("invoice.billing_date", "2026-02-02", type_="date"), V("invoice.totals.amo", "16.80")]))
c(fse("PSAD-REG-012", "Régime CRPCEN (10) : taux de base",
      "Un régime connu de la table des grands régimes est facturé comme le régime général.",
      "Régime 10 (CRPCEN) : lit × 4 = 56.00 → 60 % = 33.60 ; le régime est repris sur la facture.",
      card=None, patient="p-crpcen", lines=[BED], tags="lpp regime crpcen", requirements="TB-PSAD-REGIME",
      expect=[V("invoice.regime", "10", type_="string"), V("invoice.totals.amo", "33.60")]))
c(fse("PSAD-REG-013", "Régime agricole (02) : taux de base",
      "Le régime 02 (MSA) suit le taux LPP de base.",
      "Régime 02 : PPC × 4 = 84.00 → 50.40 ; patient 33.60.",
      card=None, patient="p-msa", lines=[L("1113930", 4, "21.00")], tags="lpp regime msa",
      requirements="TB-PSAD-REGIME",
      expect=[V("invoice.regime", "02", type_="string"), V("invoice.totals.patient", "33.60")]))
c(fse("PSAD-REG-014", "Régime inconnu (11) : refus",
      "Un code de grand régime absent de la table est refusé.",
      "Régime 11 : absent de la table (IR_GRG_V) → UNKNOWN_REGIME.",
      card=None, patient="p-regime-11", lines=[BED], tags="lpp regime refus",
      requirements="TB-REFUS-UNKNOWN_REGIME", expect=[refusal("UNKNOWN_REGIME")]))
c(fse("PSAD-REG-015", "AT/MP sans date ni numéro d'accident : refus",
      "Une facture de nature AT/MP nomme son accident (B2 zone 0286).",
      "Droits AT/MP saisis sans période ni numéro d'accident → ATMP_NUMBER_MISSING.",
      card=None, patient="p-atmp-nodate", lines=[BED], tags="lpp atmp refus",
      requirements="TB-REFUS-ATMP_NUMBER_MISSING", expect=[refusal("ATMP_NUMBER_MISSING")]))
c(fse("PSAD-REG-016", "AT/MP : soin antérieur à l'accident : refus",
      "La date de l'accident (début de la période AT de la carte, 2026-09-14) précède tout soin facturé en AT.",
      "Facture du 2026-10-05 en période AT, une ligne datée du 2026-09-10 → ATMP_DATE_AFTER_CARE.",
      card="vitale-atmp", patient="p-atmp",
      lines=[L("1249523", 1, "25.00", date="2026-09-10"), L("1249523", 1, "25.00", date="2026-10-05")],
      date="2026-10-05", tags="lpp atmp refus", requirements="TB-REFUS-ATMP_DATE_AFTER_CARE",
      expect=[refusal("ATMP_DATE_AFTER_CARE")]))
c(fse("PSAD-REG-017", "AT/MP : nature d'assurance 41 sur la facture",
      "Une facture en période AT porte la nature d'assurance 41.",
      "Carte AT (accident du 2026-09-14) ; soins du 2026-10-05 : nature 41, 100 % ; OCT × 1 = 45.00.",
      card="vitale-atmp", patient="p-atmp", lines=[L("1128104", 1, "45.00")], date="2026-10-05",
      tags="lpp atmp nature", requirements="RG_VF651",
      expect=[V("invoice.nature_assurance", "41", type_="string"), V("invoice.totals.amo", "45.00")]))

BOOK.sections["PSAD-REG-020"] = "Ruptures de facture (RG_VF600)"
c(fse("PSAD-REG-020", "Deux natures d'assurance sur une facture : refus",
      "Une facture ne mélange pas la maladie (10) et la maternité (30).",
      "Carte maternité (à partir du 2026-06-01) : ligne du 2026-05-25 en nature 10, ligne du 2026-06-03 en nature 30 "
      "→ MIXED_INSURANCE_NATURES.",
      card="vitale-maternity", patient="p-maternity",
      lines=[L("1241763", 1, "14.00", date="2026-05-25"), L("1241763", 1, "14.00", date="2026-06-03")],
      date="2026-06-03", tags="lpp rupture maternite refus", requirements="RG_VF600 TB-REFUS-MIXED_INSURANCE_NATURES",
      expect=[refusal("MIXED_INSURANCE_NATURES")]))
c(fse("PSAD-REG-021", "Deux exonérations différentes sur une facture : refus",
      "Une facture porte une seule exonération (hors lignes ALD).",
      "Ligne exo 3 et ligne exo C → INVOICE_BREAK_REQUIRED (critère exonération).",
      card=None, patient="p-deg", lines=[L("1153480", 1, "178.00", exo="3"), L("1136581", 1, "47.40", exo="C")],
      tags="lpp rupture exo refus", requirements="RG_VF600 TB-REFUS-INVOICE_BREAK_REQUIRED",
      expect=[refusal("INVOICE_BREAK_REQUIRED")]))
c(fse("PSAD-REG-022", "Ligne ALD à côté d'une autre exonération : permis",
      "Les lignes ALD (code 4) accompagnent les autres sur une même facture (ordonnance bizone).",
      "Carte ALD : lit × 4 en rapport avec l'ALD (exo 4) = 56.00 ; livraison exo 3 = 96.04 ; tout à 100 % ; "
      "MRO 152.04 ; patient 0.",
      card="vitale-ald", patient="p-ald",
      lines=[L("1241763", 4, "14.00", ald="true"), L("1205520", 1, "96.04", exo="3")],
      tags="lpp rupture ald exo", requirements="RG_VF600 RG_VF653",
      expect=[V("invoice.lines[0].exo", "4", type_="string"), V("invoice.lines[1].exo", "3", type_="string"),
              V("invoice.totals.amo", "152.04"), V("invoice.totals.patient", "0.00")]))
c(fse("PSAD-REG-023", "Même exonération sur toutes les lignes : remontée sur la facture",
      "Quand toutes les lignes partagent un code, la facture le porte (FIDES-TF zone 0279).",
      "Deux lignes exo 3 : livraison 96.04 et lit × 2 = 28.00 ; 100 % ; MRO 124.04 ; exonération de la facture 3.",
      card=None, patient="p-deg", lines=[L("1205520", 1, "96.04", exo="3"), L("1241763", 2, "14.00", exo="3")],
      tags="lpp exo", requirements="RG_VF_CC15",
      expect=[V("invoice.exo", "3", type_="string"), V("invoice.totals.amo", "124.04")]))
c(fse("PSAD-REG-024", "AME qui prend fin au milieu de la facture : refus",
      "L'AME est un flux à part, payé par l'État, sans part AMO : des soins en AME et d'autres hors AME ne vont "
      "pas sur la même facture ; le prestataire fait une facture pour les soins en AME, une autre pour les "
      "suivants.",
      "AME jusqu'au 2026-02-15 : ligne du 2026-02-10 en AME, ligne du 2026-02-20 hors AME → "
      "INVOICE_BREAK_REQUIRED (critère ame).",
      card=None, patient="p-ame-fin",
      lines=[L("1241763", 1, "14.00", date="2026-02-10"), L("1241763", 1, "14.00", date="2026-02-20")],
      date="2026-02-20", tags="lpp rupture ame refus", requirements="TB-PSAD-AME TB-REFUS-INVOICE_BREAK_REQUIRED",
      expect=[refusal("INVOICE_BREAK_REQUIRED")]))
c(fse("PSAD-REG-025", "C2S qui commence au milieu de la facture, contrat AMC : refus",
      "La part complémentaire a deux payeurs selon la date : l'AMC du contrat avant le début de la C2S, le "
      "gestionnaire de la C2S ensuite ; une facture n'en nomme qu'un, il en faut une par organisme "
      "complémentaire.",
      "C2S depuis le 2026-02-10, contrat AMC tm : ligne du 2026-02-05 pour l'AMC, ligne du 2026-02-12 pour la "
      "C2S → INVOICE_BREAK_REQUIRED (critère complementaire).",
      card=None, patient="p-c2s-debut",
      lines=[L("1241763", 1, "14.00", date="2026-02-05"), L("1241763", 1, "14.00", date="2026-02-12")],
      date="2026-02-12", tiers_payant="amo+amc", amc="tm", tags="lpp rupture c2s amc refus",
      requirements="SP03 TB-REFUS-INVOICE_BREAK_REQUIRED",
      expect=[refusal("INVOICE_BREAK_REQUIRED")]))

BOOK.sections["PSAD-REG-030"] = "AME : flux financé par l'État"
c(fse("PSAD-REG-030", "AME en tiers payant : rien à payer pour la patiente",
      "L'AME prend la BR en charge pour l'État ; la part AMO est nulle (RG_VF650).",
      "Patiente AME, lit × 4 = 56.00 : taux AMO 0 → AMO 0.00 ; part État 56.00 ; patient 0.",
      card=None, patient="p-ame", lines=[BED], tags="lpp ame", requirements="RG_VF650 TB-PSAD-AME",
      expect=[V("invoice.totals.amo", "0.00"), V("invoice.totals.state", "56.00"),
              V("invoice.tiers_payant.due_from_state", "56.00"), V("invoice.totals.patient", "0.00")]))
c(fse("PSAD-REG-031", "AME facturée sans tiers payant demandé : tiers payant imposé",
      "La patiente AME est dispensée de l'avance des frais : le prestataire est payé par la caisse, même si la "
      "facture ne demande pas le tiers payant (comme pour la C2S).",
      "Facture demandée sans tiers payant (none) : le moteur applique le tiers payant AMO, destinataire du "
      "règlement 35. Lit × 4 = 56.00 : part État 56.00 due par la caisse au prestataire ; dû par la patiente 0.00.",
      card=None, patient="p-ame", lines=[BED], tiers_payant="none", tags="lpp ame tiers-payant-impose",
      requirements="RG_VF650 TB-PSAD-AME",
      expect=[V("invoice.tiers_payant.mode", "amo", type_="string"),
              V("invoice.tiers_payant.drg", "35", type_="string"),
              V("invoice.tiers_payant.due_from_state", "56.00"),
              V("invoice.tiers_payant.due_from_patient", "0.00")]))
c(fse("PSAD-REG-032", "AME : le dépassement reste dû",
      "La part de l'État est la BR ; un dépassement d'un article sans PLV reste à la patiente.",
      "Soulève-malade 22.00 × 4 = 88.00 : BR 70.12 → État 70.12 ; dépassement 17.88 = patient.",
      card=None, patient="p-ame", lines=[L("1231782", 4, "22.00")], tags="lpp ame depassement",
      requirements="RG_VF650 TB-PSAD-AME",
      expect=[V("invoice.totals.state", "70.12"), V("invoice.totals.patient", "17.88")]))

BOOK.sections["PSAD-REG-040"] = "Refus du calcul"
c(fse("PSAD-REG-040", "Ligne ALD sans droits ALD : refus",
      "Un assuré sans ALD ne peut pas être facturé en ALD.",
      "Carte standard, ligne ald=true → ALD_NOT_IN_RIGHTS.",
      **STD, lines=[L("1113930", 4, "21.00", ald="true")], tags="lpp ald refus",
      requirements="VF34.02 TB-REFUS-ALD_NOT_IN_RIGHTS", expect=[refusal("ALD_NOT_IN_RIGHTS")]))
c(fse("PSAD-REG-041", "Code d'exonération 4 sans droits ALD : refus",
      "Le justificatif 4 (protocole ALD) demande lui aussi les droits ALD.",
      "Carte standard, ligne exo 4 → ALD_NOT_IN_RIGHTS.",
      **STD, lines=[L("1128104", 1, "45.00", exo="4")], tags="lpp ald exo refus",
      requirements="VF34.02 TB-REFUS-ALD_NOT_IN_RIGHTS", expect=[refusal("ALD_NOT_IN_RIGHTS")]))
c(fse("PSAD-REG-042", "Ligne ALD avant le début de la période d'ALD : refus",
      "Les droits ALD sont datés (2026-02-01 → 2026-06-30) ; avant, la ligne ALD est refusée.",
      "Soins du 2026-01-15, ligne ALD → ALD_NOT_IN_RIGHTS.",
      card=None, patient="p-ald-dated", lines=[L("1113930", 4, "21.00", ald="true")], date="2026-01-15",
      tags="lpp ald periode refus", requirements="VF34.02 TB-REFUS-ALD_NOT_IN_RIGHTS",
      expect=[refusal("ALD_NOT_IN_RIGHTS")]))
c(fse("PSAD-REG-043", "Aucun taux à la date des soins (1999) : refus",
      "La table des taux commence le 2000-01-01 : début choisi par testbench (aucune source ne le donne).",
      "Soins du 1999-12-31, code hors table au tarif fixé 10.00 → NO_RATE_AT_DATE.",
      card=None, patient="p-1999", lines=[L("1299999", 1, "10.00", tariff="10.00")], date="1999-12-31",
      tags="lpp taux date refus", requirements="TB-REFUS-NO_RATE_AT_DATE", expect=[refusal("NO_RATE_AT_DATE")]))
c(fse("PSAD-REG-044", "Premier jour de la table des taux (2000-01-01) : 65 %",
      "Le lendemain, le taux LPP d'alors (65 %) s'applique (2000-01-01 : début de table choisi par testbench, "
      "aucune source ne le donne).",
      "Soins du 2000-01-01, tarif fixé 10.00, taux 65 % : MRO = 10.00 × 0.65 = 6.50 ; patient 3.50.",
      card=None, patient="p-1999", lines=[L("1299999", 1, "10.00", tariff="10.00")], date="2000-01-01",
      tags="lpp taux date", expect=[V("invoice.lines[0].rate", "65"), V("invoice.totals.amo", "6.50")]))
c(fse("PSAD-REG-045", "Quantité 1000 : refus",
      "Une ligne porte au plus 999 unités (B2 : 3 chiffres).",
      "Quantité 1000 → INVALID_QUANTITY.",
      **STD, lines=[L("1105215", 1000, "4.07")], tags="lpp quantite refus", requirements="TB-REFUS-INVALID_QUANTITY",
      expect=[refusal("INVALID_QUANTITY")]))
c(fse("PSAD-REG-046", "Quantité 999 : acceptée",
      "La borne haute de la quantité est incluse.",
      "1105215 × 999 au tarif 4.07 : BR 4065.93 ; MRO = 4065.93 × 0.60 = 2439.558 → 2439.56 ; patient 1626.37.",
      **STD, lines=[L("1105215", 999, "4.07")], tags="lpp quantite",
      expect=[V("invoice.totals.base", "4065.93"), V("invoice.totals.amo", "2439.56"),
              V("invoice.totals.patient", "1626.37")]))
c(fse("PSAD-REG-047", "Nutrition orale au-dessus du PLV de la table : refus",
      "Le PLV de la table (5.07) borne le prix unitaire.",
      "Prix 5.08 > PLV 5.07 → PRICE_ABOVE_PLV.",
      **STD, lines=[L("1105215", 10, "5.08")], tags="lpp plv refus", requirements="TB-REFUS-PRICE_ABOVE_PLV",
      expect=[refusal("PRICE_ABOVE_PLV")]))
c(fse("PSAD-REG-048", "C2S : dépassement sur la seconde ligne : refus",
      "Une seule ligne avec dépassement suffit à refuser la facture C2S.",
      "Ligne 1 lit au tarif ; ligne 2 livraison facturée 100.00 (tarif 96.04) → DEPASSEMENT_NOT_ALLOWED_C2S.",
      card="vitale-c2s", patient="p-c2s", lines=[BED, L("1205520", 1, "100.00")], tiers_payant="amo+amc",
      tags="lpp c2s refus",
      requirements="SP03 TB-REFUS-DEPASSEMENT_NOT_ALLOWED_C2S", expect=[refusal("DEPASSEMENT_NOT_ALLOWED_C2S")]))
c(fse("PSAD-REG-049", "Carte aux droits échus, soins en 2026 : refus",
      "Les droits de la carte ont pris fin le 2025-06-30.",
      "Soins du 2026-02-02 → RIGHTS_EXPIRED.",
      card="vitale-expired", patient="p-expired", lines=[L("1128104", 1, "45.00")], tags="lpp droits refus",
      requirements="TB-REFUS-RIGHTS_EXPIRED", expect=[refusal("RIGHTS_EXPIRED")]))
c(fse("PSAD-REG-050", "Carte aux droits échus, soins pendant les droits",
      "La même carte facture des soins du 2025-06-30 (dernier jour).",
      "2025-06-30 : OCT × 1 = 45.00 → 27.00 ; patient 18.00.",
      card="vitale-expired", patient="p-expired", lines=[L("1128104", 1, "45.00")], date="2025-06-30",
      tags="lpp droits", expect=[V("invoice.totals.amo", "27.00"), V("invoice.totals.patient", "18.00")]))
c(fse("PSAD-REG-051", "Code LPP de 7 chiffres absent de la table : refus",
      "Sans tarif en table ni tarif fixé, le code est inconnu.",
      "1999999 → UNKNOWN_CODE.",
      **STD, lines=[L("1999999", 1, "10.00")], tags="lpp code refus", requirements="TB-REFUS-UNKNOWN_CODE",
      expect=[refusal("UNKNOWN_CODE")]))

BOOK.sections["PSAD-REG-060"] = "Date de facture (billing-date) et délai d'un an (RG_MF606)"
DEG = {"card": None, "patient": "p-deg"}
c(fse("PSAD-REG-060", "Facture faite la veille du délai d'un an",
      "Soins du 2025-01-12, facture du 2026-01-11 : dans le délai.",
      "Limite : le 2026-01-12 (un an après le premier soin). Lit × 4 = 56.00 → 33.60 ; date de facture 2026-01-11.",
      **DEG, lines=[BED], date="2025-01-12", billing_date="2026-01-11", tags="lpp delai",
      requirements="RG_MF606 TB-PSAD-DELAI",
      expect=[V("invoice.billing_date", "2026-01-11", type_="date"), V("invoice.totals.amo", "33.60")]))
c(fse("PSAD-REG-061", "Facture faite un an jour pour jour après les soins : refus",
      "Le délai d'un an est dépassé le jour anniversaire.",
      "Soins du 2025-01-12, facture du 2026-01-12 → BILLING_DELAY_EXCEEDED.",
      **DEG, lines=[BED], date="2025-01-12", billing_date="2026-01-12", tags="lpp delai refus",
      requirements="RG_MF606 TB-REFUS-BILLING_DELAY_EXCEEDED", expect=[refusal("BILLING_DELAY_EXCEEDED")]))
c(fse("PSAD-REG-062", "Facture datée avant les soins : refus",
      "On ne facture pas des soins à venir.",
      "Soins du 2026-01-12, facture du 2026-01-11 → BILLING_BEFORE_CARE.",
      **DEG, lines=[BED], date="2026-01-12", billing_date="2026-01-11", tags="lpp delai refus",
      requirements="TB-REFUS-BILLING_BEFORE_CARE", expect=[refusal("BILLING_BEFORE_CARE")]))
c(fse("PSAD-REG-063", "Soins d'un 29 février : le délai court jusqu'au 28 février suivant",
      "Un an après le 2024-02-29 est le 2025-02-28 ; la facture du 2025-02-27 passe.",
      "Soins du 2024-02-29, facture du 2025-02-27 : OCT × 1 = 45.00 → 27.00.",
      **DEG, lines=[L("1128104", 1, "45.00")], date="2024-02-29", billing_date="2025-02-27",
      tags="lpp delai bissextile", requirements="RG_MF606 TB-PSAD-DELAI",
      expect=[V("invoice.totals.amo", "27.00")]))
c(fse("PSAD-REG-064", "Soins d'un 29 février facturés le 28 février suivant : refus",
      "Le 2025-02-28 est l'anniversaire du 2024-02-29 : délai dépassé.",
      "Soins du 2024-02-29, facture du 2025-02-28 → BILLING_DELAY_EXCEEDED.",
      **DEG, lines=[L("1128104", 1, "45.00")], date="2024-02-29", billing_date="2025-02-28",
      tags="lpp delai bissextile refus", requirements="RG_MF606 TB-REFUS-BILLING_DELAY_EXCEEDED",
      expect=[refusal("BILLING_DELAY_EXCEEDED")]))

BOOK.sections["PSAD-REG-065"] = "Prescription portée par la facture"
c(fse("PSAD-REG-065", "Prescription complète sur la facture, avec e-prescription",
      "Prescripteur, date, numéro et identifiant d'e-prescription donnés par la facture.",
      "RPPS 10000000001, prescription du 2026-01-05 n° ORD-42, e-prescription EP7Q2K : acceptée. Lit × 4 → 33.60.",
      **STD, lines=[BED], prescriber="10000000001", prescription_date="2026-01-05", prescription_number="ORD-42",
      eprescription_id="EP7Q2K", tags="lpp prescription eprescription", requirements="TB-PSAD-PRESCRIPTION",
      expect=[V("invoice.totals.amo", "33.60")]))
c(fse("PSAD-REG-066", "Identifiant d'e-prescription sans prescripteur ni date : refus",
      "Une e-prescription nomme son prescripteur et sa date.",
      "eprescription-id EP7Q2K seul → PRESCRIPTION_INCOMPLETE.",
      **STD, lines=[BED], eprescription_id="EP7Q2K", tags="lpp prescription eprescription refus",
      requirements="TB-REFUS-PRESCRIPTION_INCOMPLETE", expect=[refusal("PRESCRIPTION_INCOMPLETE")]))
c(fse("PSAD-REG-067", "La facture corrige le prescripteur de la prescription",
      "Les attributs de la facture complètent ou remplacent la prescription des fixtures.",
      "Prescription rx-short (prescripteur 1234567, invalide) remplacé par 10000000001 sur la facture : acceptée. "
      "PPC × 4 = 84.00 → 50.40.",
      **STD, lines=[L("1113930", 4, "21.00")], prescription="rx-short", prescriber="10000000001",
      tags="lpp prescription", requirements="TB-PSAD-PRESCRIPTION", expect=[V("invoice.totals.amo", "50.40")]))
c(fse("PSAD-REG-068", "Prescripteur de ligne mal formé : refus",
      "Le prescripteur d'une ligne suit la même règle (RPPS 11 chiffres ou numéro AM 9 chiffres).",
      "Ligne prescriber 123456789012 (12 chiffres) → PRESCRIBER_INVALID.",
      **STD, lines=[L("1241763", 4, "14.00", prescriber="123456789012")], tags="lpp prescription refus",
      requirements="TB-REFUS-PRESCRIBER_INVALID", expect=[refusal("PRESCRIBER_INVALID")]))
c(fse("PSAD-REG-069", "Deux prescripteurs sur une facture : refus",
      "Une facture porte un seul prescripteur (rupture de facture).",
      "Ligne 1 prescrite par 10000000001, ligne 2 par 10000000002 → INVOICE_BREAK_REQUIRED (critère prescripteur).",
      **STD, lines=[L("1241763", 4, "14.00", prescriber="10000000001"),
                    L("1205520", 1, "96.04", prescriber="10000000002")],
      tags="lpp rupture prescription refus", requirements="RG_VF600 TB-REFUS-INVOICE_BREAK_REQUIRED",
      expect=[refusal("INVOICE_BREAK_REQUIRED")]))
c(fse("PSAD-REG-070", "Le même prescripteur sur chaque ligne : une seule facture",
      "Des lignes du même prescripteur restent sur une facture.",
      "Lit × 4 → 33.60 et livraison 96.04 → 57.62, prescripteur 10000000001 : MRO 91.22 ; patient 60.82.",
      **STD, lines=[L("1241763", 4, "14.00", prescriber="10000000001"),
                    L("1205520", 1, "96.04", prescriber="10000000001")],
      tags="lpp prescription", requirements="RG_VF600",
      expect=[V("invoice.totals.amo", "91.22"), V("invoice.totals.patient", "60.82")]))

BOOK.sections["PSAD-REG-075"] = "AT/MP nommé par la facture (B2 zone 0286)"
c(fse("PSAD-REG-075", "Facture qui nomme la date de l'accident : nature 41",
      "Une facture qui nomme son accident est une facture AT/MP, à 100 %.",
      "Accident du 2026-01-02, soins du 2026-01-12 : nature 41, 100 % ; lit × 4 = 56.00 → 56.00 ; patient 0.",
      **STD, lines=[BED], date="2026-01-12", at_date="2026-01-02", tags="lpp atmp", requirements="RG_VF651",
      expect=[V("invoice.nature_assurance", "41", type_="string"), V("invoice.lines[0].rate", "100"),
              V("invoice.totals.amo", "56.00"), V("invoice.totals.patient", "0.00")]))
c(fse("PSAD-REG-076", "Facture qui nomme le numéro de l'accident",
      "Le numéro d'accident suffit à faire une facture AT/MP.",
      "AT n° AT2026-001 : nature 41, 100 % ; lit × 2 = 28.00 → 28.00.",
      **STD, lines=[L("1241763", 2, "14.00")], at_number="AT2026-001", tags="lpp atmp", requirements="RG_VF651",
      expect=[V("invoice.nature_assurance", "41", type_="string"), V("invoice.totals.amo", "28.00")]))
c(fse("PSAD-REG-077", "Accident daté après les soins : refus",
      "Un soin au titre d'un accident ne le précède pas.",
      "Accident du 2026-01-20, soins du 2026-01-12 → ATMP_DATE_AFTER_CARE.",
      **STD, lines=[BED], date="2026-01-12", at_date="2026-01-20", tags="lpp atmp refus",
      requirements="TB-REFUS-ATMP_DATE_AFTER_CARE", expect=[refusal("ATMP_DATE_AFTER_CARE")]))

BOOK.sections["PSAD-REG-080"] = "Données des lignes LPP : type de prestation, accord préalable, SIRET, location"
c(fse("PSAD-REG-080", "Type de prestation pris dans la table",
      "Location pour le lit (type L), achat pour la nutrition orale (type A).",
      "Lit × 4 = 56.00 → 33.60 (location) ; 1105215 × 10 = 40.70 → 24.42 (achat) ; MRO 58.02.",
      **STD, lines=[BED, L("1105215", 10, "4.07")], tags="lpp prestation",
      requirements="TB-PSAD-PRESTATION",
      expect=[V("invoice.lines[0].prestation_type", "location"), V("invoice.lines[1].prestation_type", "achat"),
              V("invoice.totals.amo", "58.02")]))
c(fse("PSAD-REG-081", "Type de prestation déclaré, conforme à la table",
      "La ligne déclare « service » pour un forfait de type S.",
      "PPC déclarée service × 13 = 273.00 → 163.80.",
      **STD, lines=[L("1113930", 13, "21.00", prestation="service")], tags="lpp prestation",
      requirements="TB-PSAD-PRESTATION",
      expect=[V("invoice.lines[0].prestation_type", "service"), V("invoice.totals.amo", "163.80")]))
c(fse("PSAD-REG-082", "Lit déclaré en achat : refus",
      "1241763 est un code de location (type L).",
      "prestation achat sur un code de type location → PRESTATION_TYPE_MISMATCH.",
      **STD, lines=[L("1241763", 4, "14.00", prestation="achat")], tags="lpp prestation refus",
      requirements="TB-REFUS-PRESTATION_TYPE_MISMATCH", expect=[refusal("PRESTATION_TYPE_MISMATCH")]))
c(fse("PSAD-REG-083", "Fauteuil soumis à accord préalable, sans accord : refus",
      "Un article qui demande un accord préalable n'est pas facturé sans sa référence.",
      "4113920 accord-prealable=true, facture sans référence d'accord → ACCORD_PREALABLE_MISSING.",
      **STD, lines=[L("4113920", 1, "5187.44", accord_prealable="true")], tags="lpp accord-prealable refus",
      requirements="TB-REFUS-ACCORD_PREALABLE_MISSING", expect=[refusal("ACCORD_PREALABLE_MISSING")]))
c(fse("PSAD-REG-084", "Fauteuil soumis à accord préalable, accord obtenu",
      "Avec la référence de l'accord, la facture passe.",
      "Accord AP-2026-0042 : 5187.44 × 0.60 = 3112.464 → 3112.46 ; patient 5187.44 − 3112.46 = 2074.98.",
      **STD, lines=[L("4113920", 1, "5187.44", accord_prealable="true")], accord_prealable="AP-2026-0042",
      tags="lpp accord-prealable", requirements="TB-PSAD-ACCORD-PREALABLE",
      expect=[V("invoice.totals.amo", "3112.46"), V("invoice.totals.patient", "2074.98")]))
c(fse("PSAD-REG-085", "SIRET du fournisseur à la clé fausse : refus",
      "Le SIRET porte une clé de Luhn.",
      "SIRET 12345678000015 → SUPPLIER_SIRET_INVALID.",
      **STD, lines=[L("1241763", 4, "14.00", supplier_siret="12345678000015")], tags="lpp siret refus",
      requirements="TB-REFUS-SUPPLIER_SIRET_INVALID", expect=[refusal("SUPPLIER_SIRET_INVALID")]))
c(fse("PSAD-REG-086", "SIRET du fournisseur valide et référence LPPR",
      "Un SIRET à la clé juste est accepté.",
      "SIRET 12345678000014, LPPR 1241763-ACME01 : lit × 4 → 33.60.",
      **STD, lines=[L("1241763", 4, "14.00", supplier_siret="12345678000014", lppr="1241763-ACME01")],
      tags="lpp siret", requirements="TB-PSAD-SIRET", expect=[V("invoice.totals.amo", "33.60")]))
RENT = {"date": "2026-01-05", "billing_date": "2026-02-02"}
c(fse("PSAD-REG-087", "Location hebdomadaire : 4 semaines du 2026-01-05 au 2026-02-01",
      "La quantité est le nombre de semaines commencées de la période de location.",
      "28 jours → 4 semaines = quantité 4 : BR 56.00 ; MRO 33.60.",
      **DEG, lines=[L("1241763", 4, "14.00", rental_start="2026-01-05", rental_end="2026-02-01")], **RENT,
      tags="lpp location periode", requirements="TB-PSAD-LOCATION",
      expect=[V("invoice.totals.base", "56.00"), V("invoice.totals.amo", "33.60")]))
c(fse("PSAD-REG-088", "Location hebdomadaire : quantité 5 pour 4 semaines : refus",
      "La quantité doit égaler les semaines de la période.",
      "Période de 28 jours (4 semaines), quantité 5 → RENTAL_PERIOD_INVALID.",
      **DEG, lines=[L("1241763", 5, "14.00", rental_start="2026-01-05", rental_end="2026-02-01")], **RENT,
      tags="lpp location periode refus", requirements="TB-REFUS-RENTAL_PERIOD_INVALID",
      expect=[refusal("RENTAL_PERIOD_INVALID")]))
c(fse("PSAD-REG-089", "Location sans fin de période : refus",
      "Une période de location a un début et une fin.",
      "rental-start sans rental-end → RENTAL_PERIOD_INVALID.",
      **DEG, lines=[L("1241763", 4, "14.00", rental_start="2026-01-05")], **RENT,
      tags="lpp location periode refus", requirements="TB-REFUS-RENTAL_PERIOD_INVALID",
      expect=[refusal("RENTAL_PERIOD_INVALID")]))
c(fse("PSAD-REG-090", "Location finie avant d'avoir commencé : refus",
      "La fin de location précède son début.",
      "Début 2026-01-12, fin 2026-01-05 → RENTAL_PERIOD_INVALID.",
      **DEG, lines=[L("1241763", 1, "14.00", rental_start="2026-01-12", rental_end="2026-01-05")], **RENT,
      tags="lpp location periode refus", requirements="TB-REFUS-RENTAL_PERIOD_INVALID",
      expect=[refusal("RENTAL_PERIOD_INVALID")]))
c(fse("PSAD-REG-091", "Location commencée après la période facturée : refus",
      "Le début de la location (rental-since) ne suit pas le début de la période.",
      "Location depuis le 2026-01-06, période du 2026-01-05 → RENTAL_PERIOD_INVALID.",
      **DEG, lines=[L("1241763", 4, "14.00", rental_start="2026-01-05", rental_end="2026-02-01",
                      rental_since="2026-01-06")], **RENT,
      tags="lpp location periode refus", requirements="TB-REFUS-RENTAL_PERIOD_INVALID",
      expect=[refusal("RENTAL_PERIOD_INVALID")]))
c(fse("PSAD-REG-092", "Forfait mensuel de pompe à insuline sur un mois",
      "Du 2026-01-15 au 2026-02-14 : un mois commencé, quantité 1.",
      "1188069 : 174.50 → MRO 104.70 ; patient 69.80.",
      **DEG, lines=[L("1188069", 1, "174.50", rental_start="2026-01-15", rental_end="2026-02-14")],
      date="2026-01-15", billing_date="2026-02-14", tags="lpp location mensuel", requirements="TB-PSAD-LOCATION",
      expect=[V("invoice.totals.amo", "104.70"), V("invoice.totals.patient", "69.80")]))
c(fse("PSAD-REG-093", "Location à la journée (code fixé) : 10 jours",
      "Un code de durée journalier : la quantité compte les jours de la période.",
      "Code 1299996 au tarif fixé 3.00, du 2026-01-01 au 2026-01-10 = 10 jours : BR 30.00 ; MRO 18.00 ; patient 12.00.",
      **DEG, lines=[L("1299996", 10, "3.00", tariff="3.00", rental_code="journalier", rental_start="2026-01-01",
                      rental_end="2026-01-10")], date="2026-01-01", billing_date="2026-01-10",
      tags="lpp location journalier", requirements="TB-PSAD-LOCATION",
      expect=[V("invoice.totals.amo", "18.00"), V("invoice.totals.patient", "12.00")]))
LONG = {"date": "2026-01-26", "billing_date": "2026-02-22"}
c(fse("PSAD-REG-094", "Soulève-malade : semaines 35 à 38 au code des 32 premières semaines : refus",
      "1231782 couvre les semaines 1 à 32 de la location ; au-delà, le code long 1278654 s'impose.",
      "Location depuis le 2025-06-02 ; période du 2026-01-26 au 2026-02-22 = semaines 35 à 38 → RENTAL_CODE_MISMATCH.",
      **DEG, lines=[L("1231782", 4, "17.53", rental_start="2026-01-26", rental_end="2026-02-22",
                      rental_since="2025-06-02")], **LONG,
      tags="lpp location duree refus", requirements="TB-REFUS-RENTAL_CODE_MISMATCH",
      expect=[refusal("RENTAL_CODE_MISMATCH")]))
c(fse("PSAD-REG-095", "Soulève-malade : semaines 35 à 38 au code long",
      "Le code au-delà de 32 semaines convient à cette période.",
      "1278654 × 4 = 43.28 → 43.28 × 0.60 = 25.968 → 25.97 ; patient 17.31.",
      **DEG, lines=[L("1278654", 4, "10.82", rental_start="2026-01-26", rental_end="2026-02-22",
                      rental_since="2025-06-02")], **LONG,
      tags="lpp location duree", requirements="TB-PSAD-LOCATION",
      expect=[V("invoice.totals.amo", "25.97"), V("invoice.totals.patient", "17.31")]))
c(fse("PSAD-REG-096", "Soulève-malade : 4 premières semaines au code court",
      "Semaines 1 à 4 de la location : dans la tranche de 1231782.",
      "Du 2026-01-05 au 2026-02-01 depuis le 2026-01-05 : 1231782 × 4 = 70.12 → 42.07 ; patient 28.05.",
      **DEG, lines=[L("1231782", 4, "17.53", rental_start="2026-01-05", rental_end="2026-02-01",
                      rental_since="2026-01-05")], **RENT,
      tags="lpp location duree", requirements="TB-PSAD-LOCATION",
      expect=[V("invoice.totals.amo", "42.07"), V("invoice.totals.patient", "28.05")]))
c(fse("PSAD-REG-097", "Période de location d'un forfait sans code de durée",
      "Sans code de durée (table ni ligne), la période est contrôlée mais pas comptée en semaines.",
      "1130220 (OLT liquide, sans code de durée) du 2026-01-05 au 2026-01-18, quantité 2 : BR 217.80 ; "
      "MRO 130.68 ; patient 87.12.",
      **DEG, lines=[L("1130220", 2, "108.90", rental_start="2026-01-05", rental_end="2026-01-18")],
      date="2026-01-05", billing_date="2026-01-18", tags="lpp location periode", requirements="TB-PSAD-LOCATION",
      expect=[V("invoice.totals.amo", "130.68"), V("invoice.totals.patient", "87.12")]))
c(fse("PSAD-REG-098", "Facture de 999 lignes : la limite B2 est atteinte, pas dépassée",
      "Une facture porte au plus 999 lignes (numéro de ligne B2 sur 3 chiffres).",
      "999 lignes de forfait d'oxygénothérapie 1128104 × 1 à 45.00 : BR 999 × 45.00 = 44955.00 ; MRO par ligne 27.00, "
      "somme 999 × 27.00 = 26973.00 ; patient 17982.00.",
      **DEG, lines=[L("1128104", 1, "45.00")] * 999, tags="lpp lignes limite", requirements="TB-PSAD-B2-LIGNES",
      expect=[V("invoice.totals.base", "44955.00"), V("invoice.totals.amo", "26973.00"),
              V("invoice.totals.patient", "17982.00")]))
c(fse("PSAD-REG-099", "Facture de 1000 lignes : refus",
      "La millième ligne dépasse la limite B2.",
      "1000 lignes → TOO_MANY_LINES.",
      **DEG, lines=[L("1128104", 1, "45.00")] * 1000, tags="lpp lignes limite refus",
      requirements="TB-REFUS-TOO_MANY_LINES", expect=[refusal("TOO_MANY_LINES")]))
