"""A line's value refused once is not refused again by the rules that would read it (audit s24 F7, F8): the NGAP
key « ami » got the schema's « 1 à 13 majuscules ou chiffres » and « lettre-clé NGAP … 1 à 5 lettres
majuscules » (two rules for one mistake); unit-price="14.005" got « au-delà du centime » and « au-dessus du
PLV 14.00 »."""

from __future__ import annotations

from pathlib import Path

import pytest
from casebook_edits import edited_problems

NGAP = '<line nomenclature="NGAP" code="AMI" quantity="1" coefficient="1" unit-price="3.15"/>'
LPP = 'code="1241763" quantity="4" unit-price="14.00" tariff="14.00" plv="14.00" date="2026-01-12"'


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        (NGAP, NGAP.replace('"AMI"', '"ami"'), "il faut un code de 1 à 13 majuscules ou chiffres"),
        (LPP, LPP.replace('"1241763"', '"124176x"'), "il faut un code de 1 à 13 majuscules ou chiffres"),
        (LPP, LPP.replace('unit-price="14.00"', 'unit-price="14.005"'), "montant « 14.005 » au-delà du centime"),
        (LPP, LPP.replace('tariff="14.00"', 'tariff="14.001"'), "montant « 14.001 » au-delà du centime"),
    ],
)
def test_one_mistake_one_problem(tmp_path: Path, old: str, new: str, said: str) -> None:
    found = edited_problems(tmp_path, old, new)
    assert len(found) == 1 and said in found[0][1], found


@pytest.mark.parametrize(
    ("new", "said"),
    [
        (NGAP.replace('"AMI"', '"AMIXYZ"'), "lettre-clé NGAP « AMIXYZ » invalide"),  # the schema takes it
        (LPP.replace('unit-price="14.00"', 'unit-price="14.01"'), "prix unitaire 14.01 au-dessus du PLV 14.00"),
    ],
)
def test_the_rules_still_read_what_the_schema_and_the_cent_take(tmp_path: Path, new: str, said: str) -> None:
    old = NGAP if "NGAP" in new else LPP
    found = edited_problems(tmp_path, old, new)
    assert [fr for _at, fr, _en in found if said in fr], found
