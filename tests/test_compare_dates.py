"""Audit (sut, dates): a `date` expectation reads a date as a product shows it (docs/casebook-format.md).

« 12/01/26 », « 12.01.2026 » and an ISO date-time failed `type="date"` with « ce n'est pas une date »: an operator
keys what the screen shows, an extractor reads what the file holds. Day first as French writes it, ISO and its
date-times, two-digit years by a documented pivot; month first (the US's) never.
"""

from __future__ import annotations

import pytest

from testbench.casebook.model import Expectation, ExpectationKind
from testbench.domain.normalize import PIVOT, RULES
from testbench.runner.compare import compare_value


def _compared(observed: str, expected: str = "2026-01-12", value_type: str = "date", normalize: tuple[str, ...] = ()):
    exp = Expectation(
        "e-date", ExpectationKind.VALUE, step="s1", path="manual.d", expected=expected, value_type=value_type,
        normalize=normalize,
    )  # fmt: skip
    return compare_value(exp, {"manual": {"d": observed}})


@pytest.mark.parametrize(
    "observed",
    [
        "12/01/2026",
        "12.01.2026",
        "12-01-2026",
        "12/01/26",
        "12.01.26",
        "2026-01-12",
        " 12/01/2026 ",
        "2026-01-12T10:30:00",
        "2026-01-12T10:30:00Z",
        "2026-01-12 10:30",
        "2026-01-12T23:30:00.250-05:00",  # its date as written, not moved to UTC (the 13th there)
        "260112",
        "20260112",
    ],
)
def test_a_date_as_a_product_shows_it_is_the_date_expected(observed: str) -> None:
    compared = _compared(observed)
    assert compared.outcome == "pass", compared.message
    assert compared.observed == observed  # recorded as observed


@pytest.mark.parametrize(
    ("observed", "said"),
    [
        ("01/13/2026", "valeur observée « 01/13/2026 » : ce n'est pas une date"),  # month first: the US's
        ("31/02/2026", "valeur observée « 31/02/2026 » : ce n'est pas une date"),
        ("12-01-26", "valeur observée « 12-01-26 » : ce n'est pas une date"),  # year first, as well?
        ("12/01/2026 10:30", "valeur observée « 12/01/2026 10:30 » : ce n'est pas une date"),
        ("hier", "valeur observée « hier » : ce n'est pas une date"),
    ],
)
def test_what_is_no_date_or_could_be_read_two_ways_is_not_one(observed: str, said: str) -> None:
    compared = _compared(observed)
    assert (compared.outcome, compared.message) == ("fail", said)


def test_a_us_date_that_reads_day_first_is_another_day() -> None:
    compared = _compared("01/12/2026")  # the 1st of December, never the 12th of January
    assert compared.outcome == "fail" and compared.message.endswith("(différent)"), compared.message


def test_two_digit_years_follow_the_documented_pivot() -> None:
    assert PIVOT == 69
    assert _compared("12/01/68", "2068-01-12").outcome == "pass"
    assert _compared("12/01/69", "1969-01-12").outcome == "pass"
    assert _compared("12.01.99", "1999-01-12").outcome == "pass"
    assert _compared("12/01/00", "2000-01-12").outcome == "pass"


def test_the_date_rule_reads_the_same_forms_for_a_text() -> None:
    assert RULES["date"]("12.01.26") == RULES["date"]("2026-01-12T08:00:00+01:00") == "2026-01-12"
    assert RULES["date"]("01/13/2026") == "01/13/2026"
    assert _compared("12/01/26", value_type="string", normalize=("date",)).outcome == "pass"
