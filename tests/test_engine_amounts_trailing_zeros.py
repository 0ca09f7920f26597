"""An amount with trailing zeros (« 14.0000 », « 2.150 ») is a price to the cent, as the casebook check reads it
(its value): ``validate`` says valid, so the engine and its protocol schema take it too, priced to the cent;
a third decimal other than 0 stays refused."""

from __future__ import annotations

import json
import re
from importlib import resources

import pytest

from testbench.domain.refusal import EngineRefusal
from testbench.engines.reference.engine import ReferenceEngine


def request(**line: str) -> dict[str, object]:
    ben = {"nir": "1520199999001", "rank": 1, "regime": "01", "coverage": {}}
    base = {"nomenclature": "LPP", "code": "1231782", "quantity": "3", "coefficient": "1", "plv": "none"}
    return {"invoice_ref": "Z-1", "mode": "degrade", "care_date": "2026-01-12", "beneficiary": ben,
            "tiers_payant": "amo", "lines": [{**base, **line}]}  # fmt: skip


@pytest.mark.parametrize(("price", "billed"), [("14.0000", "42.00"), ("2.150", "6.45"), ("1.10000", "3.30")])
def test_trailing_zeros_are_a_price_to_the_cent(price: str, billed: str) -> None:
    res = ReferenceEngine().create_invoice(request(unit_price=price, tariff=price))
    assert res["totals"]["billed"] == billed


def test_a_third_decimal_other_than_zero_is_still_refused() -> None:
    with pytest.raises(EngineRefusal) as info:
        ReferenceEngine().create_invoice(request(unit_price="2.1501", tariff="2.15"))
    assert "« 2.1501 » au-delà du centime" in info.value.message


def test_the_protocol_schema_takes_trailing_zeros() -> None:
    text = resources.files("testbench.engines.protocol.schemas").joinpath("create_invoice.params.json").read_text()
    line = json.loads(text)["properties"]["lines"]["items"]["properties"]
    for key in ("unit_price", "tariff", "plv"):
        pattern = re.compile(next(alt["pattern"] for alt in line[key]["anyOf"] if "pattern" in alt))
        assert all(pattern.fullmatch(v) for v in ("14", "14.0000", "2.150", "2.15", "2.1")), key
        assert not any(pattern.fullmatch(v) for v in ("2.155", "2.1501", "2.", ".15")), key


def test_the_bench_sends_prices_with_two_decimals_as_the_protocol_says() -> None:
    """A casebook price written « 14.0000 » (valid: only zeros past the cent) reaches an engine as « 14.00 »: the
    engine protocol promises amounts with two decimals, and an engine built to it may refuse more."""
    from testbench.runner.actions import _cents

    assert _cents("14.0000") == "14.00" and _cents("2.150") == "2.15" and _cents("14") == "14"
    assert _cents("14.5") == "14.5" and _cents("none") == "none" and _cents(None) is None
    assert _cents("1.005") == "1.005"  # refused by the casebook check; never rounded here
