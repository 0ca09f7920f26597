"""AME care (audit s26 D1): the patient owes no TM, the State's part travels in the lot and the RSP pays it,
and the FSE bills the line with the qualificatif de la dépense N (billing-rules §3 #1)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from lxml import etree

from testbench.engines.reference.b2 import parse_file
from testbench.engines.reference.engine import ReferenceEngine
from testbench.engines.reference.fse import FSE_NS, validate_fse

BED = {"nomenclature": "LPP", "code": "1241763", "quantity": "4", "coefficient": "1"}  # BR 56.00


def ame_invoice() -> dict[str, Any]:
    ben = {"nir": "1520199999001", "rank": 1, "regime": "01", "caisse": "751", "centre": "9999",
           "coverage": {"ame": True}}
    return {"invoice_ref": "AME-1", "mode": "degrade", "care_date": "2026-02-02", "beneficiary": ben,
            "tiers_payant": "amo", "lines": [BED]}


def test_an_ame_line_has_no_ticket_moderateur_and_is_billed_with_qualificatif_n() -> None:
    res = ReferenceEngine().create_invoice(ame_invoice())
    line = res["lines"][0]
    assert (line["amo"], line["state"], line["tm"], line["patient"]) == ("0.00", "56.00", "0.00", "0.00")
    assert res["totals"]["tm"] == "0.00"
    assert validate_fse(res["fse"]) == []
    ligne = etree.fromstring(res["fse"].encode()).find(f".//{{{FSE_NS}}}ligne")
    assert ligne is not None and ligne.get("qualificatif") == "N" and ligne.get("tm") == "0.00"


def test_the_lot_carries_the_state_part_and_adds_up() -> None:
    engine = ReferenceEngine()
    invoice_id = engine.create_invoice(ame_invoice())["invoice_id"]
    engine.secure_invoice({"invoice_id": invoice_id})
    records = dict(parse_file(engine.build_lot({"invoice_ids": [invoice_id]})["b2"]))
    line, end, lot = records["3F0"], records["500"], records["190"]
    assert (line["etat"], line["qualificatif"]) == (Decimal("56.00"), "N")
    assert end["etat"] == Decimal("56.00") and end["part_assure_avant_oc"] == Decimal("0.00")
    assert end["facture"] == end["amo"] + end["amc"] + end["patient"] + end["etat"]
    assert lot["etat"] == Decimal("56.00")


def test_the_rsp_pays_the_state_part() -> None:
    engine = ReferenceEngine()
    invoice_id = engine.create_invoice(ame_invoice())["invoice_id"]
    engine.secure_invoice({"invoice_id": invoice_id})
    engine.build_lot({"invoice_ids": [invoice_id]})
    returned = engine.read_returns({"scenario": "rsp-paid"})
    assert returned["details"][0]["amount_paid"] == "56.00" and returned["paid"] == "56.00"
    assert "P0000005600@" in returned["noemie"]


def test_the_conformance_invariants_count_the_state_part() -> None:
    """An engine's AME line (amo 0, patient 0, state = the base) adds up: `testbench engine check` called it
    wrong (amo + amc + patient ≠ base), and would have failed any engine billing AME right."""
    from testbench.engines.protocol.conformance import invoice_invariants

    assert invoice_invariants(ReferenceEngine().create_invoice(ame_invoice())) == []
