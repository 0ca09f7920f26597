"""A patient right's date written AAAA-MM-JJ that the calendar lacks (``1980-02-30``) was refused « AAAA-MM-JJ
attendu », which it is (audit s30): it now says why, as the schema's own dates do (« le mois 02/1980 n'a que 29
jours »), and a date otherwise written keeps the rule."""

from __future__ import annotations

from pathlib import Path

import pytest
from minimal_casebook import problems_after

PATIENT = '<patient id="p-std" card="vitale-std"/>'


def _said(tmp_path: Path, value: str) -> tuple[str, str]:
    rights = f'<right name="nir" value="180017512345612"/><right name="birth-date" value="{value}"/>'
    [problem] = problems_after(tmp_path, PATIENT, f'{PATIENT}<patient id="p-x">{rights}</patient>')
    return problem.text("fr"), problem.text("en")


@pytest.mark.parametrize(
    ("value", "french", "english"),
    [
        ("1980-02-30", "« 1980-02-30 » n'est pas une date du calendrier : le mois 02/1980 n'a que 29 jours",
         '“1980-02-30” is not a calendar date: month 02/1980 has only 29 days'),
        ("1980-13-01", "« 1980-13-01 » n'est pas une date du calendrier : il n'y a pas de mois 13",
         '“1980-13-01” is not a calendar date: there is no month 13'),
    ],
)
def test_a_date_the_calendar_lacks_says_why(tmp_path: Path, value: str, french: str, english: str) -> None:
    fr, en = _said(tmp_path, value)
    assert f"droit « birth-date » : {french}" in fr and "AAAA-MM-JJ" not in fr, fr
    assert f'right “birth-date”: {english}' in en and "«" not in en, en
    line = next(n for n, text in enumerate((tmp_path / "casebook.xml").read_text().splitlines(), 1) if value in text)
    assert f"casebook.xml:{line}:" in fr


def test_a_date_otherwise_written_keeps_the_rule(tmp_path: Path) -> None:
    fr, en = _said(tmp_path, "30/02/1980")
    assert "date « 30/02/1980 » invalide (AAAA-MM-JJ attendu)" in fr, fr
    assert "(YYYY-MM-DD expected)" in en, en
