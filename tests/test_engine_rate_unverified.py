"""A rate no public text confirms (Alsace-Moselle 90 % for the LPP, ASPA 80 %) is priced with a warning, as an
unverified tariff is (audit s26 D5; billing-rules §3–4 [UNVERIFIED])."""

from __future__ import annotations

from typing import Any

from testbench.engines.reference.engine import ReferenceEngine
from testbench.i18n import english


def lpp(ps_category: str = "fournisseur-lpp", **coverage: Any) -> dict[str, Any]:
    ben = {"nir": "1520199999001", "rank": 1, "regime": "01", "coverage": coverage}
    line = {"nomenclature": "LPP", "code": "1241763", "quantity": "4", "coefficient": "1"}
    # a date the LPP snapshot attests: the tariff itself is not in question
    return {"invoice_ref": "R-1", "mode": "degrade", "care_date": "2014-01-06", "beneficiary": ben,
            "tiers_payant": "amo", "ps_category": ps_category, "lines": [line]}


def test_alsace_moselle_lpp_and_aspa_rates_are_flagged_unverified() -> None:
    res = ReferenceEngine().create_invoice(lpp(alsace_moselle=True))
    assert res["lines"][0]["rate"] == "90"
    (warning,) = res["warnings"]
    assert warning["code"] == "RATE_UNVERIFIED" and warning["line"] == 1
    assert english(warning["message"]) == (
        "line 1: unverified rate: 90 % Alsace-Moselle for the category LPP, no public text confirms it"
    )
    assert "RATE_UNVERIFIED" in res["fse"]
    aspa = ReferenceEngine().create_invoice(lpp(aspa=True))
    assert [w["code"] for w in aspa["warnings"]] == ["RATE_UNVERIFIED"]


def test_the_standard_rate_has_no_warning() -> None:
    assert ReferenceEngine().create_invoice(lpp())["warnings"] == []
