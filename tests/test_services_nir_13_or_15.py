"""The téléservice simulator accepts every NIR a casebook may write (13 characters, or 15 with the key; Corsica's
2A/2B) and a patient without one (ApCV's presented identity), as the old simulator did: the bench never gets a
400 for its own fixture, nor the product the blame. A NIR of another shape is said « 13 ou 15 », never « null »."""

from __future__ import annotations

from datetime import date

import pytest

from testbench.i18n import english
from testbench.services import answers
from testbench.services.scenarios import registry

NIR13, NIR15, CORSICA = "1520199999001", "152019999900182", "152012A999001"


@pytest.mark.parametrize("nir", [NIR13, NIR15, CORSICA, CORSICA + "42"])
def test_a_nir_the_casebook_accepts_is_accepted(nir: str) -> None:
    assert answers.nir_value(nir, "beneficiary.nir") == nir
    assert answers.presented_identity({"nir": nir})["nir"] == nir


def test_an_adri_query_on_a_13_character_nir_is_answered() -> None:
    scenario = registry().get("adri", "droits-ouverts")
    assert scenario is not None
    answer = answers.adri(scenario, {"beneficiary": {"nir": NIR13}}, 1, date(2026, 2, 2))
    assert answer["status"] == "ok"
    assert answer["beneficiaries"][0]["nir"] == NIR13


def test_a_presented_identity_without_a_nir_is_an_unknown_nir() -> None:
    assert answers.presented_identity({"nir": None, "name": "X"}) == {"nir": None, "name": "X", "rank": 1}


@pytest.mark.parametrize("nir", ["15201999990", "1999900000000١٧", "152019999900X", 5])
def test_another_shape_is_said_13_or_15(nir: object) -> None:
    with pytest.raises(answers.BadRequest) as info:
        answers.nir_value(nir, "identity.nir")
    said = english(str(info.value))
    assert said.startswith("identity.nir: 13- or 15-character NIR expected, got “")
    assert "null" not in said


def test_an_insi_nir_of_13_characters_is_the_ins_with_its_key() -> None:
    """The INS is the NIR with its key: INSi takes the NIR without it too, and answers it keyed
    (tests/test_services_s28_insi_nir.py over HTTP)."""
    assert answers.nir_with_key(NIR13) == NIR15
    assert answers.nir_with_key(NIR15) == NIR15
