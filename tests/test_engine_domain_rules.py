"""The reference engine's domain rules a billing reviewer checked (audit 10, report B): the lot's organisme
destinataire, the partial-payment amount in euros, the dates of the bundled tariffs, the BSA/BSB/BSC forfaits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from testbench.domain.refusal import EngineRefusal
from testbench.engines.reference.b2 import parse_file
from testbench.engines.reference.engine import ReferenceEngine
from testbench.i18n import english

REPO = Path(__file__).resolve().parents[1]
CARDS = REPO / "casebooks" / "cards"
BED = {"nomenclature": "LPP", "code": "1241763", "quantity": "4", "coefficient": "1"}  # E1: AMO 33.60


def invoice(ref: str, mode: str = "degrade", care_date: str = "2026-02-02", **beneficiary: Any) -> dict[str, Any]:
    ben = {"nir": "1520199999001", "rank": 1, "regime": "01", "coverage": {}, **beneficiary}
    return {"invoice_ref": ref, "mode": mode, "care_date": care_date, "beneficiary": ben, "tiers_payant": "amo",
            "lines": [BED]}


def billed(engine: ReferenceEngine, *requests: dict[str, Any]) -> list[str]:
    ids = [engine.create_invoice(req)["invoice_id"] for req in requests]
    for invoice_id in ids:
        engine.secure_invoice({"invoice_id": invoice_id})
    return ids


def refusal(call: Any, *args: Any) -> EngineRefusal:
    with pytest.raises(EngineRefusal) as info:
        call(*args)
    return info.value


# -- finding 10: the lot goes to the organisme destinataire read on the card ----------------------------------
def test_a_lot_is_addressed_to_the_caisse_and_centre_of_the_vitale_card_read() -> None:
    from testbench.cards.inprocess import InProcessBay

    bay = InProcessBay()
    bay.present("vitale", CARDS / "vitale2-adult-standard.xml")  # rights: régime 01, caisse 751, centre 9999
    engine = ReferenceEngine(channel=bay)
    nir = engine.read_vitale("vitale")["beneficiaries"][0]["nir"]
    lot = engine.build_lot({"invoice_ids": billed(engine, invoice("C-1", mode="securise", nir=nir))})
    assert lot["organisme"] == {"regime": "01", "caisse": "751", "centre": "9999"}
    header = next(values for rtype, values in parse_file(lot["b2"]) if rtype == "100")
    assert (header["regime"], header["caisse"], header["centre"]) == (1, 751, 9999)  # was 01 000 0000
    invoice_header = next(values for rtype, values in parse_file(lot["b2"]) if rtype == "200")
    assert (invoice_header["caisse"], invoice_header["centre"]) == (751, 9999)  # the card's, on the invoice too


def test_lots_are_split_by_organisme_and_the_request_may_name_it() -> None:
    engine = ReferenceEngine()
    paris = billed(engine, invoice("P-1", caisse="751", centre="9999"), invoice("P-2", caisse="751", centre="9999"))
    lot = engine.build_lot({"invoice_ids": paris})
    assert (lot["invoice_count"], lot["organisme"]["caisse"]) == (2, "751")
    mixed = billed(engine, invoice("M-1", caisse="751", centre="9999"), invoice("M-2", caisse="671", centre="9999"))
    refused = refusal(engine.build_lot, {"invoice_ids": mixed})
    assert refused.code == "MIXED_LOT" and "01 671 9999, 01 751 9999" in refused.message
    assert english(refused.message) == "different organismes destinataires in one lot: 01 671 9999, 01 751 9999"
    assert refusal(engine.create_invoice, invoice("B-1", caisse="75A")).code == "INVALID_REQUEST"


def test_a_lot_nothing_addresses_is_refused_and_says_where_a_degrade_invoice_gets_its_organisme() -> None:
    """A dégradé invoice without the caisse and centre of the attestation de droits is billed and secured, but
    its lot is refused: zeros would address it to no caisse."""
    engine = ReferenceEngine()
    unaddressed = billed(engine, invoice("U-1"), invoice("U-2", caisse="751", centre="9999"))
    refused = refusal(engine.build_lot, {"invoice_ids": unaddressed})
    assert refused.code == "ORGANISME_UNKNOWN" and refused.details["invoice_id"] == unaddressed[0]
    assert "beneficiary.caisse" in refused.message and "attestation de droits" in refused.message
    said = english(refused.message)
    assert said.startswith("invoice ") and "unknown organisme destinataire" in said and "inconnu" not in said, said
    lot = engine.build_lot({"invoice_ids": unaddressed[1:]})  # the addressed one alone goes
    assert lot["organisme"] == {"regime": "01", "caisse": "751", "centre": "9999"}


# -- finding 12: the partial payment is an amount in euros --------------------------------------------------
def test_the_partial_payment_is_asked_in_euros_not_in_cents() -> None:
    engine = ReferenceEngine()
    lot = engine.build_lot({"invoice_ids": billed(engine, invoice("R-1", caisse="751", centre="9999"))})["number"]
    refused = refusal(engine.read_returns, {"scenario": "rsp-partial", "paid": 3000, "lot_number": lot})
    assert "en euros au centime près" in refused.message and "centimes" not in refused.message
    assert "in euros to the cent" in english(refused.message)
    paid = engine.read_returns({"scenario": "rsp-partial", "paid": "30.00", "lot_number": lot})
    assert (paid["paid"], paid["unpaid"]) == ("30.00", "3.60")


# -- finding 4: a table's dates are what its sources say, never a refusal made of a gap ---------------------
def nurse_invoice(ref: str, care_date: str, *codes: str) -> dict[str, Any]:
    req = invoice(ref, care_date=care_date)
    req["ps_category"] = "infirmier"
    req["lines"] = [{"nomenclature": "NGAP", "code": code, "quantity": "1", "coefficient": "1"} for code in codes]
    return req


def test_a_nurse_act_before_the_date_its_value_is_attested_is_priced_with_a_warning() -> None:
    from testbench.engines.reference.fse import validate_fse

    traced: list[str] = []
    engine = ReferenceEngine(trace=traced.append)
    res = engine.create_invoice(nurse_invoice("N-1", "2023-12-15", "AMI", "IFD"))  # was NO_TARIFF_AT_DATE
    assert [t for t in traced if "WARN" in t and "avertissement TARIFF_START_UNVERIFIED: ligne 1" in t]
    assert (res["totals"]["base"], res["totals"]["amo"]) == ("5.90", "3.54")
    assert [(w["code"], w["line"]) for w in res["warnings"]] == [("TARIFF_START_UNVERIFIED", 1)]  # IFD: a true date
    assert "date d'effet non vérifiée" in res["warnings"][0]["message"]
    said = english(res["warnings"][0]["message"])
    assert said.startswith("line 1: effective date not verified: AMI at €3.15 on 2023")
    assert '<avertissement ligne="1" code="TARIFF_START_UNVERIFIED">ligne 1 : date d\'effet non' in res["fse"]
    assert validate_fse(res["fse"]) == []
    on_the_date = engine.create_invoice(nurse_invoice("N-2", "2024-01-28", "AMI", "IFD"))
    assert on_the_date["warnings"] == []


def test_a_historical_lpp_tariff_used_years_later_says_it_is_a_test_fixture() -> None:
    engine = ReferenceEngine()
    later = engine.create_invoice(invoice("L-1", care_date="2026-01-12"))
    assert later["totals"]["base"] == "56.00"
    assert [(w["code"], w["line"]) for w in later["warnings"]] == [("TARIFF_NOT_CURRENT", 1)]
    assert "ligne 1 : tarif de test 1241763 à 14,00\u00a0€ (relevé historique du " in later["warnings"][0]["message"]
    assert english(later["warnings"][0]["message"]).startswith("line 1: test tariff 1241763 at €14.00")
    assert '<avertissement ligne="1" code="TARIFF_NOT_CURRENT">' in later["fse"]
    assert engine.create_invoice(invoice("L-2", care_date="2014-01-13"))["warnings"] == []  # within the snapshot
    fixture = invoice("L-3", care_date="2026-01-12")
    fixture["lines"] = [{**BED, "tariff": "14.00"}]  # the case's own tariff: nothing to warn about
    assert engine.create_invoice(fixture)["warnings"] == []


def test_no_bundled_nurse_row_starts_on_a_date_the_sources_do_not_give() -> None:
    """Only IFD's start (avenant 10: 2023-08-28) is in the sources; the others' starts are unknown."""
    from datetime import date

    from testbench.engines.reference.tables import load_bundled_tables

    tables = load_bundled_tables()
    for code in ("AMI", "AMX", "AIS", "BSA", "BSB", "BSC", "IK", "MAU", "MCI", "DI"):
        entry = tables.tariff("NGAP", code, date(2010, 1, 1))
        assert entry is not None and entry.start_unknown, code
    assert tables.tariff("NGAP", "IFD", date(2023, 8, 27)) is None


# -- finding 9: BSA/BSB/BSC are the daily forfaits that follow the BSI, not the assessment itself -----------
def test_bsa_bsb_bsc_are_daily_forfaits_by_level_of_care() -> None:
    from datetime import date

    from testbench.engines.reference.tables import load_bundled_tables

    tables = load_bundled_tables()
    labels = {code: tables.tariff("NGAP", code, date(2026, 2, 2)).label for code in ("BSA", "BSB", "BSC")}
    assert labels == {
        "BSA": "FORFAIT JOURNALIER DE SOINS INFIRMIERS PRISE EN CHARGE LEGERE",
        "BSB": "FORFAIT JOURNALIER DE SOINS INFIRMIERS PRISE EN CHARGE INTERMEDIAIRE",
        "BSC": "FORFAIT JOURNALIER DE SOINS INFIRMIERS PRISE EN CHARGE LOURDE",
    }
    nurse_book = (REPO / "casebooks" / "nurse-ngap.xml").read_text(encoding="utf-8")
    assert "bilan de soins infirmiers)" not in nurse_book and "prise en charge intermédiaire" in nurse_book
