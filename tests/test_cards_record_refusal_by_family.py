"""``cards record`` refusing a real card says what its recording would hold by card family (audit s26-cards, E6):
a CPS carries its holder's RPPS, name and places of practice (FINESS), not a NIR nor a birth date."""

from __future__ import annotations

import pytest

from testbench.cards.messages import record_refused

TAIL_FR = " ; seules les cartes de test sont enregistrées, sauf avec --allow-real-cards ; rien n'a été écrit"


@pytest.mark.parametrize(
    ("family", "lang", "says"),
    [
        (
            "cps3",
            "fr",
            "Carte réelle refusée : son enregistrement contiendrait l'identité de son porteur (RPPS, nom,"
            " FINESS de ses lieux d'exercice)" + TAIL_FR,
        ),
        (
            "cps4",
            "en",
            "Real card refused: its recording would hold its holder's identity (RPPS, name, FINESS of"
            " their places of practice); only test cards are recorded, unless --allow-real-cards; nothing was written",
        ),
        (
            "vitale2",
            "fr",
            "Carte réelle refusée : son enregistrement contiendrait l'identité de son porteur (NIR, nom,"
            " date de naissance)" + TAIL_FR,
        ),
        (
            "vitale1",
            "en",
            "Real card refused: its recording would hold its holder's identity (NIR, name, birth"
            " date); only test cards are recorded, unless --allow-real-cards; nothing was written",
        ),
    ],
)
def test_the_refusal_names_what_the_family_holds(family: str, lang: str, says: str) -> None:
    assert record_refused("R", family, lang) == says


def test_a_demonstration_card_is_named_so() -> None:
    assert record_refused("D", "cps3", "fr").startswith("Carte de démonstration refusée : ")
