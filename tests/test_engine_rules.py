"""The reference engine's pure rules against the worked examples E1–E10 computed by hand (docs/reference-engine.md)."""

from __future__ import annotations

from typing import Any

import pytest

from testbench.domain.refusal import EngineRefusal
from testbench.engines.reference.model import parse_invoice_request
from testbench.engines.reference.split import compute_invoice
from testbench.engines.reference.tables import load_bundled_tables

TABLES = load_bundled_tables()


def line(code: str, qty: str = "1", nomenclature: str = "LPP", **kw: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"nomenclature": nomenclature, "code": code, "quantity": qty, "coefficient": "1"}
    out.update(kw)
    return out


def request(lines: list[dict[str, Any]], care_date: str = "2024-06-03", **kw: Any) -> dict[str, Any]:
    coverage = kw.pop("coverage", {})
    req: dict[str, Any] = {
        "invoice_ref": "T-1",
        "mode": "securise",
        "care_date": care_date,
        "ps_category": kw.pop("ps_category", "fournisseur-lpp"),
        "beneficiary": {  # as the runner sends it: the organisme read on the card, where a lot goes
            "nir": "1850575123456",
            "rank": 1,
            "regime": kw.pop("regime", "01"),
            "caisse": "751",
            "centre": "9999",
            "coverage": coverage,
        },
        "prescription": None,
        "tiers_payant": "none",
        "amc": None,
        "rounding": None,
        "lines": lines,
    }
    req.update(kw)
    return req


def split(req: dict[str, Any]):
    return compute_invoice(parse_invoice_request(req), TABLES)


def amounts(result, key: str) -> list[str]:
    return [line[key] for line in (r.as_dict() for r in result.lines)]


def refusal_code(req: dict[str, Any]) -> str:
    with pytest.raises(EngineRefusal) as info:
        split(req)
    return info.value.code


def test_e1_rented_bed_standard() -> None:
    res = split(request([line("1241763", "4")]))
    t = res.totals_dict()
    assert (t["base"], t["amo"], t["patient"], t["depassement"]) == ("56.00", "33.60", "22.40", "0.00")
    assert amounts(res, "rate") == ["60"] and str(res.lines[0].tm) == "22.40"
    assert res.withholdings == {"participation_forfaitaire": 0, "franchise": 0}
    assert res.nature_assurance == "10" and amounts(res, "exo") == ["0"]


def test_e1_tiers_payant_amo() -> None:
    res = split(request([line("1241763", "4")], tiers_payant="amo"))
    tp = res.tiers_payant_dict()
    assert (tp["drg"], tp["due_from_amo"], tp["due_from_patient"]) == ("35", "33.60", "22.40")


def test_e2_ald_line() -> None:
    res = split(request([line("1241763", "4", ald=True)], coverage={"ald": True}))
    assert (res.totals_dict()["amo"], res.totals_dict()["patient"]) == ("56.00", "0.00")
    assert amounts(res, "exo") == ["4"] and res.exo_invoice == "4"


def test_e2_ald_line_without_ald_rights_is_refused() -> None:
    assert refusal_code(request([line("1241763", "4", ald=True)])) == "ALD_NOT_IN_RIGHTS"


def test_exoneration_code_4_is_an_ald_line() -> None:
    """B2 justificatif 4 means "care conforming to the ALD protocol": the same right is needed as for ald=true."""
    assert refusal_code(request([line("1241763", "4", exo="4")])) == "ALD_NOT_IN_RIGHTS"
    res = split(request([line("1241763", "4", exo="4")], coverage={"ald": True}))
    assert amounts(res, "rate") == ["100"] and amounts(res, "exo") == ["4"]
    exonerated = split(request([line("1241763", "4", exo="4")], coverage={"ald": True, "exonerated": True}))
    assert amounts(exonerated, "exo") == ["4"]  # an exonerated beneficiary's ALD line keeps code 4 (RG_VF653)


def test_e3_alsace_moselle() -> None:
    res = split(request([line("1241763", "4")], coverage={"alsace_moselle": True}))
    d = res.lines[0].as_dict()
    assert (d["rate"], d["amo"], d["amo_regime_local"], d["tm"]) == ("90", "50.40", "16.80", "5.60")
    assert res.nature_assurance == "13"


