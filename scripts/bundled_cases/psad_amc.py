"""psad-amc-dre.xml: the complementary part — AMC contracts, tiers payant intégral, DRE, C2S by an organisation."""

from __future__ import annotations

from bundled_cases.common import CARDS, LOCAL_LPP_UNVERIFIED, PATIENTS, fse
from bundled_cases.model import Book, L, V, el, invoice, refusal, secure
from bundled_cases.psad_lots import lot_case

HEADER = """
Cahier PSAD/MAD de testbench : PART COMPLÉMENTAIRE (AMC), TIERS PAYANT INTÉGRAL, DRE ET C2S, format version 1.

Ce fichier n'est PAS un document du CNDA. Le contrat AMC (« tm » : le ticket modérateur ; « tm+depassement » :
aussi le dépassement, dans la limite d'un plafond par facture) est notre modèle, les contrats réels n'étant
pas publics. L'acheminement de la part AMC suit FIDES-TF : tiers payant intégral (top éclatement F, DRG 36),
DRE (demande de remboursement électronique à l'AMC), C2S gérée par un organisme (type de contrat 89, numéro
d'organisme). docs/reference-engine.md, « AMC ». Personnes, NIR et RPPS fictifs.
"""

BOOK = Book(
    filename="psad-amc-dre.xml",
    plan_id="TB-PSAD-AMC-001",
    title="PSAD/MAD : part complémentaire, tiers payant intégral, DRE et C2S (pas un document CNDA)",
    ps_category="fournisseur-lpp",
    header=HEADER,
    fixtures=CARDS + "\n" + PATIENTS,
)

c = BOOK.cases.append
STD = {"card": "vitale-std", "patient": "p-std"}
BED = L("1241763", 4, "14.00")  # E1: BR 56.00, MRO 33.60, TM 22.40
AMC = "RG_VF670 TB-PSAD-AMC"

BOOK.sections["PSAD-AMC-001"] = "Tiers payant et destinataire du règlement"
c(fse("PSAD-AMC-001", "Tiers payant AMO seul : DRG 35",
      "Le prestataire reçoit la part AMO ; le patient doit le reste.",
      "Lit × 4 : MRO 33.60 dû par l'AMO ; patient 22.40 ; destinataire du règlement 35.",
      **STD, lines=[BED], tags="lpp tiers-payant drg", requirements=AMC,
      expect=[V("invoice.tiers_payant.drg", "35", type_="string"),
              V("invoice.tiers_payant.due_from_amo", "33.60"), V("invoice.tiers_payant.due_from_patient", "22.40")]))
c(fse("PSAD-AMC-002", "Sans tiers payant, contrat AMC connu : DRG 10",
      "La part AMC est calculée, mais rien n'est dû au prestataire par l'AMO ni l'AMC.",
      "PPC × 4 = 84.00 : MRO 50.40, AMC (tm) 33.60 remboursés à l'assuré ; dû par le patient au prestataire 84.00 ; "
      "dû par l'AMC au prestataire 0.00 ; DRG 10.",
      **STD, lines=[L("1113930", 4, "21.00")], tiers_payant="none", amc="tm", tags="lpp amc sans-tiers-payant",
      requirements=AMC,
      expect=[V("invoice.tiers_payant.drg", "10", type_="string"), V("invoice.totals.amc", "33.60"),
              V("invoice.tiers_payant.due_from_amc", "0.00"), V("invoice.tiers_payant.due_from_patient", "84.00")]))
c(fse("PSAD-AMC-003", "Tiers payant intégral par un organisme complémentaire",
      "Le type d'acheminement « tiers payant intégral » force le tiers payant AMO + AMC (DRG 36, top éclatement F).",
      "Lit × 4 : dû par l'AMO 33.60, par l'AMC 22.40 (contrat tm par défaut), par le patient 0.00 ; "
      "organisme 12345678.",
      **STD, lines=[BED], amc_type="tiers-payant-integral", amc_number="12345678",
      tags="lpp amc tiers-payant-integral", requirements=AMC + " FIDES-TF-0295",
      expect=[V("invoice.tiers_payant.mode", "amo+amc"), V("invoice.tiers_payant.drg", "36", type_="string"),
              V("invoice.tiers_payant.due_from_amc", "22.40"), V("invoice.tiers_payant.due_from_patient", "0.00"),
              V("invoice.amc.top_eclatement", "F"), V("invoice.amc.flow", "fse")]))
