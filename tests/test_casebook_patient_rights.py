"""A patient fixture's rights are checked as the runner reads them: a misspelt name, a date not AAAA-MM-JJ or a
NIR of the wrong shape is refused at its <right>, not dropped (the case passing) nor failing the run."""

from __future__ import annotations

from pathlib import Path

import pytest
from casebook_edits import edited_problems


@pytest.mark.parametrize(
    ("old", "new", "where", "french", "english"),
    [
        (
            '<right name="birth-date" value="1999-09-09"/>',
            '<right name="birth-date" value="09/09/1999"/>',
            "47:32",
            "droit « birth-date » : date « 09/09/1999 » invalide (AAAA-MM-JJ attendu)",
            'right “birth-date”: invalid date “09/09/1999” (YYYY-MM-DD expected)',
        ),
        (
            '<right name="coverage" value="standard"/>',
            '<right name="rights_end" value="01/01/2025"/>',
            "49:32",
            "droit « rights_end » : date « 01/01/2025 » invalide (AAAA-MM-JJ attendu)",
            'right “rights_end”: invalid date “01/01/2025” (YYYY-MM-DD expected)',
        ),
        (
            '<right name="nir" value="299990000000042"/>',
            '<right name="nir" value="29999000000004"/>',
            "45:25",
            "NIR « 29999000000004 » invalide : 13 caractères, ou 15 avec la clé, le premier chiffre 1, 2, 3, 4, 7 ou 8",
            'invalid NIR “29999000000004”: 13 characters, or 15 with the key, the first digit 1, 2, 3, 4, 7 or 8',
        ),
        (
            '<right name="nir" value="299990000000042"/>',
            '<right name="nir" value="099990000000042"/>',
            "45:25",
            "NIR « 099990000000042 » invalide : 13 caractères, ou 15 avec la clé, le premier chiffre 1, 2, 3, 4, 7"
            " ou 8",
            'invalid NIR “099990000000042”: 13 characters, or 15 with the key, the first digit 1, 2, 3, 4, 7 or 8',
        ),
        (
            '<right name="regime" value="01"/>',
            '<right name="regim" value="01"/>',
            "48:14",
            "droit « regim » inconnu — vouliez-vous dire « regime » ?",
            'unknown right “regim” — did you mean “regime”?',
        ),
        (
            '<right name="birth-date" value="1999-09-09"/>',
            '<right name="birth-dat" value="1999-09-09"/>',
            "47:14",
            "droit « birth-dat » inconnu — vouliez-vous dire « birth-date » ?",
            'unknown right “birth-dat” — did you mean “birth-date”?',
        ),
        (
            '<right name="coverage" value="standard"/>',
            '<right name="coverage" value="ald c2z"/>',
            "49:30",
            "couverture inconnue : c2z (connues : ald, alsace_moselle, ame, aspa, at_mp, c2s, exonerated, "
            "maternity, prevention, standard)",
            "unknown coverage: c2z (known: ald, alsace_moselle, ame, aspa, at_mp, c2s, exonerated, maternity, "
            "prevention, standard)",
        ),
    ],
)
def test_a_right_the_runner_cannot_use_is_refused_at_its_place(
    tmp_path: Path, old: str, new: str, where: str, french: str, english: str
) -> None:
    found = edited_problems(tmp_path, old, new)
    assert [(at, fr) for at, fr, _en in found] == [(where, french)]
    assert found[0][2] == f"{where}: {english}"


def test_the_rights_the_casebooks_write_are_all_known(tmp_path: Path) -> None:
    """Dashes or underscores, flags with their periods, ISO dates: as docs/casebook-format.md lists them."""
    rights = "".join(
        f'<right name="{name}" value="{value}"/>'
        for name, value in (
            ("first-name", "PAUL"),
            ("rights_start", "2024-01-01"),
            ("ald", "true"),
            ("ald-end", "2030-12-31"),
            ("at-mp-start", "2024-01-01"),
            ("exo", "4"),
            ("caisse", "751"),
            ("centre", "9999"),
        )
    )
    regime = '<right name="regime" value="01"/>'
    assert edited_problems(tmp_path, regime, regime + rights) == []


def test_a_nir_whose_first_digit_no_nir_has_is_refused(tmp_path: Path) -> None:
    """5 and 6 begin no NIR: INSi could not tell its sex and refused the case as the product's fault."""
    nir = '<right name="nir" value="299990000000042"/>'
    problems = edited_problems(tmp_path, nir, nir.replace("299990000000042", "583057512345678"))
    assert any("583057512345678" in p[1] for p in problems), problems
