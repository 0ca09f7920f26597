"""The run's console says a refused card's found and expected holder alike: both hidden, with how they differ (it
hid the found RPPS and showed the expected one, and « ‹NIR› au lieu de ‹NIR› » told nothing)."""

from __future__ import annotations

import pytest

from testbench.cli.progress import Progress
from testbench.i18n import use_language

REFUSED = (
    "carte refusée, le cas n'a pas démarré : Le lecteur « L1 » (cps) contient la carte CPS (CPS4) de test"
    " « cps4-nurse » de JULIE FICTIF (Infirmier) ; le cas attend la carte CPE (CPS3) de test « cps3-psad-lpp »"
    " de MARIE ESSAI."
    " Différences : famille de carte : CPS4 au lieu de CPS3 ; RPPS : 10000000013 au lieu de 89990000013 ;"
    " porteur : JULIE FICTIF au lieu de MARIE ESSAI. Le lecteur « L0 » (vitale) contient la carte Vitale 2 de test."
    " Différences : NIR du bénéficiaire 1 : 280017599900133 au lieu de 180017599900177."
)


@pytest.mark.parametrize(
    ("lang", "rpps", "nir"),
    [
        ("fr", "RPPS : ‹RPPS› au lieu de ‹RPPS› (4 caractères sur 11 diffèrent)", "(3 caractères sur 15 diffèrent)"),
        ("en", "RPPS: ‹RPPS› instead of ‹RPPS› (4 characters of 11 differ)", "(3 characters of 15 differ)"),
    ],
)
def test_a_card_refusal_hides_both_values_and_says_how_they_differ(lang: str, rpps: str, nir: str) -> None:
    with use_language(lang):
        said = Progress()._reason(REFUSED)
    for value in ("10000000013", "89990000013", "280017599900133", "180017599900177", "JULIE", "MARIE"):
        assert value not in said
    assert rpps in said and nir in said
