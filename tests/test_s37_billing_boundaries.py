"""The billing rules' dates, on their very day and the day before (billing-rules §4, §6; docs/reference-engine.md):
the franchise at 1 € and its 4 € daily cap from 2024-03-31, the participation forfaitaire at 2 € from 2024-05-15,
the minor's exemption ending on the 18th birthday, the last day of rights, the billing delay of one year."""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_engine_rules import line, refusal_code, request, split

NURSE = {"ps_category": "infirmier"}


def _withheld(kind: str, care_date: str, lines: list[dict[str, Any]], birth_date: str | None = None, **kw: Any) -> str:
    req = request(lines, care_date=care_date, **kw)
    if birth_date is not None:
        req["beneficiary"]["birth_date"] = birth_date
    return str(split(req).withholdings[kind])


@pytest.mark.parametrize(
    ("care_date", "expected"),
    [("2024-03-30", "2.00"), ("2024-03-31", "4.00")],  # 5 acts: 5 × 0.50 capped at 2.00; 5 × 1.00 capped at 4.00
)
def test_franchise_amount_and_daily_cap_change_on_2024_03_31(care_date: str, expected: str) -> None:
    assert _withheld("franchise", care_date, [line("AMI", "5", nomenclature="NGAP")], **NURSE) == expected


@pytest.mark.parametrize(("care_date", "expected"), [("2024-05-14", "1.00"), ("2024-05-15", "2.00")])
def test_participation_forfaitaire_is_2_euros_from_2024_05_15(care_date: str, expected: str) -> None:
    # G has no table value after 2023-10-31: the case gives its own tariff (docs/reference-engine.md)
    act = [line("G", nomenclature="NGAP", tariff="30.00")]
    assert _withheld("participation_forfaitaire", care_date, act, ps_category="medecin") == expected


@pytest.mark.parametrize(
    ("birth_date", "care_date", "expected"),
    [
        ("2006-06-03", "2024-06-02", "0.00"),  # the day before the 18th birthday: still a minor, exempt
        ("2006-06-03", "2024-06-03", "1.00"),  # the birthday itself: 18, the franchise applies
        ("2008-02-29", "2026-02-28", "0.00"),  # born on 29 February: 18 on 1 March of a common year (ours)
        ("2008-02-29", "2026-03-01", "1.00"),
    ],
)
def test_the_minors_exemption_ends_on_the_18th_birthday(birth_date: str, care_date: str, expected: str) -> None:
    act = [line("AMI", nomenclature="NGAP")]
    assert _withheld("franchise", care_date, act, birth_date=birth_date, **NURSE) == expected


def test_rights_hold_on_their_last_day() -> None:
    bed = [line("1241763", "1")]
    last_day = request(bed, care_date="2024-06-30", coverage={"rights_end": "2024-06-30"})
    assert split(last_day).totals_dict()["amo"] == "8.40"
    assert refusal_code(request(bed, care_date="2024-07-01", coverage={"rights_end": "2024-06-30"})) == (
        "RIGHTS_EXPIRED"
    )


@pytest.mark.parametrize(
    ("care_date", "billing_date", "refused"),
    [
        ("2024-06-03", "2025-06-02", False),  # less than one year (FIDES-TF RG_MF606)
        ("2024-06-03", "2025-06-03", True),  # one year to the day: not less than one year
        ("2024-02-29", "2025-02-27", False),
        ("2024-02-29", "2025-02-28", True),  # a year after 29 February is 28 February (ours)
    ],
)
def test_the_billing_delay_is_less_than_one_year(care_date: str, billing_date: str, refused: bool) -> None:
    req = request([line("1241763", "1")], care_date=care_date, billing_date=billing_date)
    if refused:
        assert refusal_code(req) == "BILLING_DELAY_EXCEEDED"
    else:
        assert split(req).totals_dict()["amo"] == "8.40"
