"""The reference engine's téléservice calls over real HTTP: each scenario's result or refusal, each fault's
typed refusal (never a crash), the « facture ADRi » marking on the invoice, and the same calls through the
out-of-process engine (JSON-RPC, results validated against their schemas)."""

from __future__ import annotations

import socket
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest

from testbench.domain.refusal import EngineRefusal
from testbench.engines.protocol.client import SubprocessEngine
from testbench.engines.reference.engine import ReferenceEngine
from testbench.services.process import ServicesProcess

CARE = "2026-01-12"
BEN = {"nir": "199990000000017", "rank": 1, "regime": "01", "coverage": {}}
TRAITS = {"birth_name": "PATIENT", "first_name": "SANS VITALE", "sex": "M", "birth_date": "1999-01-01"}


@pytest.fixture(scope="module")
def services() -> Iterator[ServicesProcess]:
    proc = ServicesProcess()
    proc.ensure()
    yield proc
    proc.close()


@pytest.fixture
def engine() -> Iterator[ReferenceEngine]:
    eng = ReferenceEngine()
    yield eng
    eng.close()


def adri(engine: Any, services: ServicesProcess, scenario: str, fault: str = "none", **extra: Any) -> Any:
    services.configure("adri", scenario, fault)
    request = {"beneficiary": BEN, "care_date": CARE, "service_url": services.url("adri"), **extra}
    return engine.adri_query(request)


def refusal(call: Any) -> str:
    with pytest.raises(EngineRefusal) as info:
        call()
    return info.value.code


def test_adri_open_rights_are_marked_and_guaranteed(engine: ReferenceEngine, services: ServicesProcess) -> None:
    res = adri(engine, services, "droits-ouverts", query="systematique")
    assert (res["rights_open"], res["marking"], res["guarantee"], res["query"]) == (
        True,
        "facture-adri",
        True,
        "systematique",
    )
    assert res["source"] == "adri" and res["reference"].startswith("ADRI-")
    assert res["coverage"]["rights_start"] < CARE < res["coverage"]["rights_end"]


@pytest.mark.parametrize(
    ("scenario", "expected"),
    [
        ("droits-fermes", (False, "aucun", False, 1)),
        ("droits-non-certifies", (True, "aucun", False, 1)),
        ("plusieurs-beneficiaires", (True, "facture-adri", True, 3)),
    ],
)
def test_adri_answers(engine: ReferenceEngine, services: ServicesProcess, scenario: str, expected: tuple) -> None:
    res = adri(engine, services, scenario)
    assert (res["rights_open"], res["marking"], res["guarantee"], res["beneficiary_count"]) == expected


@pytest.mark.parametrize(("scenario", "flag"), [("droits-ouverts-ald", "ald"), ("droits-ouverts-c2s", "c2s")])
def test_adri_coverage(engine: ReferenceEngine, services: ServicesProcess, scenario: str, flag: str) -> None:
    assert adri(engine, services, scenario)["coverage"][flag] is True


def test_adri_unknown_beneficiary_and_unknown_rank(engine: ReferenceEngine, services: ServicesProcess) -> None:
    assert refusal(lambda: adri(engine, services, "beneficiaire-inconnu")) == "ADRI_UNKNOWN_BENEFICIARY"
    services.configure("adri", "plusieurs-beneficiaires")
    request = {"beneficiary": {**BEN, "rank": 7}, "care_date": CARE, "service_url": services.url("adri")}
    assert refusal(lambda: engine.adri_query(request)) == "ADRI_UNKNOWN_BENEFICIARY"


@pytest.mark.parametrize(
    ("service", "scenario", "call", "params"),
    [
        ("adri", "droits-ouverts", "adri_query", {"beneficiary": BEN, "care_date": CARE}),
        ("apcv", "contexte-valide", "apcv_context", {"channel": "qr"}),
        ("insi", "identite-trouvee", "insi_query", {"traits": TRAITS}),
        ("eprescription", "ordonnance-lpp", "eprescription_fetch", {"number": "RX-1"}),
    ],
)
@pytest.mark.parametrize(
    ("fault", "code"),
    [
        ("server-error", "TELESERVICE_UNAVAILABLE"),
        ("down", "TELESERVICE_UNAVAILABLE"),
        ("timeout", "TELESERVICE_UNAVAILABLE"),
        ("malformed", "TELESERVICE_INVALID_ANSWER"),
    ],
)
def test_every_fault_is_a_typed_refusal_and_the_engine_goes_on(
    engine: ReferenceEngine,
    services: ServicesProcess,
    service: str,
    scenario: str,
    call: str,
    params: dict,
    fault: str,
    code: str,
) -> None:
    services.configure(service, scenario, fault)
    full = {**params, "service_url": services.url(service), "service_timeout": 0.3}
    started = time.monotonic()
    assert refusal(lambda: getattr(engine, call)(full)) == code
    assert time.monotonic() - started < 2
    services.configure(service, scenario)  # the same engine, the fault gone: it answers again
    assert isinstance(getattr(engine, call)(full), dict)


def test_service_indisponible_scenario_and_nothing_listening(
    engine: ReferenceEngine, services: ServicesProcess
) -> None:
    assert refusal(lambda: adri(engine, services, "service-indisponible")) == "TELESERVICE_UNAVAILABLE"
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    request = {"traits": TRAITS, "service_url": f"http://127.0.0.1:{port}/insi"}
    assert refusal(lambda: engine.insi_query(request)) == "TELESERVICE_UNAVAILABLE"
    assert refusal(lambda: engine.insi_query({"traits": TRAITS})) == "TELESERVICE_UNAVAILABLE"  # no address


