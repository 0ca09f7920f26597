"""Each step of a case reads as one plain instruction, in French and in English (casebook/instructions.py)."""

from __future__ import annotations

import re

import pytest

from testbench.casebook.instructions import SENTENCES, describe_step
from testbench.casebook.loader import load_casebook
from testbench.casebook.model import Step, StepKind
from testbench.domain.vocabulary import ACTIONS
from testbench.paths import CASEBOOKS_DIR

#: Every parameter a step of each action may carry (the ones the casebook format documents).
FULL_PARAMS = {
    "read-vitale": {"beneficiary": "2"},
    "verify-pin": {"slot": "vitale"},
    "adri": {"patient": "p-ssv", "care-date": "2026-01-12", "query": "systematique", "scenario": "droits-ouverts",
             "fault": "timeout"},
    "invoice": {"patient": "p-std", "care-date": "2026-01-12", "prescription": "rx-bed", "tiers-payant": "amo+amc",
                "amc": "tm+depassement", "amc-cap": "10",
                "lines": ({"nomenclature": "NGAP", "code": "AMI", "coefficient": "2", "quantity": "1",
                           "unit-price": "3.15", "date": "2026-01-05", "ald": "true", "exo": "4"},)},
    "read-returns": {"scenario": "rsp-rejected", "code": "0250 050"},
    "insert-card": {"slot": "vitale", "card": "vitale-ald"},
    "remove-card": {"slot": "vitale"},
    "apcv": {"channel": "qr", "patient": "p-std", "scenario": "contexte-valide", "fault": "none"},
    "insi": {"patient": "p-std", "scenario": "trouvee"},
    "eprescription": {"number": "EP-0001", "scenario": "trouvee"},
    "change-pin": {"slot": "cps"},
    "unblock-pin": {"slot": "cps"},
}  # fmt: skip


def step(action: str, **params: object) -> Step:
    return Step(id="s", kind=StepKind.ACTION, action=action, params=params)


def test_every_action_of_the_vocabulary_has_its_sentence() -> None:
    """A new action (apcv, insi, eprescription, change-pin…) fails here until it is given a sentence."""
    assert [a for a in ACTIONS if a not in SENTENCES] == []


@pytest.mark.parametrize("action", sorted(SENTENCES))
def test_each_sentence_is_complete_in_both_languages(action: str) -> None:
    for params in ({}, FULL_PARAMS.get(action, {})):
        french = describe_step(step(action, **params), lang="fr")
        english = describe_step(step(action, **params), lang="en")
        for text in (french, english):
            assert text and "{" not in text and "None" not in text
        assert french != english  # the English comes from the catalogue, not the French left as is
        kept = english.replace("modérateur", "").replace("dépassement", "")  # French domain terms stay as they are
        assert not re.search(r"[éèàçù]|\b(?:la|le|du|de|des)\b", kept), english


def test_the_demo_invoice_reads_as_one_instruction() -> None:
    casebook = load_casebook(CASEBOOKS_DIR / "demo.xml")
    invoice = next(s for s in casebook.case("DEMO-FSE-001").steps if s.action == "invoice")
    assert describe_step(invoice, casebook, "fr") == (
        "Facturer à p-std, soins du 12/01/2026, sur prescription rx-bed : LPP 1241763 × 4 à 14,00\u00a0€, "
        "tiers payant AMO"
    )
    assert describe_step(invoice, casebook, "en") == (
        "Bill p-std, care on 2026-01-12, on prescription rx-bed: LPP 1241763 × 4 at €14.00, "
        "tiers payant AMO (third-party payment by the AMO)"
    )
    vitale = next(s for s in casebook.case("DEMO-FSE-001").steps if s.action == "read-vitale")
    assert describe_step(vitale, casebook, "fr") == "Lire la carte Vitale, bénéficiaire 1"


def test_several_lines_and_their_details() -> None:
    text = describe_step(step("invoice", **FULL_PARAMS["invoice"]), lang="fr")
    assert text == (
        "Facturer à p-std, soins du 12/01/2026, sur prescription rx-bed : NGAP AMI 2 × 1 à 3,15\u00a0€, le 05/01/2026, "
        "en rapport avec l'ALD, exonération 4, tiers payant AMO + AMC, AMC : ticket modérateur et dépassement "
        "(plafond 10,00\u00a0€)"
    )


def test_the_psad_details_of_an_invoice_read_as_words() -> None:
    params = {
        "patient": "p-std", "care-date": "2026-01-12", "billing-date": "2026-02-20", "at-number": "AT123",
        "at-date": "2026-01-02", "accord-prealable": "AP-9", "eprescription-id": "EP-1", "amc-type": "dre",
        "lines": ({"nomenclature": "LPP", "code": "1241763", "quantity": "4", "unit-price": "14.00",
                   "prestation": "location", "rental-start": "2026-01-12", "rental-end": "2026-02-08"},),
    }  # fmt: skip
    assert describe_step(step("invoice", **params), lang="fr") == (
        "Facturer à p-std, soins du 12/01/2026, e-prescription EP-1, accident du travail n° AT123 du 02/01/2026, "
        "accord préalable AP-9, facturée le 20/02/2026 : LPP 1241763 × 4 à 14,00\u00a0€, location, période du "
        "12/01/2026 au 08/02/2026, sans tiers payant, AMC par DRE"
    )
    assert describe_step(step("invoice", **params), lang="en") == (
        "Bill p-std, care on 2026-01-12, e-prescription EP-1, work accident no. AT123 of 2026-01-02, "
        "prior approval AP-9, billed on 2026-02-20: LPP 1241763 × 4 at €14.00, rental, period from "
        "2026-01-12 to 2026-02-08, no third-party payment, AMC through a DRE"
    )


def test_a_manual_step_is_its_own_instruction_and_an_unknown_action_still_reads_as_words() -> None:
    manual = Step(id="m", kind=StepKind.MANUAL, action="manual", instruction="Comparez le total affiché.")
    assert describe_step(manual, lang="en") == "Comparez le total affiché."
    assert describe_step(step("teleport", target="mars"), lang="fr") == "Action teleport (target mars)"


def test_every_step_of_the_bundled_casebooks_reads_as_a_sentence() -> None:
    from testbench.casebook.problems import read_casebooks

    for state in read_casebooks(sorted(CASEBOOKS_DIR.glob("*.xml"))):
        if state.casebook is None:  # a casebook being written by someone else right now: nothing to read
            continue
        for case in state.casebook.cases:
            for s in case.steps:
                for lang in ("fr", "en"):
                    text = describe_step(s, state.casebook, lang)
                    assert text and "{" not in text and not text.startswith("Action "), (case.id, s.id, text)
                    assert not re.search(r"\b(None|True|False)\b", text), (case.id, s.id, text)
