"""psad-cartes.xml: card robustness — CPS PIN change and unblock, a card pulled or swapped mid-case, Vitale 1,
real (non-test) cards, what a card read gives."""

from __future__ import annotations

from bundled_cases.common import CARDS, PATIENTS, D
from bundled_cases.model import Book, Case, Expect, L, Step, V, el, invoice, read_vitale, refusal, secure

HEADER = """
Cahier PSAD/MAD de testbench : ROBUSTESSE DES CARTES, format version 1.

Ce fichier n'est PAS un document du CNDA. Code porteur de la CPS changé et débloqué (les codes viennent des
profils de carte, jamais du cahier ; le banc ne risque jamais le dernier essai), carte retirée ou échangée
au milieu d'un cas, carte Vitale 1, cartes réelles refusées, données lues sur les cartes. Règles et
observations : docs/cards.md. Personnes, NIR et RPPS fictifs.
"""

FIXTURES = "\n".join(
    [
        CARDS,
        '<card id="cps-blocked" profile="cards/cps3-pin-blocked.xml"/>',
        '<card id="cps-last-try" profile="cards/cps3-pin-last-try.xml"/>',
        '<card id="cps-unblock-blocked" profile="cards/cps3-unblock-blocked.xml"/>',
        '<card id="cps-real" profile="cards/cps3-real-nature.xml"/>',
        '<card id="vitale-real" profile="cards/vitale2-real-nature.xml"/>',
        '<card id="vitale1" profile="cards/vitale1-adult.xml"/>',
        '<patient id="p-vitale1" card="vitale1" rank="1"/>',
        PATIENTS,
    ]
)

BOOK = Book(
    filename="psad-cartes.xml",
    plan_id="TB-PSAD-CARTES-001",
    title="PSAD/MAD : robustesse des cartes CPS et Vitale (pas un document CNDA)",
    ps_category="fournisseur-lpp",
    header=HEADER,
    fixtures=FIXTURES,
)

BED = L("1241763", 4, "14.00")  # E1: BR 56.00, MRO 33.60


def case(cid: str, title: str, objective: str, comment: str, cards: list[tuple[str, str]], steps: list[Step],
         expect: list[Expect], tags: str, requirements: str, domain: str = "cards", mode: str = "none") -> None:
    BOOK.cases.append(Case(id=cid, domain=domain, mode=mode, tags=tags, title=title, objective=objective,
                           comment=comment, cards=cards, steps=steps, expect=expect, requirements=requirements))


PIN = "TB-CARTES-PIN"
BOOK.sections["CARD-PIN-001"] = "Code porteur de la CPS : changement et déblocage"
case("CARD-PIN-001", "Changer le code porteur de la CPS du prestataire",
     "Le banc change le code de test, puis présente le nouveau code.",
     "CHANGE REFERENCE DATA avec le code du profil, puis VERIFY avec le nouveau : statut verified, 3 essais.",
     [("cps", "cps-psad")], [el("read-cps", "s-cps"), el("change-pin", "s-change"), el("verify-pin", "s-pin")],
     [V("pin.status", "verified", step="s-pin"), V("pin.tries_left", "3", step="s-pin")],
     tags="cps pin changement", requirements=PIN)
case("CARD-PIN-002", "Changer le code porteur deux fois (retour au code d'origine)",
     "Un second changement revient au code d'origine ; le dernier pas de code dit changed.",
     "Deux CHANGE REFERENCE DATA : statut changed, 3 essais.",
     [("cps", "cps-psad")], [el("change-pin", "s-change-1"), el("change-pin", "s-change-2")],
     [V("pin.status", "changed", step="s-change-2"), V("pin.tries_left", "3", step="s-change-2")],
     tags="cps pin changement", requirements=PIN)
case("CARD-PIN-003", "Changer le code porteur de la CPS infirmière",
     "Le changement vaut pour toute CPS de test.",
     "CPS4 infirmière : CHANGE REFERENCE DATA → changed, 3 essais.",
     [("cps", "cps-nurse")], [el("read-cps", "s-cps"), el("change-pin", "s-change")],
     [V("cps.profession", "Infirmier", step="s-cps"), V("pin.status", "changed", step="s-change")],
     tags="cps pin changement infirmier", requirements=PIN)
