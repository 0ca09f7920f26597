"""A PIN in its label's clause is masked whatever the words between; a status word, a duration or a date is not
(audit s23-verify5, B1/B2).

The rule took only a closed list of words between a code's label and the code (« PIN transmis à la carte : 1234 »
was stored in clear), and after a plain « : », « = » or space it took any number (« Vérification PIN : 9000 en 1250
ms », « Code porteur : 2026-12-06 » lost the card's answer and the date at capture).
"""

from __future__ import annotations

import pytest

from testbench.traces.pin_words import may_hold_pin
from testbench.traces.redact import Redactor, redact_pins

MASKED = [
    ("PIN transmis à la carte : 1234", "PIN transmis à la carte : ‹PIN›"),
    ("PIN transmis à la CPS : 1234", "PIN transmis à la CPS : ‹PIN›"),
    ("PIN envoyé au lecteur : 1234", "PIN envoyé au lecteur : ‹PIN›"),
    ("PIN saisi par l'utilisateur : 1234", "PIN saisi par l'utilisateur : ‹PIN›"),
    ("PIN saisi sur le clavier : 1234", "PIN saisi sur le clavier : ‹PIN›"),
    ("PIN saisi pour la carte CPS : 1234", "PIN saisi pour la carte CPS : ‹PIN›"),
    ("Code porteur saisi sur le pinpad : 1234", "Code porteur saisi sur le pinpad : ‹PIN›"),
    ("PIN utilisateur : 1234", "PIN utilisateur : ‹PIN›"),
    ("PIN du professionnel : 1234", "PIN du professionnel : ‹PIN›"),
    ("PIN (CPS) : 1234", "PIN (CPS) : ‹PIN›"),
    ("changement de PIN : ancien 1234, nouveau 5678", "changement de PIN : ancien ‹PIN›, nouveau ‹PIN›"),
    ("nouveau PIN : 8765, confirmation : 8765", "nouveau PIN : ‹PIN›, confirmation : ‹PIN›"),
    (
        "déblocage : code de déblocage 12345678, nouveau PIN 4321",
        "déblocage : code de déblocage ‹PIN›, nouveau PIN ‹PIN›",
    ),
    ("code de déblocage 12345678", "code de déblocage ‹PIN›"),
    ("PUK = 12345678", "PUK = ‹PIN›"),
    ("[INFO ] Lecteur - PIN transmis à la carte : 1234", "[INFO ] Lecteur - PIN transmis à la carte : ‹PIN›"),
    ("PIN saisi : 1234 en 850 ms", "PIN saisi : ‹PIN› en 850 ms"),
]


@pytest.mark.parametrize(("line", "masked"), MASKED)
def test_a_pin_in_its_labels_clause_is_masked(line: str, masked: str) -> None:
    assert may_hold_pin(line)
    assert redact_pins(line) == masked
    assert Redactor().redact(line) == masked


KEPT = [
    "Vérification PIN : 9000 en 1250 ms",
    "Présentation PIN : 6982",
    "SW PIN = 6982",
    "PIN: 6983 carte bloquée",
    "Vérification PIN 9000",
    "Présentation du code porteur 9000 en 1200 ms",
    "Durée saisie PIN : 1250 ms",
    "Temps de saisie PIN : 4500 ms",
    "Dernière saisie PIN : 06/12/2026 08:31",
    "Code porteur : 2026-12-06",
    "Présentation code porteur : réponse 6982 (code faux)",
    "Vérification PIN : statut 6983, carte bloquée",
    "Saisie du code porteur terminée en 2300 ms",
    "carte CPS lue, code porteur vérifié (9000), durée 1840 ms",
    "PIN saisi, montant : 1234",
    "PIN : 3 essais restants",
    "PIN saisi 2300ms",
    "PIN transmis. Montant 1234",
    "PIN transmis ; montant 1234",
]


@pytest.mark.parametrize("line", KEPT)
def test_a_status_word_a_duration_or_a_date_in_the_clause_stays(line: str) -> None:
    assert redact_pins(line) == line
    assert Redactor().redact(line) == line


def test_the_status_word_test_needs_a_card_answer() -> None:
    assert redact_pins("PIN saisi : 9000") == "PIN saisi : ‹PIN›"  # no answer, no measure: an entered code
    assert redact_pins("VerifyPIN(9000)") == "VerifyPIN(‹PIN›)"  # a call's argument


def test_a_password_keeps_its_closed_list_of_words() -> None:
    assert redact_pins("password expired for user bob: 2 days") == "password expired for user bob: 2 days"
    assert redact_pins("mot de passe saisi : hunter2") == "mot de passe saisi : ‹SECRET›"
