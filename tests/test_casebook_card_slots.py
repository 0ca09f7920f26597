"""A card goes in the reader of its family, and a rank is one its card carries: otherwise the run ends
« non concluant » (SW 6A82) or « erreur », or the rank is silently not the one read. Refused at load."""

from __future__ import annotations

from pathlib import Path

import pytest
from casebook_edits import edited_problems


def test_a_cps_profile_as_the_vitale_card_is_refused_where_it_is_used(tmp_path: Path) -> None:
    found = edited_problems(
        tmp_path,
        'profile="cards/vitale2-adult-standard.xml"',
        'profile="cards/cps3-psad-lpp.xml"',
    )
    assert found[:2] == [
        (
            "36:25",
            "le patient référence la carte « vitale-std », qui est une carte CPS, pas une carte Vitale",
            '36:25: the patient refers to card “vitale-std”, which is a CPS card, not a Vitale card',
        ),
        (
            "77:29",
            "la carte « vitale-std » est une carte CPS : elle ne va pas dans le lecteur « vitale »",
            '77:29: card “vitale-std” is a CPS card: it does not go in the “vitale” reader',
        ),
    ]
    assert {fr for _at, fr, _en in found[1:]} == {found[1][1]}  # each case that puts it in the reader


def test_a_vitale_profile_in_the_cps_reader_is_refused(tmp_path: Path) -> None:
    found = edited_problems(tmp_path, 'profile="cards/cps3-psad-lpp.xml"', 'profile="cards/vitale2-adult-standard.xml"')
    assert found[0][:2] == (
        "76:26",
        "la carte « cps-psad » est une carte Vitale : elle ne va pas dans le lecteur « cps »",
    )


def test_a_cps_card_inserted_in_the_vitale_reader_is_refused(tmp_path: Path) -> None:
    step = '<insert-card id="s-ins" slot="vitale" card="cps-psad"/>'
    found = edited_problems(tmp_path, '<secure id="s-secure"/>', f'<secure id="s-secure"/>{step}')
    assert [(at, fr) for at, fr, _en in found] == [
        ("86:70", "la carte « cps-psad » est une carte CPS : elle ne va pas dans le lecteur « vitale »")
    ]


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        (
            '<patient id="p-std" card="vitale-std" rank="1"/>',
            '<patient id="p-std" card="vitale-std" rank="5"/>',
            "36:43",
        ),
        ('<read-vitale id="s-vitale" beneficiary="1"/>', '<read-vitale id="s-vitale" beneficiary="5"/>', "82:36"),
    ],
)
def test_a_rank_the_card_does_not_carry_is_refused(tmp_path: Path, old: str, new: str, where: str) -> None:
    found = edited_problems(tmp_path, old, new)
    assert [(at, fr) for at, fr, _en in found] == [
        (where, "bénéficiaire de rang 5 absent de la carte « vitale-std » (rangs : 1)")
    ]
    assert found[0][2] == f'{where}: no beneficiary of rank 5 on card “vitale-std” (ranks: 1)'