case("CARD-PIN-004", "Débloquer le code d'une CPS bloquée, puis le présenter",
     "Le code de déblocage du profil remet les essais à 3 ; le code porteur passe ensuite.",
     "VERIFY refusé PIN_BLOCKED (0 essai, rien n'est envoyé) ; RESET RETRY COUNTER → 3 essais ; VERIFY → verified.",
     [("cps", "cps-blocked")],
     [el("verify-pin", "s-pin-1"), el("unblock-pin", "s-unblock"), el("verify-pin", "s-pin-2")],
     [refusal("PIN_BLOCKED", step="s-pin-1"), V("pin.status", "verified", step="s-pin-2"),
      V("pin.tries_left", "3", step="s-pin-2")],
     tags="cps pin deblocage", requirements=PIN + " TB-REFUS-PIN_BLOCKED")
case("CARD-PIN-005", "CPS bloquée : changer le code est refusé",
     "Un code bloqué ne se change pas sans déblocage.",
     "0 essai restant : CHANGE REFERENCE DATA non envoyé → PIN_BLOCKED.",
     [("cps", "cps-blocked")], [el("change-pin", "s-change")], [refusal("PIN_BLOCKED", step="s-change")],
     tags="cps pin refus", requirements=PIN + " TB-REFUS-PIN_BLOCKED")
case("CARD-PIN-006", "CPS à un essai : le banc ne présente pas le code",
     "Le dernier essai n'est jamais risqué.",
     "1 essai restant : VERIFY non envoyé → PIN_TRIES_LOW.",
     [("cps", "cps-last-try")], [el("verify-pin", "s-pin")], [refusal("PIN_TRIES_LOW", step="s-pin")],
     tags="cps pin refus", requirements=PIN + " TB-REFUS-PIN_TRIES_LOW")
case("CARD-PIN-007", "CPS à un essai : débloquer puis changer le code",
     "Le déblocage rend les essais ; le changement passe ensuite.",
     "CHANGE refusé PIN_TRIES_LOW ; RESET RETRY COUNTER → 3 essais ; CHANGE → changed.",
     [("cps", "cps-last-try")], [el("change-pin", "s-change-1"), el("unblock-pin", "s-unblock"),
                                 el("change-pin", "s-change-2")],
     [refusal("PIN_TRIES_LOW", step="s-change-1"), V("pin.status", "changed", step="s-change-2")],
     tags="cps pin deblocage", requirements=PIN + " TB-REFUS-PIN_TRIES_LOW")
case("CARD-PIN-008", "Code de déblocage lui-même bloqué : refus",
     "Une CPS dont le code de déblocage est épuisé ne se débloque plus.",
     "Code de déblocage à 0 essai → UNBLOCK_BLOCKED.",
     [("cps", "cps-unblock-blocked")], [el("unblock-pin", "s-unblock")], [refusal("UNBLOCK_BLOCKED", step="s-unblock")],
     tags="cps pin refus", requirements=PIN + " TB-REFUS-UNBLOCK_BLOCKED")
case("CARD-PIN-009", "Débloquer une CPS qui n'est pas bloquée",
     "Le déblocage remet les essais au maximum et garde le code.",
     "RESET RETRY COUNTER → unblocked, 3 essais ; VERIFY avec le même code → verified.",
     [("cps", "cps-psad")], [el("unblock-pin", "s-unblock"), el("verify-pin", "s-pin")],
     [V("pin.status", "verified", step="s-pin"), V("pin.tries_left", "3", step="s-pin")],
     tags="cps pin deblocage", requirements=PIN)

PULL = "TB-CARTES-RETRAIT"
BOOK.sections["CARD-PULL-001"] = "Carte retirée ou échangée au milieu d'un cas"
case("CARD-PULL-001", "Carte Vitale retirée avant sa lecture",
     "Lire une carte retirée est refusé proprement.",
     "remove-card vitale : cards.vitale.removed vrai ; read-vitale → NO_CARD.",
     [("cps", "cps-psad"), ("vitale", "vitale-std")],
     [el("remove-card", "s-pull", slot="vitale"), read_vitale(sid="s-read")],
     [V("cards.vitale.removed", "true", step="s-pull"), refusal("NO_CARD", step="s-read")],
     tags="vitale retrait refus", requirements=PULL + " TB-REFUS-NO_CARD")
