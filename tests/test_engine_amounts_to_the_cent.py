"""The engine protocol refuses an amount beyond the cent, as the casebook loader does (audit s26 D6): a price
of 1.005 was billed 3.02 while the FSE said 1.00 a unit."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from testbench.domain.refusal import EngineRefusal
from testbench.engines.reference.engine import ReferenceEngine
from testbench.i18n import english


def request(**line: str) -> dict[str, object]:
    ben = {"nir": "1520199999001", "rank": 1, "regime": "01", "coverage": {}}
    base = {"nomenclature": "LPP", "code": "1231782", "quantity": "3", "coefficient": "1"}
    return {"invoice_ref": "C-1", "mode": "degrade", "care_date": "2026-01-12", "beneficiary": ben,
            "tiers_payant": "amo", "lines": [{**base, **line}]}


@pytest.mark.parametrize("key", ["unit_price", "tariff", "plv"])
def test_a_third_decimal_is_refused_and_said(key: str) -> None:
    with pytest.raises(EngineRefusal) as info:
        ReferenceEngine().create_invoice(request(**{"unit_price": "1.00", "tariff": "1.00", key: "1.005"}))
    assert info.value.code == "INVALID_REQUEST" and info.value.details["field"] == f"lines[0].{key}"
    assert "« 1.005 » au-delà du centime : deux décimales au plus" in info.value.message
    assert "goes beyond the cent: two decimals at most" in english(info.value.message)


def test_two_decimals_pass() -> None:
    res = ReferenceEngine().create_invoice(request(unit_price="1.01", tariff="1.01", plv="none"))
    assert res["totals"]["billed"] == "3.03"


def test_the_protocol_schema_allows_two_decimals_at_most() -> None:
    text = resources.files("testbench.engines.protocol.schemas").joinpath("create_invoice.params.json").read_text()
    line = json.loads(text)["properties"]["lines"]["items"]["properties"]
    for key in ("unit_price", "tariff"):
        assert line[key]["anyOf"][1]["pattern"] == "^[0-9]+(\\.[0-9]{1,2}0*)?$"
