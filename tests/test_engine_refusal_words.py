"""The reference engine's refusals as a person reads them, in French and in English (``i18n.english``).

The session records the French message; the English one is read back from the catalogue. In French an amount
is money (« 5,50 € », no-break spaces), a date is written dd/mm/yyyy, « ligne 1 : » takes a space before its
colon and a code of the request is said in words (« 4 périodes hebdomadaires », « tiers payant intégral »); in
English an amount reads "€5.50", a date is ISO (2026-01-05), "line 1: ". The refusal's ``details`` stay data:
ISO dates, decimals with a dot, the request's codes and paths.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from testbench.domain.refusal import EngineRefusal
from testbench.engines.reference.engine import ReferenceEngine
from testbench.i18n import english

NBSP = "\u00a0"


def line(code: str, qty: str = "1", nomenclature: str = "LPP", **kw: Any) -> dict[str, Any]:
    return {"nomenclature": nomenclature, "code": code, "quantity": qty, "coefficient": "1", **kw}


def request(lines: list[dict[str, Any]], **kw: Any) -> dict[str, Any]:
    req: dict[str, Any] = {
        "invoice_ref": "W-1",
        "mode": "securise",
        "care_date": kw.pop("care_date", "2026-01-12"),
        "ps_category": kw.pop("ps_category", "fournisseur-lpp"),
        "beneficiary": {"nir": "1850575123456", "rank": 1, "regime": "01", "coverage": kw.pop("coverage", {})},
        "tiers_payant": "none",
        "lines": lines,
    }
    req.update(kw)
    return req


def refused(call: Any, *args: Any) -> EngineRefusal:
    with pytest.raises(EngineRefusal) as info:
        call(*args)
    return info.value


def invoice_refusal(req: dict[str, Any]) -> EngineRefusal:
    return refused(ReferenceEngine(today=lambda: date(2026, 2, 2)).create_invoice, req)


# (the request, its refusal code, the French message, its English, details that stay data)
INVOICE_REFUSALS = [
    pytest.param(
        request([line("1105215", unit_price="5.50")]),
        "PRICE_ABOVE_PLV",
        f"ligne 1 : prix 5,50{NBSP}€ au-dessus du PLV 5,07{NBSP}€ (1105215)",
        "line 1: price €5.50 above the PLV €5.07 (1105215)",
        {"unit_price": "5.50", "plv": "5.07"},
        id="plv",
    ),
    pytest.param(
        request([line("1241763", "4", unit_price="18.47", plv="none")], coverage={"c2s": True}),
        "DEPASSEMENT_NOT_ALLOWED_C2S",
        f"ligne 1 : dépassement de 17,88{NBSP}€ interdit pour un bénéficiaire C2S",
        "line 1: dépassement (amount above the tariff) of €17.88 not allowed for a C2S beneficiary",
        {"depassement": "17.88"},
        id="c2s-depassement",
    ),
    pytest.param(
        request(
            [line("1241763", "4", rental_start="2026-01-12", rental_end="2026-01-05")],
            care_date="2026-01-05",
            billing_date="2026-02-02",
        ),
        "RENTAL_PERIOD_INVALID",
        "ligne 1 : fin de location 05/01/2026 avant son début 12/01/2026",
        "line 1: rental end 2026-01-05 before its start 2026-01-12",
        {"line": 0},
        id="rental-reversed",
    ),
    pytest.param(
        request([line("1241763", "5", rental_start="2026-01-05", rental_end="2026-02-01")], care_date="2026-01-05"),
        "RENTAL_PERIOD_INVALID",
        "ligne 1 : quantité 5 pour 4 périodes hebdomadaires",
        "line 1: quantity 5 for 4 weekly periods",
        {"expected": "4", "code": "hebdomadaire"},
        id="rental-weeks",
    ),
    pytest.param(
        request(
            [line("1188069", "2", rental_start="2026-01-15", rental_end="2026-02-14")],
            care_date="2026-01-15",
            billing_date="2026-02-14",
        ),
        "RENTAL_PERIOD_INVALID",
        "ligne 1 : quantité 2 pour 1 période mensuelle",
        "line 1: quantity 2 for 1 monthly period",
        {"expected": "1", "code": "mensuel"},
        id="rental-month",
    ),
    pytest.param(
        request([line("1241763", "4")], billing_date="2026-01-05"),
        "BILLING_BEFORE_CARE",
        "facture du 05/01/2026 avant les soins du 12/01/2026",
        "invoice of 2026-01-05 before the care of 2026-01-12",
        {"billing_date": "2026-01-05", "date": "2026-01-12"},
        id="billing-before-care",
    ),
    pytest.param(
        request([line("1241763", tariff="10.00")], care_date="1999-12-31"),
        "NO_RATE_AT_DATE",
        "ligne 1 : aucun taux de base pour la catégorie LPP au 31/12/1999",
        "line 1: no base rate for the category LPP on 1999-12-31",
        {"category": "lpp", "date": "1999-12-31"},
        id="no-rate",
    ),
    pytest.param(
        request([line("1241763", "4")], amc={"contract": "tm", "type": "tiers-payant-integral"}),
        "AMC_NUMBER_MISSING",
        "AMC tiers payant intégral sans numéro d'organisme",
        "AMC tiers payant intégral without the organisation's number",
        {"amc_type": "tiers-payant-integral"},
        id="amc-routing",
    ),
    pytest.param(
        request([line("1241763", "0")]),
        "INVALID_QUANTITY",
        "ligne 1, quantité : quantité entière de 1 à 999 attendue",
        "line 1, quantity: a whole quantity from 1 to 999 expected",
        {"field": "lines[0].quantity"},
        id="quantity",
    ),
    pytest.param(
        request([line("1241763", unit_price="x")]),
        "INVALID_REQUEST",
        "ligne 1, prix unitaire : pas un nombre décimal : « x »",
        "line 1, unit price: not a decimal number: “x”",
        {"field": "lines[0].unit_price"},
        id="unit-price",
    ),
    pytest.param(
        request([line("1241763", "4", prestation="achat")]),
        "PRESTATION_TYPE_MISMATCH",
        "ligne 1 : 1241763 est un code de type location, pas achat",
        "line 1: 1241763 is a code of type rental, not purchase",
        {"expected": "location", "declared": "achat"},
        id="prestation",
    ),
    pytest.param(
        request([line("AMI", nomenclature="NGAP", travel="montagne")], ps_category="infirmier"),
        "TRAVEL_ZONE_NOT_APPLICABLE",
        "ligne 1 : déplacement en montagne sans valeur pour AMI",
        "line 1: travel in the mountains without a value for AMI",
        {"code": "AMI"},
        id="travel-zone",
    ),
    pytest.param(
        request([line("1241763", "4")], amc={"contract": "tm+plafond"}),
        "INVALID_REQUEST",
        "amc.contract : « tm » ou « tm+depassement » attendu",
        "amc.contract: “tm” or “tm+depassement” expected",
        {"field": "amc.contract"},
        id="amc-contract",
    ),
]


@pytest.mark.parametrize(("req", "code", "french", "english_text", "details"), INVOICE_REFUSALS)
def test_an_invoice_refusal_reads_as_a_person_writes_it(
    req: dict[str, Any], code: str, french: str, english_text: str, details: dict[str, Any]
) -> None:
    refusal = invoice_refusal(req)
    assert (refusal.code, refusal.message) == (code, french)
    assert english(refusal.message) == english_text
    assert details.items() <= refusal.details.items()  # data: ISO dates, dot decimals, the request's codes


@pytest.mark.parametrize(("req", "code", "french", "english_text", "details"), INVOICE_REFUSALS)
def test_no_refusal_says_a_raw_value(
    req: dict[str, Any], code: str, french: str, english_text: str, details: dict[str, Any]
) -> None:
    """No colon glued to « ligne 1 », no ISO date nor dot decimal in French, no French date in English."""
    said = invoice_refusal(req).message
    assert not re.search(r"ligne \d+:|\d{4}-\d{2}-\d{2}|\d\.\d{2}\b|lines\[|tiers-payant-integral", said), said
    assert not re.search(r"\d{2}/\d{2}/\d{4}|ligne|lines\[", english(said)), english(said)


def _lot(engine: ReferenceEngine) -> str:
    bed = line("1241763", "4")
    req = request([bed], mode="degrade", tiers_payant="amo")
    req["beneficiary"].update(caisse="751", centre="9999")
    invoice_id = engine.create_invoice(req)["invoice_id"]
    engine.secure_invoice({"invoice_id": invoice_id})
    return engine.build_lot({"invoice_ids": [invoice_id]})["number"]


def test_a_partial_payment_above_what_is_due_says_both_amounts_as_money() -> None:
    engine = ReferenceEngine()
    lot = _lot(engine)
    refusal = refused(engine.read_returns, {"scenario": "rsp-partial", "paid": "50.00", "lot_number": lot})
    assert refusal.message == (
        f"rsp-partial : le montant payé 50,00{NBSP}€ doit être en euros au centime près, de zéro à moins de"
        f" 33,60{NBSP}€ (dû)"
    )
    assert english(refusal.message) == (
        "rsp-partial: the amount paid €50.00 must be in euros to the cent, from zero to less than €33.60 (due)"
    )
    assert (refusal.details["paid"], refusal.details["due"]) == ("50.00", "33.60")


def test_a_teleservice_refusal_names_the_service_and_says_its_time_in_words() -> None:
    engine = ReferenceEngine()
    down = refused(engine.adri_query, {"beneficiary": {"nir": "1850575123456"}, "service_url": "http://127.0.0.1:1/"})
    assert (down.message, english(down.message)) == (
        "téléservice ADRi indisponible : connexion refusée",
        "teleservice ADRi unavailable: connection refused",
    )
    assert down.details == {"service": "adri"}
    engine._services.post = lambda service, request, payload: {  # type: ignore[method-assign]
        "status": "expired",
        "expires": "2026-01-05T10:00:00+00:00",
    }
    expired = refused(engine.apcv_context, {"service_url": "http://127.0.0.1:1/"})
    assert expired.message == "ApCV : contexte expiré (05/01/2026 10:00:00 UTC)"
    assert english(expired.message) == "ApCV: context expired (2026-01-05 10:00:00 UTC)"
    assert expired.details == {"expires": "2026-01-05T10:00:00+00:00"}
    engine._services.post = lambda service, request, payload: {"status": "refused"}  # type: ignore[method-assign]
    refusal = refused(engine.apcv_context, {"service_url": "http://127.0.0.1:1/"})
    assert refusal.message == "ApCV : contexte refusé"  # without a reason: no « () »
    assert english(refusal.message) == "ApCV: context refused"


@pytest.mark.parametrize(
    ("older", "read"),
    [
        ("ligne 1: prix 5.50 au-dessus du PLV 5.07 (1105215)", "line 1: price 5.50 above the PLV 5.07 (1105215)"),
        ("facture du 2026-01-05 avant les soins du 2026-01-12", "invoice of 2026-01-05 before the care of 2026-01-12"),
        (
            "lines[0].quantity: quantité entière de 1 à 999 attendue",
            "lines[0].quantity: a whole quantity from 1 to 999 expected",
        ),
        ("ligne 1: quantité 5 pour 4 périodes hebdomadaire", "line 1: quantity 5 for 4 weekly periods"),
        ("ligne 1: aucun taux lpp standard au 1999-12-31", "line 1: no lpp standard rate on 1999-12-31"),
        (
            "AMC tiers-payant-integral sans numéro d'organisme",
            "AMC tiers-payant-integral without the organisation's number",
        ),
        ("ApCV: contexte expiré (2026-01-05T10:00:00+00:00)", "ApCV: context expired (2026-01-05T10:00:00+00:00)"),
    ],
)
def test_an_older_session_s_refusal_still_reads_in_english(older: str, read: str) -> None:
    """Sessions recorded before keep their sentences: the catalogue keeps the older templates."""
    assert english(older) == read


def test_a_care_on_the_last_day_of_the_calendar_is_refused_in_words_not_a_crash() -> None:
    """9999-12-31 is a date a casebook may write: the one-year billing limit lies past Python's calendar, so
    the engine judges the care by its other rules instead of failing (« year 10000 is out of range »)."""
    refusal = invoice_refusal(request([line("1241763", unit_price="14.00")], care_date="9999-12-31"))
    assert refusal.code in {"RIGHTS_EXPIRED", "NO_TARIFF_AT_DATE"} and "31/12/9999" in refusal.message
