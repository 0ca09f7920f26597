"""s25 verification (R1): a one-word known name in lower case next to « = », « . », « + », « %20 » or « @ » was
masked as the test surnames ESSAI, EXEMPLE, MODELE, FICTIF (« mode=essai », « www.exemple.fr »). A one-word name is
masked only as a name is written (capitals, capitalised); the lower-case and glued forms only for a whole name."""

from __future__ import annotations

import pytest

from testbench.traces.known import KnownValues
from testbench.traces.redact import Redactor


@pytest.fixture(scope="module")
def redactor() -> Redactor:
    known = KnownValues()
    for first, last in (("SARAH", "MODELE"), ("MARIE", "ESSAI"), ("JEAN", "EXEMPLE"), ("CLAIRE", "FICTIF")):
        known.add_card_fields({"first_name": first, "name": last})
    return Redactor(known=known)


@pytest.mark.parametrize(
    "line",
    [
        "config mode=essai environnement=essai statut=exemple type=modele",
        "GET /api/aide?q=un%20exemple%20de%20saisie&modele=fictif",
        "envoi accuse a essai@exemple.fr ; fichier modele.xml ; 1 essai restant ; par exemple",
        "logger fr.exemple.sesam.FseClient INFO envoi",
        "GET https://api.essai.sesam-vitale.fr/v1 ; www.exemple.fr ; http://modele.local/x",
        "path=/srv/essai/data ; --mode=essai ; profil=modele.xml ; mode essai+rapide",
    ],
)
def test_a_lower_case_word_stays(redactor: Redactor, line: str) -> None:
    assert redactor.redact(line) == line


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        ("patient sarah modele", "patient ‹NOM›"),
        ("mail sarah.modele@example.org", "mail ‹NOM›@example.org"),
        ("q=SARAH%20MODELE&x=1", "q=‹NOM›&x=1"),
        ("q=Sarah+Modele", "q=‹NOM›"),
        ("assuré MODELE ; Essai", "assuré ‹NOM› ; ‹NOM›"),
    ],
)
def test_a_whole_name_or_a_written_one_is_masked(redactor: Redactor, line: str, masked: str) -> None:
    assert redactor.redact(line) == masked