def test_e4_c2s() -> None:
    res = split(request([line("1241763", "4")], coverage={"c2s": True}))
    t = res.totals_dict()
    assert (t["amo"], t["amc"], t["patient"]) == ("33.60", "22.40", "0.00")
    assert res.amc_payer == "c2s" and res.tiers_payant_dict()["drg"] == "36"


def test_e4_c2s_depassement_refused() -> None:
    req = request([line("1231782", "4", unit_price="22.00")], coverage={"c2s": True})
    assert refusal_code(req) == "DEPASSEMENT_NOT_ALLOWED_C2S"


def test_e5_lift_no_plv_amc_tm_only() -> None:
    req = request([line("1231782", "4", unit_price="22.00")], amc={"contract": "tm", "cap": None})
    d = split(req).lines[0].as_dict()
    assert (d["base"], d["amo"], d["tm"], d["depassement"], d["amc"], d["patient"]) == (
        "70.12",
        "42.07",
        "28.05",
        "17.88",
        "28.05",
        "17.88",
    )


def test_e5_ald_amc_covers_depassement_up_to_cap() -> None:
    req = request(
        [line("1231782", "4", unit_price="22.00", ald=True)],
        coverage={"ald": True},
        amc={"contract": "tm+depassement", "cap": "10.00"},
    )
    d = split(req).lines[0].as_dict()
    assert (d["amo"], d["tm"], d["amc"], d["patient"]) == ("70.12", "0.00", "10.00", "7.88")


def test_e6_plv_above_tariff() -> None:
    d = split(request([line("1105215", "30", unit_price="5.07")])).lines[0].as_dict()
    assert (d["base"], d["amo"], d["tm"], d["depassement"]) == ("122.10", "73.26", "48.84", "30.00")


def test_e6_price_above_plv_refused() -> None:
    assert refusal_code(request([line("1105215", "30", unit_price="5.50")])) == "PRICE_ABOVE_PLV"


def test_e7_ppc_quarter() -> None:
    t = split(request([line("1113930", "13")])).totals_dict()
    assert (t["base"], t["amo"], t["tm"]) == ("273.00", "163.80", "109.20")


def test_e8_nurse_visit() -> None:
    lines = [line("AMI", nomenclature="NGAP"), line("MAU", nomenclature="NGAP"), line("IFD", nomenclature="NGAP")]
    res = split(request(lines, ps_category="infirmier"))
    assert amounts(res, "amo") == ["1.89", "0.81", "1.65"]
    t = res.totals_dict()
    assert (t["base"], t["amo"], t["tm"]) == ("7.25", "4.35", "2.90")
    assert str(res.withholdings["franchise"]) == "1.00"


def test_e8_franchise_daily_cap_and_exemptions() -> None:
    lines = [line("AMI", "6", nomenclature="NGAP")]
    assert str(split(request(lines, ps_category="infirmier")).withholdings["franchise"]) == "4.00"
    minor = request(lines, ps_category="infirmier")
    minor["beneficiary"]["birth_date"] = "2010-01-01"
    assert split(minor).withholdings["franchise"] == 0
    assert split(request(lines, ps_category="infirmier", coverage={"c2s": True})).withholdings["franchise"] == 0


def test_e9_nurse_maternity() -> None:
    lines = [line("AMI", nomenclature="NGAP", coefficient="4"), line("IFD", nomenclature="NGAP")]
    res = split(request(lines, ps_category="infirmier", coverage={"maternity": True}))
    t = res.totals_dict()
    assert (t["base"], t["amo"]) == ("15.35", "15.35")
    assert amounts(res, "exo") == ["0", "0"] and res.nature_assurance == "30"
    assert res.withholdings["franchise"] == 0


def test_e10_per_line_rounding() -> None:
    lines = [line("1231782", "4"), line("IK", nomenclature="NGAP")]
    res = split(request(lines))
    assert amounts(res, "amo") == ["42.07", "0.21"] and res.totals_dict()["amo"] == "42.28"


def test_per_line_rounding_differs_from_invoice_rounding() -> None:
    lines = [line("9999991", tariff="1.01")] * 3
    res = split(request(lines))
    # each line 0.606 -> 0.61; the invoice-level product 3.03 x 0.6 = 1.818 would give 1.82
    assert res.totals_dict()["amo"] == "1.83"


