"""A birth date after its label, written with a short year or in words, is masked (audit s23, F3).

docs/traces.md says birth dates are masked after « date de naissance », « né(e) le »: « né(e) le 03/04/12 » (the
label of a form) and « date de naissance : 3 avril 2012 » (the month in words, as known.py spells it) stayed.
"""

from __future__ import annotations

import pytest

from testbench.traces.redact import redact


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        ("Ayant droit né(e) le 03/04/12, rang 2", "Ayant droit né(e) le ‹DATE_NAISSANCE›, rang 2"),
        ("né(e) le 12/05/85", "né(e) le ‹DATE_NAISSANCE›"),
        ("ne(e) le 12/05/1985", "ne(e) le ‹DATE_NAISSANCE›"),
        ("date de naissance : 3 avril 2012", "date de naissance : ‹DATE_NAISSANCE›"),
        ("Bénéficiaire née le 12 mai 1985", "Bénéficiaire née le ‹DATE_NAISSANCE›"),
        ("né le 1er mars 1980", "né le ‹DATE_NAISSANCE›"),
        ("née le 15 janv. 1980 à Lyon", "née le ‹DATE_NAISSANCE› à Lyon"),
        ("Date de naissance : 12 DÉCEMBRE 1985", "Date de naissance : ‹DATE_NAISSANCE›"),
        ("date naissance 7 fevrier 1990", "date naissance ‹DATE_NAISSANCE›"),
    ],
)
def test_a_labelled_birth_date_is_masked_however_written(line: str, masked: str) -> None:
    assert redact(line) == masked


@pytest.mark.parametrize(
    "line",
    ["facture du 12 mai 2026", "né le 12 mai", "naissance prévue 2026", "date de naissance : 4 chiffres, 2026"],
)
def test_a_date_without_a_birth_label_or_a_year_stays(line: str) -> None:
    assert redact(line) == line
