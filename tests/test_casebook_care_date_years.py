"""A care date at the calendar's ends (9999-12-31, 0001-01-01) passed validate, then the simulated ADRi refused it
and the case failed as the product's fault (verification round). The loader bounds care dates to the years
1900–2199 (our bound, docs/casebook-format.md), at the step's ``care-date``."""

from __future__ import annotations

from pathlib import Path

import pytest
from casebook_edits import edited_problems

ADRI = '<adri id="s-adri" patient="p-deg" care-date="2026-02-02"'


def _said(tmp_path: Path, day: str) -> list[str]:
    found = edited_problems(tmp_path, ADRI, ADRI.replace("2026-02-02", day), "psad-teleservices.xml")
    return [f"{at}: {english}" for at, _french, english in found]


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1899-12-31", "2200-01-01"])
def test_a_care_date_outside_the_years_is_refused_at_the_step(tmp_path: Path, day: str) -> None:
    said = _said(tmp_path, day)
    assert len(said) == 1 and f'care date “{day}” outside the years 1900 to 2199' in said[0], said
    assert said[0].startswith("247:")  # the <adri> step


@pytest.mark.parametrize("day", ["1900-01-01", "2199-12-31", "2026-02-02"])
def test_a_care_date_within_them_is_accepted(tmp_path: Path, day: str) -> None:
    assert _said(tmp_path, day) == []