def test_apcv_context_expiry_and_refusal(engine: ReferenceEngine, services: ServicesProcess) -> None:
    url = services.url("apcv")
    services.configure("apcv", "contexte-valide-c2s")
    res = engine.apcv_context({"channel": "nfc", "care_date": CARE, "service_url": url})
    assert (res["status"], res["channel"], res["rights_open"], res["coverage"]["c2s"]) == ("valid", "nfc", True, True)
    assert res["nir"] == "299990000000042"  # the registry's default identity
    services.configure("apcv", "contexte-expire")
    assert refusal(lambda: engine.apcv_context({"service_url": url})) == "APCV_CONTEXT_EXPIRED"
    services.configure("apcv", "contexte-refuse")
    assert refusal(lambda: engine.apcv_context({"service_url": url})) == "APCV_REFUSED"


@pytest.mark.parametrize(
    ("scenario", "status", "count", "qualified"),
    [
        ("identite-trouvee", "found", 1, True),
        ("plusieurs-identites", "several", 2, False),
        ("identite-inconnue", "not-found", 0, False),
    ],
)
def test_insi(
    engine: ReferenceEngine, services: ServicesProcess, scenario: str, status: str, count: int, qualified: bool
) -> None:
    services.configure("insi", scenario)
    res = engine.insi_query({"traits": TRAITS, "nir": "199990000000017", "service_url": services.url("insi")})
    assert (res["status"], res["count"], res["qualified"]) == (status, count, qualified)
    assert ("ins" in res) is qualified
    if qualified:
        assert (res["ins"], res["oid"], res["sex"]) == ("199990000000017", "1.2.250.1.213.1.4.10", "M")


def test_eprescription(engine: ReferenceEngine, services: ServicesProcess) -> None:
    url = services.url("eprescription")
    services.configure("eprescription", "ordonnance-soins-infirmiers")
    res = engine.eprescription_fetch({"number": "RX-9", "service_url": url})
    assert res["number"] == "RX-9" and res["line_count"] == 1 and res["lines"][0]["code"] == "AMI"
    assert res["prescriber"] == {"rpps": "10000000007", "name": "DOCTEUR PRESCRIPTEUR", "specialty": "01"}
    services.configure("eprescription", "ordonnance-inconnue")
    assert (
        refusal(lambda: engine.eprescription_fetch({"number": "RX-9", "service_url": url})) == "EPRESCRIPTION_NOT_FOUND"
    )


def _invoice(
    engine: ReferenceEngine, ref: str, tiers_payant: str, care: str = CARE, adri_ref: str = "", mode: str = "securise"
) -> dict:
    line = {"nomenclature": "LPP", "code": "1241763", "quantity": "4", "coefficient": "1", "unit_price": "14.00"}
    request = {
        "invoice_ref": ref,
        "mode": mode,
        "care_date": care,
        "ps_category": "fournisseur-lpp",
        "beneficiary": {**BEN, "coverage": {"rights_start": "2025-01-01", "rights_end": "2027-01-01"}},
        "tiers_payant": tiers_payant,
        "lines": [line],
        "adri_reference": adri_ref or None,
    }
    return engine.create_invoice(request)["adri"]


def test_invoice_carries_the_adri_marking_and_its_guarantee(engine: ReferenceEngine, services: ServicesProcess) -> None:
    assert _invoice(engine, "R0", "amo") == {"marking": "aucun", "guarantee": False, "reference": ""}  # no ADRi yet
    ref = adri(engine, services, "droits-ouverts")["reference"]
    marked = _invoice(engine, "R1", "amo", adri_ref=ref)
    assert (marked["marking"], marked["guarantee"], marked["reference"]) == ("facture-adri", True, ref)
    # « en l'absence de carte Vitale, il n'y a pas de garantie de paiement au sens juridique »: marked, no guarantee
    for mode in ("sesam-sans-vitale", "degrade"):
        unsecured = _invoice(engine, f"R1-{mode}", "amo", adri_ref=ref, mode=mode)
        assert (unsecured["marking"], unsecured["guarantee"]) == ("facture-adri", False), mode
    assert _invoice(engine, "R2", "none", adri_ref=ref)["guarantee"] is False  # the guarantee is the tiers payant's
    assert _invoice(engine, "R3", "amo", care="2026-01-13", adri_ref=ref)["marking"] == "aucun"  # another day
    assert _invoice(engine, "R3b", "amo")["marking"] == "aucun"  # an invoice naming no ADRi answer is not marked
    assert _invoice(engine, "R3c", "amo", adri_ref="ADRI-999999")["marking"] == "aucun"  # nor one naming another
    unmarked = adri(engine, services, "droits-non-certifies")["reference"]
    assert _invoice(engine, "R4", "amo", adri_ref=unmarked)["marking"] == "aucun"


def test_the_out_of_process_engine_makes_the_calls_and_they_match_their_schemas(services: ServicesProcess) -> None:
    eng = SubprocessEngine([sys.executable, "-m", "testbench", "engine", "serve"], timeout=10)
    try:
        caps = eng.describe().capabilities
        assert {"apcv_context", "insi_query", "eprescription_fetch"} <= set(caps)
        services.configure("apcv", "contexte-valide")
        assert eng.apcv_context({"channel": "qr", "service_url": services.url("apcv")})["status"] == "valid"
        services.configure("insi", "identite-trouvee")
        assert eng.insi_query({"traits": TRAITS, "service_url": services.url("insi")})["qualified"] is True
        services.configure("eprescription", "ordonnance-lpp")
        assert eng.eprescription_fetch({"number": "RX-1", "service_url": services.url("eprescription")})["lines"]
        assert adri(eng, services, "droits-ouverts")["marking"] == "facture-adri"
        assert refusal(lambda: adri(eng, services, "droits-ouverts", "down")) == "TELESERVICE_UNAVAILABLE"
    finally:
        eng.close()
