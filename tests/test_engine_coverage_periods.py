"""Coverage periods that change inside a multi-date invoice (audit s22-domain, finding 1): the complementary
payer, the tiers payant and the PF/franchise exemptions are the beneficiary's on each line's own date, as the
rate is; an AME period, or a C2S period beside an AMC contract, that changes inside it asks for an invoice break."""

from __future__ import annotations

from typing import Any

import pytest

from testbench.domain.refusal import EngineRefusal
from testbench.engines.reference.model import parse_invoice_request
from testbench.engines.reference.split import compute_invoice
from testbench.engines.reference.tables import load_bundled_tables

TABLES = load_bundled_tables()


def visits(coverage: dict[str, Any], tiers: str = "amo", **kw: Any) -> dict[str, Any]:
    """Two nurse visits, AMI 1 on 2024-06-03 and on 2024-06-10, on one invoice dated by the first."""
    lines = [
        {"nomenclature": "NGAP", "code": "AMI", "quantity": "1", "coefficient": "1", "date": day}
        for day in ("2024-06-03", "2024-06-10")
    ]
    beneficiary = {"nir": "1850575123456", "rank": 1, "regime": "01", "caisse": "751", "centre": "9999",
                   "coverage": coverage, "birth_date": kw.pop("birth_date", None)}  # fmt: skip
    return {"invoice_ref": "T-1", "mode": "securise", "care_date": "2024-06-03", "ps_category": "infirmier",
            "beneficiary": beneficiary, "prescription": None, "tiers_payant": tiers, "amc": kw.pop("amc", None),
            "rounding": None, "lines": lines}  # fmt: skip


def split(req: dict[str, Any]):
    return compute_invoice(parse_invoice_request(req), TABLES)


def column(res, key: str) -> list[str]:
    return [r.as_dict()[key] for r in res.lines]


def refusal(req: dict[str, Any]) -> EngineRefusal:
    with pytest.raises(EngineRefusal) as info:
        split(req)
    return info.value


def test_c2s_that_ends_between_two_visits_pays_only_the_first() -> None:
    res = split(visits({"c2s": True, "c2s_end": "2024-06-05"}, "amo+amc"))
    assert column(res, "amc") == ["1.26", "0.00"]
    assert column(res, "patient") == ["0.00", "1.26"]
    assert res.withholdings["franchise"] == 1  # the second visit, out of C2S, bears its franchise
    tiers = res.tiers_payant_dict()
    assert (tiers["mode"], tiers["due_from_amc"], tiers["due_from_patient"]) == ("amo+amc", "1.26", "1.26")
    assert res.amc_dict()["payer"] == "c2s"


def test_c2s_that_starts_between_two_visits_pays_only_the_second() -> None:
    res = split(visits({"c2s": True, "c2s_start": "2024-06-05"}))
    assert column(res, "amc") == ["0.00", "1.26"]
    assert res.withholdings["franchise"] == 1
    assert res.tiers_payant_dict()["mode"] == "amo+amc"  # C2S on a line: tiers payant intégral (DRG 36)


def test_an_18th_birthday_between_two_visits_brings_the_franchise() -> None:
    res = split(visits({}, birth_date="2006-06-05"))
    assert res.withholdings["franchise"] == 1


def test_a_maternity_period_that_ends_inside_the_invoice_is_a_nature_break() -> None:
    """Maternity is a nature d'assurance (30): its end between two visits was already an invoice break."""
    assert refusal(visits({"maternity": True, "maternity_end": "2024-06-05"})).code == "MIXED_INSURANCE_NATURES"


def test_ame_that_ends_inside_the_invoice_asks_for_an_invoice_break() -> None:
    refused = refusal(visits({"ame": True, "ame_end": "2024-06-05"}))
    assert (refused.code, refused.details["criterion"]) == ("INVOICE_BREAK_REQUIRED", "ame")
    assert "une facture pour les soins en AME" in refused.message


def test_c2s_that_changes_beside_an_amc_contract_asks_for_an_invoice_break() -> None:
    amc = {"contract": "tm", "cap": None}
    refused = refusal(visits({"c2s": True, "c2s_end": "2024-06-05"}, "amo+amc", amc=amc))
    assert (refused.code, refused.details["criterion"]) == ("INVOICE_BREAK_REQUIRED", "complementaire")


def test_a_depassement_is_refused_only_on_a_c2s_day() -> None:
    req = visits({"c2s": True, "c2s_start": "2024-06-05"})
    req["lines"][0]["unit_price"] = "4.00"  # 2024-06-03, before the C2S: the dépassement is the patient's
    assert column(split(req), "depassement") == ["0.85", "0.00"]
    req["lines"][1]["unit_price"] = "4.00"
    assert refusal(req).code == "DEPASSEMENT_NOT_ALLOWED_C2S"


def test_a_coverage_for_the_whole_invoice_is_unchanged() -> None:
    res = split(visits({"c2s": True}, "amo"))
    assert column(res, "amc") == ["1.26", "1.26"] and res.withholdings["franchise"] == 0
    assert split(visits({"ame": True})).totals_dict()["state"] == "6.30"
    assert split(visits({})).withholdings["franchise"] == 2
