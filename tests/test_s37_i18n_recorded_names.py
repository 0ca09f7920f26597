"""Sentences recorded in French that name what an author or PC/SC wrote — an XML element or attribute, a reader —
read back in English with those names as written: « <cas> » is no « <case> », a reader « cahier » no "casebook"."""

from __future__ import annotations

import pytest

from testbench.i18n import translator


@pytest.mark.parametrize(
    ("french", "english"),
    [
        (
            "balise fermante </beneficiary> alors que <cas> (ligne 2) est ouvert",
            "closing tag </beneficiary> while <cas> (line 2) is open",
        ),
        ("fin du fichier avant la fermeture de <cas> (ouvert ligne 2)", "<cas>"),
        ("balise ouvrante <cahier> non terminée (ligne 2)", "<cahier>"),
        ("<cas>, attribut « nom »", "<cas>, attribute “nom”"),
        ("1 lecteur absent : cahier (présents : Virtual PCD 00 00)", "1 reader missing: cahier (present: "),
        ("2 lecteurs absents : cahier, carte (présents : aucun)", "cahier, carte"),
    ],
)
def test_names_as_written_stay_so_in_english(french: str, english: str) -> None:
    said = translator("en")(french)
    assert english in said and said != french
