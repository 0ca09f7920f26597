"""NOEMIE partial payments (``rsp-partial``) and a lot sent again after a negative ARL: the reference engine's
returns, the casebook's rules for ``paid``, and the bundled cases that use both, run by the runner."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from testbench.casebook.errors import CasebookError
from testbench.casebook.loader import load_casebook
from testbench.domain.refusal import EngineRefusal
from testbench.engines.reference.engine import ReferenceEngine
from testbench.paths import CASEBOOKS_DIR
from testbench.runner.campaign import Campaign
from testbench.runner.options import BenchOptions, CampaignOptions

LOTS = CASEBOOKS_DIR / "psad-lots-retours.xml"
BED = {"nomenclature": "LPP", "code": "1241763", "quantity": "4", "coefficient": "1", "unit_price": "14.00"}  # 33.60
PPC = {"nomenclature": "LPP", "code": "1113930", "quantity": "13", "coefficient": "1", "unit_price": "21.00"}  # 163.80


def _lot(engine: ReferenceEngine, *lines: dict) -> str:
    ids = []
    for n, line in enumerate(lines):
        request = {
            "invoice_ref": f"R{n}",
            "mode": "degrade",
            "care_date": "2026-01-12",
            "beneficiary": {"nir": "185057512345678", "rank": 1, "regime": "01", "caisse": "751", "centre": "9999"},
            "tiers_payant": "amo",
            "lines": [line],
        }
        invoice_id = engine.create_invoice(request)["invoice_id"]
        engine.secure_invoice({"invoice_id": invoice_id})
        ids.append(invoice_id)
    return engine.build_lot({"invoice_ids": ids})["number"]


def test_a_partial_payment_is_spread_over_the_lot_in_order_and_carries_its_reason() -> None:
    engine = ReferenceEngine()
    lot = _lot(engine, BED, PPC)
    ret = engine.read_returns({"scenario": "rsp-partial", "paid": "180.00", "lot_number": lot})
    assert (ret["status"], ret["codes"]) == ("partial", ["0450 072"])  # the default reason
    assert (ret["due"], ret["paid"], ret["unpaid"]) == ("197.40", "180.00", "17.40")
    first, second = ret["details"]
    assert (first["amount_due"], first["amount_paid"], "code" in first) == ("33.60", "33.60", False)
    assert (second["amount_due"], second["amount_paid"], second["code"]) == ("163.80", "146.40", "0450 072")
    records = ret["noemie"].splitlines()
    assert any(r.startswith("21002") and "M0000014640" in r and "0450 072" in r for r in records)
    assert records[-2].endswith(f"{18000:012d}@")  # the 990 entity totals what was paid


@pytest.mark.parametrize("paid", ["163.80", "200.00", "-1.00", "12.345", None, "douze"])
def test_a_partial_payment_pays_something_below_what_is_due(paid: str | None) -> None:
    engine = ReferenceEngine()
    lot = _lot(engine, PPC)
    with pytest.raises(EngineRefusal) as info:
        engine.read_returns({"scenario": "rsp-partial", "paid": paid, "lot_number": lot})
    assert info.value.code == "INVALID_REQUEST" and "rsp-partial" in info.value.message


def test_the_invoices_of_a_lot_refused_by_its_arl_may_be_lotted_again() -> None:
    engine = ReferenceEngine()
    lot = _lot(engine, BED)
    invoice_ids = engine._lots[int(lot)].invoice_ids
    paid = engine.read_returns({"scenario": "rsp-paid", "lot_number": lot})
    assert (paid["due"], paid["paid"], paid["unpaid"]) == ("33.60", "33.60", "0.00")
    with pytest.raises(EngineRefusal) as info:  # accepted (or paid): lotted once for all
        engine.build_lot({"invoice_ids": invoice_ids})
    assert info.value.code == "INVOICE_ALREADY_IN_LOT"
    engine.read_returns({"scenario": "arl-negative", "lot_number": lot})
    again = engine.build_lot({"invoice_ids": invoice_ids})
    assert (again["invoice_count"], again["totals"]["amo"]) == (1, "33.60") and again["number"] != lot


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('scenario="rsp-partial" paid="180.00"', 'scenario="rsp-partial"'),  # partial without its amount
        ('id="s-rsp" scenario="rsp-paid"', 'id="s-rsp" scenario="rsp-paid" paid="10.00"'),  # an amount elsewhere
    ],
)
def test_paid_goes_with_rsp_partial_and_only_with_it(tmp_path: Path, old: str, new: str) -> None:
    text = LOTS.read_text(encoding="utf-8")
    assert old in text
    (tmp_path / LOTS.name).write_text(text.replace(old, new, 1), encoding="utf-8")
    shutil.copytree(CASEBOOKS_DIR / "cards", tmp_path / "cards")
    with pytest.raises(CasebookError) as info:
        load_casebook(tmp_path / LOTS.name)
    assert any("paid" in str(problem) for problem in info.value.problems)


def test_the_bundled_partial_payment_and_resent_lot_cases_pass(tmp_path: Path) -> None:
    book = load_casebook(LOTS)
    wanted = ("PSAD-RSP-009", "PSAD-RSP-010", "PSAD-RSP-011", "PSAD-LOT-016")
    selection = [(book, case) for case in book.cases if case.id in wanted]
    options = CampaignOptions(BenchOptions(cards="inprocess", engine="inprocess"))
    result = Campaign([book], tmp_path / "lots.tbsession", options).run_selection(selection)
    assert result.verdicts == dict.fromkeys(wanted, "pass")