case("CARD-PULL-002", "CPS retirée avant la présentation du code",
     "Présenter le code d'une CPS absente est refusé.",
     "remove-card cps ; verify-pin → NO_CARD.",
     [("cps", "cps-psad"), ("vitale", "vitale-std")],
     [el("remove-card", "s-pull", slot="cps"), el("verify-pin", "s-pin")], [refusal("NO_CARD", step="s-pin")],
     tags="cps retrait refus", requirements=PULL + " TB-REFUS-NO_CARD")
SEC_HEAD = [el("read-cps", "s-cps"), el("verify-pin", "s-pin"), read_vitale()]
case("CARD-PULL-003", "Carte Vitale retirée entre la facture et sa sécurisation",
     "Sécuriser sans la carte du bénéficiaire est refusé.",
     "Lit × 4 facturé (MRO 33.60), carte Vitale retirée, secure → NO_CARD.",
     [("cps", "cps-psad"), ("vitale", "vitale-std")],
     [*SEC_HEAD, invoice("p-std", D, [BED]), el("remove-card", "s-pull", slot="vitale"), secure()],
     [V("invoice.totals.amo", "33.60"), refusal("NO_CARD", step="s-secure")],
     tags="vitale retrait securisation refus", requirements=PULL + " TB-REFUS-NO_CARD", domain="fse", mode="securise")
case("CARD-PULL-004", "Carte Vitale échangée entre la facture et sa sécurisation",
     "Une autre carte (un autre assuré) dans le lecteur : la sécurisation est refusée.",
     "Facture de l'assuré standard (PPC × 4 → 50.40), carte ALD insérée : cards.vitale.swapped vrai ; "
     "secure → CARD_SWAPPED.",
     [("cps", "cps-psad"), ("vitale", "vitale-std")],
     [*SEC_HEAD, invoice("p-std", D, [L("1113930", 4, "21.00")]),
      el("insert-card", "s-swap", slot="vitale", card="vitale-ald"), secure()],
     [V("invoice.totals.amo", "50.40"), V("cards.vitale.swapped", "true", step="s-swap"),
      refusal("CARD_SWAPPED", step="s-secure")],
     tags="vitale echange securisation refus", requirements=PULL + " TB-REFUS-CARD_SWAPPED", domain="fse",
     mode="securise")
case("CARD-PULL-005", "Carte Vitale retirée puis remise : la sécurisation passe",
     "La même carte remise n'est pas un échange.",
     "OCT × 1 facturé (27.00) ; carte retirée puis remise : swapped faux ; secure → secured.",
     [("cps", "cps-psad"), ("vitale", "vitale-std")],
     [*SEC_HEAD, invoice("p-std", D, [L("1128104", 1, "45.00")]), el("remove-card", "s-pull", slot="vitale"),
      el("insert-card", "s-back", slot="vitale", card="vitale-std"), secure()],
     [V("invoice.totals.amo", "27.00"), V("cards.vitale.swapped", "false", step="s-back"),
      V("secure.status", "secured", step="s-secure")],
     tags="vitale retrait", requirements=PULL, domain="fse", mode="securise")
case("CARD-PULL-006", "Patient suivant : carte échangée, relue, nouvelle facture sécurisée",
     "Changer de patient, c'est changer de carte puis la relire.",
     "Facture 1 (lit × 4, 33.60) sécurisée ; carte ALD insérée et lue ; facture 2 en rapport avec l'ALD "
     "(PPC × 4 = 84.00 → 100 %) sécurisée : secured.",
     [("cps", "cps-psad"), ("vitale", "vitale-std")],
     [*SEC_HEAD, invoice("p-std", D, [BED], sid="s-invoice-1"), secure("s-secure-1"),
      el("insert-card", "s-swap", slot="vitale", card="vitale-ald"), read_vitale(sid="s-vitale-2"),
      invoice("p-ald", D, [L("1113930", 4, "21.00", ald="true")], sid="s-invoice-2"), secure("s-secure-2")],
     [V("invoice.totals.amo", "84.00", step="s-invoice-2"), V("secure.status", "secured", step="s-secure-2")],
     tags="vitale echange ald", requirements=PULL, domain="fse", mode="securise")