c(fse("PSAD-AMC-004", "Tiers payant intégral, PPC 13 semaines, contrat ticket modérateur",
      "Le TM entier est dû par l'organisme complémentaire.",
      "PPC × 13 = 273.00 : MRO 163.80 ; TM 109.20 à l'AMC ; patient 0.00.",
      **STD, lines=[L("1113930", 13, "21.00")], amc="tm", amc_type="tiers-payant-integral", amc_number="22334455",
      tags="lpp amc tiers-payant-integral", requirements=AMC,
      expect=[V("invoice.tiers_payant.due_from_amc", "109.20"), V("invoice.amc.number", "22334455", type_="string")]))
c(fse("PSAD-AMC-005", "Tiers payant intégral sans numéro d'organisme : refus",
      "L'acheminement vers un organisme complémentaire nomme cet organisme.",
      "amc-type tiers-payant-integral sans amc-number → AMC_NUMBER_MISSING.",
      **STD, lines=[BED], amc_type="tiers-payant-integral", tags="lpp amc refus",
      requirements="TB-REFUS-AMC_NUMBER_MISSING", expect=[refusal("AMC_NUMBER_MISSING")]))

BOOK.sections["PSAD-DRE-001"] = "DRE : demande de remboursement électronique à l'AMC"
c(fse("PSAD-DRE-001", "DRE : la part AMC part en demande de remboursement électronique",
      "Le flux de la part complémentaire est la DRE ; pas de top éclatement.",
      "Lit × 4 : MRO 33.60 ; AMC 22.40 en DRE à l'organisme 87654321 ; dû par le patient 0.00 ; tiers payant AMO+AMC.",
      **STD, lines=[BED], amc_type="dre", amc_number="87654321", tags="lpp dre amc",
      requirements=AMC + " TB-PSAD-DRE",
      expect=[V("invoice.amc.flow", "dre"), V("invoice.tiers_payant.mode", "amo+amc"),
              V("invoice.totals.amc", "22.40"), V("invoice.tiers_payant.due_from_patient", "0.00")]))
c(fse("PSAD-DRE-002", "DRE avec un contrat qui couvre le dépassement, plafonné",
      "La DRE porte la part AMC du contrat : TM et dépassement dans la limite de 10.00.",
      "Soulève-malade 22.00 × 4 = 88.00 : BR 70.12, MRO 42.07, TM 28.05, dépassement 17.88 dont 10.00 ; "
      "AMC 38.05 en DRE ; patient 7.88.",
      **STD, lines=[L("1231782", 4, "22.00")], amc="tm+depassement", amc_cap="10.00", amc_type="dre",
      amc_number="87654321", tags="lpp dre amc plafond depassement", requirements=AMC + " TB-PSAD-DRE",
      expect=[V("invoice.totals.amc", "38.05"), V("invoice.totals.patient", "7.88"), V("invoice.amc.flow", "dre")]))
c(fse("PSAD-DRE-003", "DRE demandée sans tiers payant : tiers payant AMO + AMC quand même",
      "Une part AMC acheminée en DRE met la facture en tiers payant AMO + AMC.",
      "tiers-payant none demandé, DRE : mode amo+amc, demandé none ; OCT × 2 = 90.00 → MRO 54.00, AMC 36.00.",
      **STD, lines=[L("1128104", 2, "45.00")], tiers_payant="none", amc_type="dre", amc_number="87654321",
      tags="lpp dre tiers-payant", requirements=AMC + " TB-PSAD-DRE",
      expect=[V("invoice.tiers_payant.requested", "none"), V("invoice.tiers_payant.mode", "amo+amc"),
              V("invoice.tiers_payant.due_from_amc", "36.00")]))
c(fse("PSAD-DRE-004", "DRE sans numéro d'organisme : refus",
      "Une DRE est adressée à un organisme nommé.",
      "amc-type dre sans amc-number → AMC_NUMBER_MISSING.",
      **STD, lines=[BED], amc_type="dre", tags="lpp dre refus", requirements="TB-REFUS-AMC_NUMBER_MISSING",
      expect=[refusal("AMC_NUMBER_MISSING")]))
