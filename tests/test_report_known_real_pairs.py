"""s25 verification (R3): the report's known names paired every first name with every surname observed at a holder's
path — a campaign's many cards gave names of people who do not exist, doubling what every exported line is searched
for (report 2× slower). Only a holder's own first name and surname are paired now."""

from __future__ import annotations

from testbench.report.personal import known_values
from tests.test_report_known_full_names import _Session


def test_names_seen_at_one_path_on_several_cards_are_not_crossed() -> None:
    session = _Session(
        [
            ("vitale.beneficiaries[0].name", "MODELE"),
            ("vitale.beneficiaries[0].first_name", "SARAH"),
            ("vitale.beneficiaries[0].name", "ESSAI"),  # another card, another case
            ("vitale.beneficiaries[0].first_name", "PAUL"),
        ]
    )
    known = known_values(session)  # type: ignore[arg-type]
    assert {"MODELE", "SARAH", "ESSAI", "PAUL"} <= known.names
    assert not {"SARAH ESSAI", "PAUL MODELE"} & known.names


def test_a_holders_own_names_are_paired() -> None:
    session = _Session([("cps.name", "FICTIF"), ("cps.first_name", "CLAIRE"), ("cps.usual_name", "DURAND")])
    assert {"CLAIRE FICTIF", "CLAIRE DURAND"} <= known_values(session).names  # type: ignore[arg-type]
