"""A card pulled mid-case reads « carte indisponible » once (verification s23-verify4): the runner's prefix came
before the card layer's own sentence, « carte indisponible : carte indisponible dans le lecteur … »."""

from __future__ import annotations

from testbench.cards.api import CardUnavailable
from testbench.runner.runner import card_unavailable


def test_the_prefix_is_not_repeated() -> None:
    pulled = CardUnavailable("carte indisponible dans le lecteur « R » (retirée ou muette)")
    assert card_unavailable(pulled) == "carte indisponible dans le lecteur « R » (retirée ou muette)"
    assert card_unavailable(CardUnavailable("SW 6986")) == "carte indisponible : SW 6986"
