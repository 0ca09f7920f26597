"""Durations, status words and dates of care are no PIN and no birth date (audit s23-verify3, R2/R3).

The PIN rule of b681436 took any number in brackets or after a gap word (« code porteur (1250 ms) », « Présentation
PIN [9000] », « PIN reçu 20260312 à 10:00 ») and masked it at capture, where it is lost from the session; the birth
rule let its label reach a date of care 30 characters on (« naissance non renseignée, facture du 3 avril 2026 »).
"""

from __future__ import annotations

import pytest

from testbench.traces.redact import Redactor, redact, redact_pins

KEPT_BY_PIN_RULE = [
    "Vérification code porteur (1250 ms)",
    "Code porteur reçu (1250 ms)",
    "Code porteur saisi : 1250 ms",
    "PIN (30 s)",
    "PIN(1250 ms)",
    "Présentation PIN [9000]",  # the card's « OK »
    "vérification code porteur (6983)",  # code blocked
    "Présentation PIN [63C2]",
    "PIN [2026-03-12 10:00:00] vérifié",
    "PIN reçu 20260312 à 10:00",
    "PIN saisi : 2026-03-12",
    "code porteur saisi 01011990",
]


@pytest.mark.parametrize("line", KEPT_BY_PIN_RULE)
def test_a_duration_a_status_word_or_a_date_after_a_pin_label_stays(line: str) -> None:
    assert redact_pins(line) == line
    assert Redactor().redact(line) == line


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        ("saisie PIN [9000]", "saisie PIN [‹PIN›]"),  # an entered code, though it reads as 9000
        ("VerifyPIN(9000)", "VerifyPIN(‹PIN›)"),  # a call's argument
        ("Présentation PIN [1234]", "Présentation PIN [‹PIN›]"),
        ("PIN reçu 1234 à 10:00", "PIN reçu ‹PIN› à 10:00"),
        ("PIN(1234, 3)", "PIN(‹PIN›, 3)"),
        ("code porteur [4 7 1 9]", "code porteur [‹PIN›]"),
        ("password (hunter2)", "password (‹SECRET›)"),
        ("mot de passe saisi : hunter2", "mot de passe saisi : ‹SECRET›"),
    ],
)
def test_a_code_in_brackets_or_after_a_gap_word_is_still_masked(line: str, masked: str) -> None:
    assert redact_pins(line) == masked


@pytest.mark.parametrize(
    "line",
    [
        "naissance non renseignée, facture du 3 avril 2026 n° F0012",
        "ddn absente : soins 12 mai 2026",
        "dob check skipped, invoice date 14 juil. 2026",
        "naissance : soins du 03/04/2026",
        "ddn absente, soins du 03/04/2026",
    ],
)
def test_a_date_of_care_after_an_empty_birth_label_stays(line: str) -> None:
    assert redact(line) == line


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        ("date de naissance du patient : 3 avril 2012", "date de naissance du patient : ‹DATE_NAISSANCE›"),
        ("date de naissance du 12/05/1985", "date de naissance du ‹DATE_NAISSANCE›"),
        ("date_naissance;12/05/1985", "date_naissance;‹DATE_NAISSANCE›"),
        ("né le 12/05/1985 à Lyon, soins du 3 avril 2026", "né le ‹DATE_NAISSANCE› à Lyon, soins du 3 avril 2026"),
    ],
)
def test_a_birth_date_after_its_label_is_still_masked(line: str, masked: str) -> None:
    assert redact(line) == masked
