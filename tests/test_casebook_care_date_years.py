"""A care date at the calendar's ends (9999-12-31, 0001-01-01) passed validate, then the simulated ADRi refused it
and the case failed as the product's fault (verification round). The loader bounds care dates to the years
1900–2199 (our bound, docs/casebook-format.md), at the step's ``care-date``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from testbench.casebook.loader import check_casebook

ROOT = Path(__file__).resolve().parents[1]
ADRI = '<adri id="s-adri" patient="p-deg" care-date="2026-02-02"'


def _said(tmp_path: Path, day: str) -> list[str]:
    text = (ROOT / "casebooks" / "psad-teleservices.xml").read_text(encoding="utf-8")
    assert ADRI in text
    shutil.copytree(ROOT / "casebooks" / "cards", tmp_path / "cards")
    path = tmp_path / "tls.xml"
    path.write_text(text.replace(ADRI, ADRI.replace("2026-02-02", day), 1), encoding="utf-8")
    return [p.text("en") for p in check_casebook(path)[1]]


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1899-12-31", "2200-01-01"])
def test_a_care_date_outside_the_years_is_refused_at_the_step(tmp_path: Path, day: str) -> None:
    said = _said(tmp_path, day)
    assert len(said) == 1 and f'care date "{day}" outside the years 1900 to 2199' in said[0], said
    assert ":247:" in said[0]


@pytest.mark.parametrize("day", ["1900-01-01", "2199-12-31", "2026-02-02"])
def test_a_care_date_within_them_is_accepted(tmp_path: Path, day: str) -> None:
    assert _said(tmp_path, day) == []
