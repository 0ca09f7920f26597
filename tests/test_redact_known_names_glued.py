"""Audit s25 (5, 9): a card gives a holder's first name and surname as separate words; the whole name is known
too, so it is found in any case and as logins, e-mail addresses and URLs write it; a one-word name never in lower
case (« 1 essai restant », « modele@… » keep their word); and a name with a JSON escape of any letter
(« \\u0053ARAH »)."""

from __future__ import annotations

import pytest

from testbench.traces.known import KnownValues
from testbench.traces.redact import Redactor


@pytest.fixture(scope="module")
def redactor() -> Redactor:
    known = KnownValues()
    known.add_card_fields({"name": "MODELE", "first_name": "SARAH", "nir": "291049999900904"})
    known.add_card_fields({"name": "ESSAI", "first_name": "PAUL"})
    return Redactor(known=known)


def test_a_holders_fields_give_the_whole_name() -> None:
    known = KnownValues()
    known.add_card_fields({"name": "MODELE", "usual_name": "DURAND", "first_name": "SARAH"})
    assert {"SARAH MODELE", "SARAH DURAND"} <= known.names


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("patient=‹NOM›%20MODELE", "patient=‹NOM›%20‹NOM›"),
        ("patient=SARAH%20MODELE", "patient=‹NOM›"),
        ("patient=sarah%20modele", "patient=‹NOM›"),
        ("q=Sarah+Modele&x=1", "q=‹NOM›&x=1"),
        ("sarah modele", "‹NOM›"),
        ("login sarah.modele", "login ‹NOM›"),
        ("mail sarah.modele@example.org", "mail ‹NOM›@example.org"),
        ('{"q":"\\u0053ARAH"}', '{"q":"‹NOM›"}'),
        ('{"q":"\\u004d\\u004fDELE et \\u0053ARAH"}', '{"q":"‹NOM› et ‹NOM›"}'),
    ],
)
def test_a_known_name_is_masked_in_the_forms_identifiers_write(redactor: Redactor, line: str, expected: str) -> None:
    assert redactor.redact(line) == expected


@pytest.mark.parametrize(
    "line",
    [
        "1 essai restant",
        "par exemple, un modèle de carte",
        "fichier modele.xml",
        "essai n°2",
        '{"k":"\\u0053ALUT"}',
        # a one-word name in lower case, even glued, is a word or a setting (s25 verification, R1)
        "mail modele@example.org",
        "login s.modele",
        "q=modele&x=1",
    ],
)
def test_words_of_the_language_are_kept(redactor: Redactor, line: str) -> None:
    assert redactor.redact(line) == line