BOOK.sections["CARD-READ-001"] = "Lecture des cartes : Vitale 1, cartes réelles, données lues"
case("CARD-READ-001", "Carte Vitale 1 : lecture et FSE sécurisée",
     "Une Vitale 1 (sans date de fin de droits) se lit par son propre chemin et sécurise normalement.",
     "NIR 115039999900580 lu ; PPC × 4 = 84.00 → 50.40 ; secure → secured.",
     [("cps", "cps-psad"), ("vitale", "vitale1")],
     [*SEC_HEAD, invoice("p-vitale1", D, [L("1113930", 4, "21.00")]), secure()],
     [V("vitale.nir", "115039999900580", step="s-vitale"), V("invoice.totals.amo", "50.40"),
      V("secure.status", "secured", step="s-secure")],
     tags="vitale1", requirements="TB-CARTES-VITALE1", domain="fse", mode="securise")
case("CARD-READ-002", "Carte Vitale 1 : bénéficiaire lu",
     "Le nom du bénéficiaire vient de la carte.",
     "Bénéficiaire de rang 1 : PROTO.",
     [("vitale", "vitale1")], [read_vitale()],
     [V("vitale.beneficiaries[0].name", "PROTO", step="s-vitale"),
      V("vitale.beneficiaries[0].rank", "1", step="s-vitale")],
     tags="vitale1", requirements="TB-CARTES-VITALE1")
case("CARD-READ-003", "CPS de nature réelle : refus",
     "Le banc ne travaille qu'avec des cartes de test.",
     "CPS de nature R : read-cps → CARD_NOT_TEST.",
     [("cps", "cps-real")], [el("read-cps", "s-cps")], [refusal("CARD_NOT_TEST", step="s-cps")],
     tags="cps reelle refus", requirements="TB-REFUS-CARD_NOT_TEST")
case("CARD-READ-004", "Carte Vitale réelle insérée après la CPS : refus",
     "Une carte Vitale réelle est refusée à la lecture, même après une CPS de test.",
     "CPS de test lue ; carte Vitale de nature R : read-vitale → CARD_NOT_TEST.",
     [("cps", "cps-psad"), ("vitale", "vitale-real")], [el("read-cps", "s-cps"), read_vitale()],
     [V("cps.rpps", "89990000013", step="s-cps"), refusal("CARD_NOT_TEST", step="s-vitale")],
     tags="vitale reelle refus", requirements="TB-REFUS-CARD_NOT_TEST")
case("CARD-READ-005", "Carte familiale : les cinq bénéficiaires lus",
     "Les rangs des jumeaux se suivent ; chacun garde son nom.",
     "Rang 5 (jumeau LOUIS) : nom FICTIF, rang 5.",
     [("vitale", "vitale-family")], [read_vitale()],
     [V("vitale.beneficiaries[4].rank", "5", step="s-vitale"),
      V("vitale.beneficiaries[4].name", "FICTIF", step="s-vitale")],
     tags="vitale famille", requirements="TB-CARTES-LECTURE")
case("CARD-READ-006", "Carte aux droits échus : la lecture réussit",
     "Des droits échus n'empêchent pas la lecture ; c'est la facture qui sera refusée.",
     "NIR 288109999901349 lu.",
     [("vitale", "vitale-expired")], [read_vitale()], [V("vitale.nir", "288109999901349", step="s-vitale")],
     tags="vitale droits", requirements="TB-CARTES-LECTURE")
case("CARD-READ-007", "Carte du régime minier : la lecture réussit",
     "Le régime 07 est lu sur la carte.",
     "NIR 149049999901767 lu, bénéficiaire ESSAI.",
     [("vitale", "vitale-mines")], [read_vitale()],
     [V("vitale.nir", "149049999901767", step="s-vitale"), V("vitale.beneficiaries[0].name", "ESSAI", step="s-vitale")],
     tags="vitale regime-07", requirements="TB-CARTES-LECTURE")
case("CARD-READ-008", "CPS infirmière : RPPS et profession lus",
     "La CPS4 de l'infirmière donne son RPPS et sa profession.",
     "RPPS 89990000021, profession Infirmier.",
     [("cps", "cps-nurse")], [el("read-cps", "s-cps")],
     [V("cps.rpps", "89990000021", step="s-cps"), V("cps.profession", "Infirmier", step="s-cps")],
     tags="cps infirmier", requirements="TB-CARTES-LECTURE")
