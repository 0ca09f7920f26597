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


# -- finding 12: the partial payment is an amount in euros --------------------------------------------------
def test_the_partial_payment_is_asked_in_euros_not_in_cents() -> None:
    engine = ReferenceEngine()
    lot = engine.build_lot({"invoice_ids": billed(engine, invoice("R-1"))})["number"]  # due 33.60
    refused = refusal(engine.read_returns, {"scenario": "rsp-partial", "paid": 3000, "lot_number": lot})
    assert "en euros au centime près" in refused.message and "centimes" not in refused.message
    assert "in euros to the cent" in english(refused.message)
    paid = engine.read_returns({"scenario": "rsp-partial", "paid": "30.00", "lot_number": lot})
    assert (paid["paid"], paid["unpaid"]) == ("30.00", "3.60")