c(fse("PSAD-DRE-005", "DRE en dégradé, patient en ALD",
      "À 100 %, la part AMC de la DRE est nulle.",
      "Patient exonéré et en ALD : ligne ALD 1188069 174.50 → 100 % ; TM 0 → AMC 0.00 ; patient 0.00.",
      card=None, patient="p-exo-ald", lines=[L("1188069", 1, "174.50", ald="true")], amc_type="dre",
      amc_number="87654321", tags="lpp dre ald degrade", requirements=AMC + " TB-PSAD-DRE",
      expect=[V("invoice.totals.amc", "0.00"), V("invoice.amc.flow", "dre")]))

BOOK.sections["PSAD-C2S-001"] = "C2S gérée par un organisme complémentaire (contrat 89)"
c(fse("PSAD-C2S-001", "C2S gérée par un organisme : type de contrat 89",
      "Le TM va à l'organisme gestionnaire de la C2S, nommé sur la facture (FIDES-TF 02117, 02119).",
      "Carte C2S, lit × 4 : MRO 33.60 ; C2S 22.40 ; payeur c2s ; contrat 89 ; organisme 99999999 ; patient 0.00.",
      card="vitale-c2s", patient="p-c2s", lines=[BED], tiers_payant="amo+amc", amc_type="c2s", amc_number="99999999",
      tags="lpp c2s amc",
      requirements=AMC + " SP03 FIDES-TF-02117",
      expect=[V("invoice.amc.contract_type", "89", type_="string"), V("invoice.amc.payer", "c2s"),
              V("invoice.totals.amc", "22.40"), V("invoice.totals.patient", "0.00")]))
c(fse("PSAD-C2S-002", "C2S par un organisme, en Alsace-Moselle",
      f"Le régime local réduit le TM que paie l'organisme ; {LOCAL_LPP_UNVERIFIED}.",
      "Patient C2S Alsace-Moselle, lit × 4 = 56.00 : MRO 90 % = 50.40 ; C2S 5.60 ; contrat 89.",
      card=None, patient="p-c2s-alsace", lines=[BED], tiers_payant="amo+amc", amc_type="c2s", amc_number="99999999",
      tags="lpp c2s alsace-moselle amc", requirements=AMC + " SP03 RG_VF674",
      expect=[V("invoice.totals.amc", "5.60"), V("invoice.amc.contract_type", "89", type_="string")]))
c(fse("PSAD-C2S-003", "Contrat C2S pour un assuré sans C2S : refus",
      "Le contrat 89 suppose des droits C2S à la date des soins.",
      "Assuré standard, amc-type c2s → C2S_NOT_IN_RIGHTS.",
      **STD, lines=[BED], amc_type="c2s", amc_number="99999999", tags="lpp c2s refus",
      requirements="SP03 TB-REFUS-C2S_NOT_IN_RIGHTS", expect=[refusal("C2S_NOT_IN_RIGHTS")]))
c(fse("PSAD-C2S-004", "Carte C2S, soins avant la C2S, contrat C2S : refus",
      "Les droits C2S de la carte ne commencent que le 2026-01-01.",
      "Soins du 2025-12-15, amc-type c2s → C2S_NOT_IN_RIGHTS.",
      card="vitale-c2s", patient="p-c2s", lines=[BED], date="2025-12-15", amc_type="c2s", amc_number="99999999",
      tags="lpp c2s periode refus", requirements="SP03 TB-REFUS-C2S_NOT_IN_RIGHTS",
      expect=[refusal("C2S_NOT_IN_RIGHTS")]))

BOOK.sections["PSAD-AMC-020"] = "Lots de factures à part complémentaire"
lot_case("PSAD-AMC-020", "Lot de deux factures en tiers payant intégral et RSP de paiement",
         "Le lot porte les parts AMO ; l'ARL et le RSP suivent.",
         "Lit × 4 (MRO 33.60, AMC 22.40) et PPC × 13 (MRO 163.80, AMC 109.20), tiers payant intégral : "
         "lot AMO 197.40 ; RSP : paid.",
         [invoice("p-std", "2026-02-02", [BED], sid="s-invoice-1", amc_type="tiers-payant-integral",
                  amc_number="12345678"), secure("s-secure-1"),
          invoice("p-std", "2026-02-02", [L("1113930", 13, "21.00")], sid="s-invoice-2",
                  amc_type="tiers-payant-integral", amc_number="12345678"), secure("s-secure-2"),
          el("build-lot", "s-lot"), el("read-returns", "s-rsp", scenario="rsp-paid")],
         [V("lot.totals.amo", "197.40", step="s-lot"), V("returns.status", "paid", step="s-rsp")],
         tags="lot amc tiers-payant-integral", book=BOOK)
