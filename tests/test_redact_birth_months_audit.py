"""A known birth date written with an English or a short month (« born Jan 15, 1980 », « Assure ne le 15 jan 1980 »,
« 15-JAN-1980 ») is masked wherever it appears, as its French spellings were (privacy audit, finding 7); after a
birth label an unknown one too. Other dates in the same words stay."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from testbench.report.personal import known_values
from testbench.traces.known import KnownValues
from testbench.traces.redact import Redactor


class _Session:
    """What :func:`known_values` reads of a session: its observations alone (a holder born 1980-01-15)."""

    meta: dict[str, str] = {}  # noqa: RUF012 - read only

    def observation_values(self, keep: Callable[[str], object], *, distinct: bool) -> Iterator[tuple[str, Any]]:
        observed = [("vitale.beneficiaries[0].birth_date", "19800115"), ("vitale.beneficiaries[0].name", "MODELE")]
        return iter([(p, v) for p, v in observed if keep(p)])

    def case_definitions(self) -> list[dict[str, Any]]:
        return []

    def artifact_blobs(self, _media: str) -> list[bytes]:
        return []

    def trace_texts(self, _kind: str, *, distinct: bool) -> list[str]:
        return []

    def event_data(self, _kind: object) -> list[dict[str, Any]]:
        return []


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        ("born Jan 15, 1980", "born ‹DATE_NAISSANCE›"),
        ("Assure ne le 15 jan 1980", "Assure ne le ‹DATE_NAISSANCE›"),
        ("holder: January 15 1980, card ok", "holder: ‹DATE_NAISSANCE›, card ok"),
        ("dob=15-JAN-1980;", "dob=‹DATE_NAISSANCE›;"),
        ("patient 15 Jan 1980", "patient ‹DATE_NAISSANCE›"),
        ("patient JAN 15, 1980", "patient ‹DATE_NAISSANCE›"),
        ("patient 15 january 1980", "patient ‹DATE_NAISSANCE›"),
    ],
)
def test_a_known_birth_date_in_english_or_short_months_is_masked(line: str, masked: str) -> None:
    known = known_values(_Session())  # type: ignore[arg-type]
    assert "19800115" in known.birth_dates  # the report's own known values, as an export builds them
    assert Redactor(known=known).redact(line) == masked


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        ("born Mar 3, 1975", "born ‹DATE_NAISSANCE›"),
        ("born on March 3rd, 1975 in Lyon", "born on ‹DATE_NAISSANCE› in Lyon"),
        ("né le 3 mar 1975", "né le ‹DATE_NAISSANCE›"),
        ("date de naissance : 03-MAR-1975", "date de naissance : ‹DATE_NAISSANCE›"),
    ],
)
def test_a_labelled_birth_date_in_english_or_short_months_is_masked(line: str, masked: str) -> None:
    assert Redactor().redact(line) == masked


@pytest.mark.parametrize(
    "line",
    [
        "facture du Jan 15, 2026",  # another date, no birth label
        "visit Jan 16, 1980",  # another day of the known year
        "May 1980 release",  # a month and a year
        "born in May 1980",  # no day
        "le 15 fév 1980",  # another month
        "lot 15 jan 19801",  # a longer number
    ],
)
def test_other_dates_in_the_same_words_stay(line: str) -> None:
    known = KnownValues()
    known.add("birth_date", "1980-01-15")
    assert Redactor(known=known).redact(line) == line
