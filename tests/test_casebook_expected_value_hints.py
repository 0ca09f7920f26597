"""An expected value its type cannot read says what to write (audit s24 F6): « 33,60 € » was only « invalide pour
le type decimal », while the format wants 33.60; « vrai » wants true, « 12/01/2026 » wants 2026-01-12."""

from __future__ import annotations

from pathlib import Path

import pytest
from casebook_edits import edited_problems

BASE = 'type="decimal" expected="56.00" comment="RG_VF644"'


@pytest.mark.parametrize(
    ("value_type", "expected", "french", "english"),
    [
        ("decimal", "56,00 €", "écrivez 56.00", "write 56.00"),
        ("decimal", "1 234,5", "écrivez 1234.5", "write 1234.5"),
        ("decimal", "cinquante", "écrivez un nombre avec un point, sans unité ni espace (33.60)",
         "write a number with a point, without unit or space (33.60)"),
        ("boolean", "vrai", "écrivez true", "write true"),
        ("boolean", "Faux", "écrivez false", "write false"),
        ("boolean", "peut-être", "écrivez true ou false (ou oui/non, 1/0, yes/no)",
         "write true or false (or oui/non, 1/0, yes/no)"),
        ("date", "12/01/2026", "écrivez 2026-01-12", "write 2026-01-12"),
        ("date", "31/02/2026", "écrivez la date AAAA-MM-JJ (2026-01-12)", "write the date YYYY-MM-DD (2026-01-12)"),
        ("integer", "4,0", "écrivez 4", "write 4"),
        ("integer", "4,5", "écrivez un nombre entier (3)", "write a whole number (3)"),
    ],
)  # fmt: skip
def test_an_unreadable_expected_value_says_what_to_write(
    tmp_path: Path, value_type: str, expected: str, french: str, english: str
) -> None:
    new = f'type="{value_type}" expected="{expected}" comment="RG_VF644"'
    found = edited_problems(tmp_path, BASE, new)
    assert len(found) == 1, found
    _at, fr, en = found[0]
    assert fr == f"valeur attendue « {expected} » invalide pour le type {value_type} : {french}"
    assert en.endswith(f"expected value “{expected}” is not valid for type {value_type}: {english}")
