"""A value the schema refuses is said once, in words that fit the element: ``beneficiary="0"`` was also « no
beneficiary of rank 0 on card … », an empty téléservice ``scenario`` also « unknown scenario “” », and the schema's
words for a téléservice scenario gave a returns scenario as the example (``arl-positive``); a price the schema
refuses (``1e3``) was also compared with the PLV, in Python's words (« prix unitaire 1E+3 au-dessus du PLV »)."""

from __future__ import annotations

from pathlib import Path

import pytest
from casebook_edits import edited_problems

READ = '<read-vitale id="s-vitale" beneficiary="1"/>'
INSI = '<insi id="s-insi" patient="p-deg" scenario="identite-trouvee"/>'


def test_a_rank_below_one_is_the_schema_s_problem_alone(tmp_path: Path) -> None:
    said = [english for _at, _fr, english in edited_problems(tmp_path, READ, READ.replace('"1"', '"0"'))]
    assert len(said) == 1, said
    assert "attribute “beneficiary”: “0” is not valid: expected a whole number of 1 or more" in said[0]


def test_a_rank_the_card_lacks_is_still_said(tmp_path: Path) -> None:
    said = [english for _at, _fr, english in edited_problems(tmp_path, READ, READ.replace('"1"', '"9"'))]
    assert len(said) == 1 and "no beneficiary of rank 9 on card “vitale-std” (ranks: 1)" in said[0], said


def test_an_empty_scenario_is_said_once_with_a_teleservice_example(tmp_path: Path) -> None:
    found = edited_problems(tmp_path, INSI, INSI.replace("identite-trouvee", ""), "psad-teleservices.xml")
    assert [(at, english.split(": ", 1)[1]) for at, _fr, english in found] == [
        (
            "758:43",
            "not valid against the schema: <insi>, attribute “scenario”: “” is not valid: expected a teleservice"
            " scenario name in lower case (droits-ouverts)",
        )
    ]
    assert "un nom de scénario de téléservice en minuscules (droits-ouverts)" in found[0][1]


def test_a_misspelt_scenario_still_lists_the_known_ones(tmp_path: Path) -> None:
    misspelt = INSI.replace("identite-trouvee", "identite-trouve")
    found = edited_problems(tmp_path, INSI, misspelt, "psad-teleservices.xml")
    assert [english.split(": ", 1)[1] for _at, _fr, english in found] == [
        "unknown scenario “identite-trouve” for the teleservice insi (known: identite-trouvee, plusieurs-identites,"
        " identite-inconnue, service-indisponible)"
    ]


LINE = '<line nomenclature="LPP" code="1241763" quantity="4" unit-price="14.00" tariff="14.00" plv="14.00" date='


@pytest.mark.parametrize("price", ["1e3", "NaN", "100000000.00"])
def test_a_price_the_schema_refuses_is_not_compared_with_the_plv(tmp_path: Path, price: str) -> None:
    found = edited_problems(tmp_path, LINE, LINE.replace('unit-price="14.00"', f'unit-price="{price}"'))
    said = [english for _at, _fr, english in found]
    assert len(said) == 1 and "not valid against the schema: <line>, attribute “unit-price”" in said[0], said


def test_a_price_above_the_plv_is_still_said(tmp_path: Path) -> None:
    found = edited_problems(tmp_path, LINE, LINE.replace('unit-price="14.00"', 'unit-price="15.00"'))
    assert [english.split(": ", 1)[1] for _at, _fr, english in found] == [
        "unit price 15.00 above the PLV 14.00 without an expected PRICE_ABOVE_PLV refusal"
    ]
