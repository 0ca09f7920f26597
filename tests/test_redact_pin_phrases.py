"""A PIN an application logs in a common French phrase is masked at capture (audit s23, F1).

« Code porteur saisi : 5678 », « PIN saisi : 5678 » reached the session file and the redacted report: the rules
wanted the code right after its label. A few words may now stand between (a closed list: saisi, entré, « du
porteur », « (4 chiffres) »…), the code in brackets too, and a label may start a camelCase word (« VerifyPIN »).
A number after other words, or a number that is no code, stays.
"""

from __future__ import annotations

import pytest

from testbench.traces.pin_words import may_hold_pin
from testbench.traces.redact import Redactor, redact_pins

MASKED = [
    ("Code porteur saisi : 5678", "Code porteur saisi : ‹PIN›"),
    ("PIN saisi : 5678", "PIN saisi : ‹PIN›"),
    ("PIN saisi 1234", "PIN saisi ‹PIN›"),
    ("PIN saisi = 1234", "PIN saisi = ‹PIN›"),
    ("saisie PIN [1234]", "saisie PIN [‹PIN›]"),
    ("VerifyPIN(1234) -> 9000", "VerifyPIN(‹PIN›) -> 9000"),
    ("verifypin(1234)", "verifypin(‹PIN›)"),
    ("enterPin=4719", "enterPin=‹PIN›"),
    ("Code PIN du porteur : 1234", "Code PIN du porteur : ‹PIN›"),
    ("Saisie du code porteur (4 chiffres) : 1234", "Saisie du code porteur (4 chiffres) : ‹PIN›"),
    ("code porteur entré : 4719", "code porteur entré : ‹PIN›"),
    ("PIN saisi par le porteur : 4719", "PIN saisi par le porteur : ‹PIN›"),
    ("[INFO] Code porteur saisi : PIN=1234", "[INFO] Code porteur saisi : PIN=‹PIN›"),
]


@pytest.mark.parametrize(("line", "masked"), MASKED)
def test_a_pin_after_a_few_words_of_its_label_is_masked(line: str, masked: str) -> None:
    assert may_hold_pin(line)  # the store's cheap question lets it through to the rules
    assert redact_pins(line) == masked
    assert Redactor().redact(line) == masked


@pytest.mark.parametrize(
    "line",
    [
        "PIN saisi, montant : 1234",  # another word between: the number is the amount's
        "code porteur (4 chiffres) attendu, montant 2026",
        "PIN saisi : 3 essais",
        "PIN saisi le 2026-01-12",
        "Facture de 1234,00 EUR pour 2026",
        "SPIN 1234",  # capitals: no camelCase word
        "Spin 1234",
        "shipping 1234 items",
    ],
)
def test_a_number_that_is_no_pin_stays(line: str) -> None:
    assert redact_pins(line) == line


def test_the_four_of_four_digits_stays_and_only_the_code_goes() -> None:
    assert redact_pins("Code porteur (4 chiffres) : 2026") == "Code porteur (4 chiffres) : ‹PIN›"
    assert redact_pins("PIN (4 chiffres) requis") == "PIN (4 chiffres) requis"
