"""A majoration or an indemnité priced by a casebook (the tables have no row for it) is no act for the PF nor
the franchise (billing-rules §6 notes: « per NGAP act only »): G + MPC bears one PF, an AMI with its MAU, IFD
and a night majoration one franchise (audit s26-verify2 R4)."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pytest

from testbench.engines.reference.engine import ReferenceEngine
from testbench.engines.reference.split import NGAP_NOT_ACTS


def invoice(category: str, *lines: dict[str, Any]) -> dict[str, Any]:
    ben = {"nir": "1520199999001", "rank": 1, "regime": "01", "birth_date": "1960-01-01", "coverage": {}}
    full = [{"nomenclature": "NGAP", "quantity": "1", "coefficient": "1", **line} for line in lines]
    return {"invoice_ref": "W-M", "mode": "degrade", "care_date": "2024-06-03", "beneficiary": ben,
            "tiers_payant": "none", "ps_category": category, "lines": full}  # fmt: skip


def test_a_casebook_priced_majoration_bears_no_pf() -> None:
    res = ReferenceEngine().create_invoice(invoice("medecin", {"code": "G", "tariff": "25.00"},
                                                   {"code": "MPC", "tariff": "5.00"}))  # fmt: skip
    assert res["withholdings"]["participation_forfaitaire"] == "2.00"


@pytest.mark.parametrize("night", [{"code": "MN", "tariff": "9.15"}, {"code": "XNUIT", "tariff": "9.15",
                                                                        "majoration_of": 1}])  # fmt: skip
def test_a_casebook_priced_majoration_bears_no_franchise(night: dict[str, Any]) -> None:
    lines = ({"code": "AMI"}, {"code": "MAU"}, {"code": "IFD"}, night)
    assert ReferenceEngine().create_invoice(invoice("infirmier", *lines))["withholdings"]["franchise"] == "1.00"


def test_the_tables_majorations_and_indemnites_are_in_the_list() -> None:
    """A code the tables mark (``majoration``, ``travel``) stays no act before its row starts (a casebook price)."""
    data = json.loads(resources.files("testbench.engines.reference").joinpath("data/tables.json").read_text())
    marked = {row["code"] for row in data["ngap"] if row.get("majoration") or row.get("travel")}
    assert marked and marked <= NGAP_NOT_ACTS
