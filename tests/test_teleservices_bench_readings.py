"""What the bench simulates beyond its public sources is said as the bench's, where a user reads it: a case's
title or objective in the report. The payment guarantee of an ADRi invoice without the Vitale card (the
public source says there is none « au sens juridique ») is testbench's reading; an ApCV context's 10-minute
validity is the simulator's convention; and TLS-EPR-001 says that the bench ties the invoice's prescription
fields to the prescription read by a rule of its own."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from testbench.casebook.loader import load_casebook
from testbench.casebook.model import Case, Casebook, Mode
from testbench.services.scenarios import registry

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def casebook(tmp_path_factory: pytest.TempPathFactory) -> Casebook:
    folder = tmp_path_factory.mktemp("tls")
    shutil.copy(REPO / "casebooks" / "psad-teleservices.xml", folder)
    shutil.copytree(REPO / "casebooks" / "cards", folder / "cards")
    return load_casebook(folder / "psad-teleservices.xml")


def _said(case: Case) -> str:
    return f"{case.title} {case.objective}"


def test_no_case_expects_a_guarantee_without_the_vitale_card(casebook: Casebook) -> None:
    """The public source: « en l'absence de carte Vitale, il n'y a pas de garantie de paiement au sens juridique »."""
    expected = {
        (c.id, c.mode is Mode.SECURISE): e.expected
        for c in casebook.cases
        for e in c.expectations
        if e.path == "invoice.adri.guarantee"
    }
    assert {key[0] for key in expected} >= {f"TLS-ADRI-0{n:02}" for n in (1, 2, 3, 9, 10)}
    assert all(value == "false" for (_, secured), value in expected.items() if not secured), expected
    assert expected[("TLS-ADRI-009", True)] == "true"
    first = next(c for c in casebook.cases if c.id == "TLS-ADRI-001")
    assert "pas de garantie de paiement au sens juridique" in first.objective


def test_the_apcv_validity_is_the_bench_convention(casebook: Casebook) -> None:
    expired = next(c for c in casebook.cases if c.id == "TLS-APCV-004")
    assert "convention du banc" in expired.objective and "dix minutes" not in expired.objective
    scenario = registry().get("apcv", "contexte-expire")
    assert scenario is not None and "convention du banc" in scenario.title


def test_the_eprescription_case_says_what_it_checks(casebook: Casebook) -> None:
    case = next(c for c in casebook.cases if c.id == "TLS-EPR-001")
    assert "le banc les compare à ceux qu'il a lus (règle du banc" in case.objective