@pytest.mark.parametrize(("mode", "expected"), [("half-up", "12.65"), ("half-even", "12.64"), (None, "12.65")])
def test_rounding_mode_trap(mode: str | None, expected: str) -> None:
    # 14.05 x 90 % = 12.645: the product ends in 5 at the third decimal
    req = request([line("9999992", tariff="14.05")], coverage={"alsace_moselle": True}, rounding=mode)
    assert split(req).lines[0].as_dict()["amo"] == expected


def test_line_plv_none_means_free_price() -> None:
    # 1241763 has PLV = tariff in the table; the line says "no PLV": the dépassement is allowed
    d = split(request([line("1241763", "4", unit_price="20.00", plv="none")])).lines[0].as_dict()
    assert (d["base"], d["depassement"]) == ("56.00", "24.00")
    assert refusal_code(request([line("1241763", "4", unit_price="20.00")])) == "PRICE_ABOVE_PLV"


def test_fixture_tariff_overrides_table() -> None:
    d = split(request([line("1241763", "4", tariff="15.00", plv="15.00")])).lines[0].as_dict()
    assert (d["base"], d["amo"]) == ("60.00", "36.00")


def test_rate_depends_on_date_of_care() -> None:
    assert amounts(split(request([line("1241763", "4")], care_date="2011-05-01")), "rate") == ["65"]
    assert amounts(split(request([line("1241763", "4")], care_date="2011-05-02")), "rate") == ["60"]


@pytest.mark.parametrize(
    ("req", "code"),
    [
        (request([line("1241763", "0")]), "INVALID_QUANTITY"),
        (request([line("1241763", "1.5")]), "INVALID_QUANTITY"),
        (request([line("1241763", "-2")]), "INVALID_QUANTITY"),
        (request([line("1234567")]), "UNKNOWN_CODE"),
        (request([line("1241763")], care_date="2009-01-01"), "NO_TARIFF_AT_DATE"),
        (request([line("IFD", nomenclature="NGAP")], care_date="2023-08-27"), "NO_TARIFF_AT_DATE"),  # 2.75 from 08-28
        (request([line("124176")]), "INVALID_CODE"),
        (request([line("1241763", nomenclature="CCAM")]), "UNSUPPORTED_NOMENCLATURE"),
        (request([line("1241763")], rounding="down"), "UNSUPPORTED_ROUNDING"),
        (request([]), "EMPTY_INVOICE"),
        (request([line("1241763")], tiers_payant="amo+amc"), "AMC_REQUIRED"),
        (request([line("1241763", unit_price=14.0)]), "INVALID_REQUEST"),
        (request([line("1241763")], care_date="03/06/2024"), "INVALID_REQUEST"),
        (request([line("1241763")], coverage={"rights_end": "2024-05-31"}), "RIGHTS_EXPIRED"),
        (request([line("1241763")], coverage={"rights_start": "2024-07-01"}), "RIGHTS_EXPIRED"),
        (request([line("1241763", date="2024-07-02")], coverage={"rights_end": "2024-06-30"}), "RIGHTS_EXPIRED"),
    ],
)
def test_refusals(req: dict[str, Any], code: str) -> None:
    assert refusal_code(req) == code


def test_rate_decision_order() -> None:
    # AME beats everything; maternity beats régime 07 and ALD; régime 07 beats exonerated.
    both = {"ame": True, "maternity": True, "ald": True}
    assert amounts(split(request([line("1241763", ald=True)], coverage=both)), "rate") == ["0"]
    res = split(request([line("1241763", ald=True)], coverage={"maternity": True, "ald": True}, regime="07"))
    assert amounts(res, "exo") == ["0"]
    assert amounts(split(request([line("1241763")], regime="07", coverage={"exonerated": True})), "exo") == ["6"]
    ex = split(request([line("1241763", ald=True), line("1241763")], coverage={"exonerated": True, "ald": True}))
    assert amounts(ex, "exo") == ["4", "5"] and amounts(ex, "rate") == ["100", "100"]
    # ALD line beats Alsace-Moselle; Alsace-Moselle beats the base rate
    am = split(request([line("1241763", ald=True), line("1241763")], coverage={"alsace_moselle": True, "ald": True}))
    assert amounts(am, "rate") == ["100", "90"]


def test_physician_participation_forfaitaire() -> None:
    res = split(request([line("G", nomenclature="NGAP")], care_date="2023-06-01", ps_category="medecin"))
    assert res.totals_dict()["amo"] == "17.50" and str(res.withholdings["participation_forfaitaire"]) == "1.00"
