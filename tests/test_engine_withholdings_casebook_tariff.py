"""PF and franchise on acts the table does not price at that date (audit s26 D3, D4): a casebook's own tariff
for a physio's AMK or a physician's G after 2023 bears the franchise or the PF (billing-rules §6)."""

from __future__ import annotations

from typing import Any

from testbench.engines.reference.engine import ReferenceEngine


def act(category: str, code: str, tariff: str, coefficient: str = "1", **coverage: Any) -> dict[str, Any]:
    ben = {"nir": "1520199999001", "rank": 1, "regime": "01", "birth_date": "1960-01-01", "coverage": coverage}
    line = {"nomenclature": "NGAP", "code": code, "quantity": "1", "coefficient": coefficient, "tariff": tariff}
    return {"invoice_ref": f"W-{code}", "mode": "degrade", "care_date": "2024-06-03", "beneficiary": ben,
            "tiers_payant": "none", "ps_category": category, "lines": [line]}


def test_a_physio_act_priced_by_the_casebook_bears_the_franchise() -> None:
    res = ReferenceEngine().create_invoice(act("masseur-kinesitherapeute", "AMK", "2.15", "7.5"))
    assert res["withholdings"] == {"participation_forfaitaire": "0.00", "franchise": "1.00"}


def test_a_physician_act_priced_by_the_casebook_bears_the_pf_even_in_ald() -> None:
    res = ReferenceEngine().create_invoice(act("medecin", "G", "25.00"))
    assert res["withholdings"] == {"participation_forfaitaire": "2.00", "franchise": "0.00"}
    ald = ReferenceEngine().create_invoice(act("medecin", "G", "25.00", ald=True))
    assert ald["withholdings"]["participation_forfaitaire"] == "2.00"  # ALD patients are not exempt


def test_the_exemptions_still_hold_and_lpp_bears_nothing() -> None:
    assert ReferenceEngine().create_invoice(act("medecin", "G", "25.00", c2s=True))["withholdings"][
        "participation_forfaitaire"
    ] == "0.00"
    lpp = act("fournisseur-lpp", "G", "25.00")
    lpp["lines"] = [{"nomenclature": "LPP", "code": "1241763", "quantity": "4", "coefficient": "1"}]
    assert ReferenceEngine().create_invoice(lpp)["withholdings"] == {
        "participation_forfaitaire": "0.00",
        "franchise": "0.00",
    }
