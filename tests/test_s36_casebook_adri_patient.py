"""An ``<adri>`` step with no Vitale card read before it asks about its patient fixture's NIR: one that named no
patient passed validate, then the run put the case in error (« aucun patient pour cette facture »), and one about a
patient carried by a card the case does not read (no ``nir`` right) passed validate, then the reference engine
refused it ADRI_UNKNOWN_BENEFICIARY and the case failed as the product's fault. Both are refused at the step."""

from __future__ import annotations

from pathlib import Path

from casebook_edits import edited_problems

CASEBOOK = "psad-teleservices.xml"
#: TLS-ADRI-001 (SESAM sans Vitale), line 247
SSV = '<adri id="s-adri" patient="p-deg" care-date="2026-02-02" query="cible" scenario="droits-ouverts"/>'
#: TLS-ADRI-009 (sécurisé): the card read, then the query
READ_THEN_ADRI = (
    '<read-vitale id="s-vitale" beneficiary="1"/>\n'
    '        <adri id="s-adri" patient="p-std" care-date="2026-02-02" query="cible" scenario="droits-ouverts"/>'
)


def _said(tmp_path: Path, old: str, new: str) -> list[str]:
    return [english for _at, _french, english in edited_problems(tmp_path, old, new, CASEBOOK)]


def test_an_adri_step_without_a_patient_and_no_card_read_is_refused_at_the_step(tmp_path: Path) -> None:
    said = _said(tmp_path, SSV, SSV.replace(' patient="p-deg"', ""))
    assert said == [
        "247:9: <adri> names no patient: give patient=… (a patient of the fixtures with its nir right), or read the"
        " Vitale card before it, in secured mode"
    ]


def test_an_adri_step_about_a_card_patient_whose_card_is_not_read_is_refused_at_its_patient(tmp_path: Path) -> None:
    said = _said(tmp_path, SSV, SSV.replace("p-deg", "p-std"))
    assert said == [
        "247:27: ADRi: patient “p-std” has no nir right in its <right>s, and no Vitale card is read before: the query"
        " would name no beneficiary"
    ]


def test_the_refusal_it_gives_may_be_expected(tmp_path: Path) -> None:
    unknown = SSV.replace("droits-ouverts", "beneficiaire-inconnu")  # TLS-ADRI-008 expects ADRI_UNKNOWN_BENEFICIARY
    assert _said(tmp_path, unknown, unknown.replace("p-deg", "p-std")) == []


def test_after_the_card_is_read_the_card_names_the_beneficiary(tmp_path: Path) -> None:
    assert _said(tmp_path / "a", READ_THEN_ADRI, READ_THEN_ADRI.replace(' patient="p-std"', "")) == []
    before, after = READ_THEN_ADRI.split("\n        ")
    said = _said(tmp_path / "b", READ_THEN_ADRI, f"{after}\n        {before}")  # the query before the card is read
    assert len(said) == 1 and "patient “p-std” has no nir right" in said[0], said
