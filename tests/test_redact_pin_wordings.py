"""Audit s25 (2): PIN wordings an application logs or a person types (review --reason, cover --operator), masked at
capture and export, and let through by the store's cheap question (``may_hold_pin``)."""

from __future__ import annotations

import pytest

from testbench.traces.pin_words import may_hold_pin
from testbench.traces.redact import Redactor, redact_pins

MASKED = [
    ("code secret carte CPS : 4719", "code secret carte CPS : ‹SECRET›"),  # up to six words, as « code secret : »
    ("Mot de passe carte : 4719", "Mot de passe carte : ‹SECRET›"),
    ("mot de passe de la carte CPS : hunter2", "mot de passe de la carte CPS : ‹SECRET›"),
    ("unblock code 27183645", "unblock code ‹PIN›"),  # listed in docs/traces.md
    ("CPS code: 4719", "CPS code: ‹PIN›"),  # the English of « code CPS »
    ("cardholder code: 4719", "cardholder code: ‹PIN›"),  # the English of « code porteur »
    ("Code d'accès : 4719", "Code d'accès : ‹PIN›"),
    ("Code d’accès : 4719", "Code d’accès : ‹PIN›"),
    ("code de déverrouillage : 27183645", "code de déverrouillage : ‹PIN›"),
    ("carte CPS : ancien code 4719 nouveau code 7031", "carte CPS : ancien code ‹PIN› nouveau code ‹PIN›"),
    ("ＰＩＮ=4719", "PIN=‹PIN›"),  # full-width, read in NFKC
    ("code porteur\u202f: 4719", "code porteur : ‹PIN›"),  # French typography's no-break space before « : »
    ("PIN saisi: ****, confirmation 4719", "PIN saisi: ****, confirmation ‹PIN›"),
]


@pytest.mark.parametrize(("line", "masked"), MASKED)
def test_a_pin_wording_is_masked_and_asked_for(line: str, masked: str) -> None:
    assert redact_pins(line) == masked
    assert Redactor().redact(line) == masked
    assert may_hold_pin(line)  # a reason or an operator's name typed so reaches the rules


@pytest.mark.parametrize(
    "line",
    [
        "code acte C 1234 facture 98765432",
        "code retour 6982",
        "nouveau code postal 75011",  # a word between: an address's
        "ancien code postal : 75011",
        "password expired for user bob: 2 days",
        "carte **** **** **** 1234, new 5678",
    ],
)
def test_a_number_near_these_words_that_is_no_code_stays(line: str) -> None:
    assert redact_pins(line) == line
