"""The INSi simulator refuses a search it cannot make (HTTP 400, REQUETE_INVALIDE, docs/teleservices.md): no
birth name, a sex not of the INS referential, a birth date that is not one, a NIR not of 15 characters; and
every INS it answers is a NIR's 15 characters (13 and a 2-digit key), never a 13-digit stub."""

from __future__ import annotations

from typing import Any

import pytest

from testbench.cards.nir import is_valid_nir
from testbench.i18n import english
from testbench.services import answers
from testbench.services.scenarios import registry

TRAITS = {"birth_name": "PATIENT", "first_name": "SANS VITALE", "sex": "M", "birth_date": "1999-01-01"}


def insi(request: dict[str, Any], scenario: str = "identite-trouvee") -> dict[str, Any]:
    found = registry().get("insi", scenario)
    assert found is not None
    return answers.insi(found, request)


@pytest.mark.parametrize(
    ("request_", "expected"),
    [
        ({"traits": {}}, "traits.birth_name: missing (text expected)"),
        ({"traits": {**TRAITS, "birth_name": " "}}, "traits.birth_name: empty text"),
        ({"traits": {**TRAITS, "first_name": 3}}, "traits.first_name: text expected, got “3”"),
        ({"traits": {**TRAITS, "sex": "Z"}}, "traits.sex: “M”, “F” or “I” expected, got “Z”"),
        ({"traits": {**TRAITS, "sex": None}}, "traits.sex: missing (“M”, “F” or “I” expected)"),
        ({"traits": {**TRAITS, "birth_date": "1999-13-45"}}, "traits.birth_date: ISO date expected, got “1999-13-45”"),
        ({"traits": {**TRAITS, "birth_date": None}}, "traits.birth_date: missing (ISO date expected)"),
        ({"traits": {**TRAITS, "first_name": ""}}, "traits.first_name: empty text"),
        ({"traits": TRAITS, "nir": "1"}, "nir: 13- or 15-character NIR expected, got “1”"),
        ({"traits": TRAITS, "nir": "1999900000000AB"}, "nir: 13- or 15-character NIR expected, got “1999900000000AB”"),
        ({"traits": TRAITS, "nir": 199990000000017}, "nir: 13- or 15-character NIR expected, got “199990000000017”"),
    ],
)
def test_a_search_on_missing_or_invalid_traits_is_refused(request_: dict[str, Any], expected: str) -> None:
    with pytest.raises(answers.BadRequest) as refused:
        insi(request_)
    assert english(str(refused.value)) == expected


def test_the_ins_found_is_the_nir_given_and_the_others_are_well_formed() -> None:
    one = insi({"traits": {**TRAITS, "first_name": None}, "nir": "199990000000017"})  # a first name may be unknown
    assert one["status"] == "found" and one["identities"][0]["ins"] == "199990000000017"

    several = insi({"traits": TRAITS}, "plusieurs-identites")
    assert several["status"] == "several"
    for identity in several["identities"]:
        assert len(identity["ins"]) == 15 and is_valid_nir(identity["ins"])
