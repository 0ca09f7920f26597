"""The reference engine's PSAD/MAD and NGAP depth (docs/reference-engine.md, « PSAD/MAD rules », « NGAP rules »):
each rule with its hand-computed amounts or its refusal code, on the pure split."""

from __future__ import annotations

from typing import Any

import pytest

from testbench.domain.refusal import EngineRefusal
from testbench.domain.vocabulary import REFUSAL_CODES
from testbench.engines.reference import refusals as R
from testbench.engines.reference.engine import ReferenceEngine
from testbench.engines.reference.fse import validate_fse
from testbench.engines.reference.model import parse_invoice_request
from testbench.engines.reference.psad import one_year_after
from testbench.engines.reference.split import compute_invoice
from testbench.engines.reference.tables import load_bundled_tables

TABLES = load_bundled_tables()
CARE = "2026-01-12"
RPPS, RPPS_2 = "10000000001", "10000000002"
SIRET_OK, SIRET_BAD = "12345678000014", "12345678000015"  # Luhn key right / wrong


def line(code: str, qty: str = "1", nomenclature: str = "LPP", **kw: Any) -> dict[str, Any]:
    return {"nomenclature": nomenclature, "code": code, "quantity": qty, "coefficient": "1", **kw}


def ngap(code: str, qty: str = "1", **kw: Any) -> dict[str, Any]:
    return line(code, qty, nomenclature="NGAP", **kw)


def bed(**kw: Any) -> dict[str, Any]:
    """E1's rented bed: 1241763, 4 weeks at 14.00."""
    return line("1241763", "4", **kw)


def request(lines: list[dict[str, Any]], **kw: Any) -> dict[str, Any]:
    req: dict[str, Any] = {
        "invoice_ref": "P-1",
        "mode": "securise",
        "care_date": kw.pop("care_date", CARE),
        "ps_category": kw.pop("ps_category", "fournisseur-lpp"),
        "beneficiary": {
            "nir": "1850575123456",
            "rank": 1,
            "regime": kw.pop("regime", "01"),
            "coverage": kw.pop("coverage", {}),
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


def refusal(req: dict[str, Any]) -> EngineRefusal:
    with pytest.raises(EngineRefusal) as info:
        split(req)
    return info.value


def code(req: dict[str, Any]) -> str:
    return refusal(req).code


def col(res, key: str) -> list[str]:
    return [r.as_dict()[key] for r in res.lines]


def nurse(lines: list[dict[str, Any]], **kw: Any) -> dict[str, Any]:
    return request(lines, ps_category="infirmier", **kw)


# -- codes ------------------------------------------------------------------------------------------
def test_every_new_code_is_an_engine_code_and_expectable() -> None:
    new = {
        "UNKNOWN_REGIME", "BILLING_BEFORE_CARE", "BILLING_DELAY_EXCEEDED", "PRESCRIBER_INVALID",
        "PRESCRIPTION_INCOMPLETE", "PRESCRIPTION_AFTER_CARE", "ATMP_NUMBER_MISSING", "ATMP_DATE_AFTER_CARE",
        "AMC_NUMBER_MISSING", "C2S_NOT_IN_RIGHTS", "PRESTATION_TYPE_MISMATCH", "ACCORD_PREALABLE_MISSING",
        "SUPPLIER_SIRET_INVALID", "RENTAL_PERIOD_INVALID", "RENTAL_CODE_MISMATCH", "MIXED_INSURANCE_NATURES",
        "INVOICE_BREAK_REQUIRED", "MAJORATION_WITHOUT_ACT", "MAJORATION_NOT_APPLICABLE", "TRAVEL_WITHOUT_ACT",
        "TRAVEL_ZONE_NOT_APPLICABLE",
    }  # fmt: skip
    assert new <= set(R.ALL_CODES) and new <= REFUSAL_CODES


# -- régimes ----------------------------------------------------------------------------------------
def test_crpcen_bills_like_the_general_regime_and_says_its_regime() -> None:
    res = split(request([bed()], regime="10"))
    assert (res.totals_dict()["amo"], res.totals_dict()["patient"]) == ("33.60", "22.40")
    assert ReferenceEngine().create_invoice(request([bed()], regime="10"))["regime"] == "10"


def test_unknown_regime_is_refused() -> None:
    assert code(request([bed()], regime="11")) == "UNKNOWN_REGIME"


# -- billing delay ----------------------------------------------------------------------------------
def test_billing_delay_one_year() -> None:
    # RG_MF606: the delay must be under one year; 2025-01-12 billed on 2026-01-11 passes, on 2026-01-12 not.
    ok = split(request([bed()], care_date="2025-01-12", billing_date="2026-01-11"))
    assert ok.totals_dict()["amo"] == "33.60"
    assert code(request([bed()], care_date="2025-01-12", billing_date="2026-01-12")) == "BILLING_DELAY_EXCEEDED"
    assert str(one_year_after(__import__("datetime").date(2024, 2, 29))) == "2025-02-28"
    assert one_year_after(__import__("datetime").date(9999, 12, 31)) is None  # past the calendar: never reached


def test_billing_before_the_care_is_refused_and_default_is_the_last_care_date() -> None:
    assert code(request([bed()], billing_date="2026-01-11")) == "BILLING_BEFORE_CARE"
    later = split(request([bed(), bed(date="2026-01-19")]))
    assert later.request.billed_on.isoformat() == "2026-01-19"


# -- prescription -----------------------------------------------------------------------------------
def test_prescription_carried_into_the_fse() -> None:
    presc = {"prescriber": RPPS, "date": "2026-01-05", "number": "ORD-42", "eprescription_id": "EP7Q2K"}
    result = ReferenceEngine().create_invoice(request([bed()], prescription=presc))
    assert 'idEPrescription="EP7Q2K"' in result["fse"] and 'numero="ORD-42"' in result["fse"]
    assert validate_fse(result["fse"]) == []


@pytest.mark.parametrize(
    ("presc", "expected"),
    [
        ({"prescriber": "12345", "date": "2026-01-05"}, "PRESCRIBER_INVALID"),
        ({"eprescription_id": "EP7Q2K"}, "PRESCRIPTION_INCOMPLETE"),
        ({"number": "ORD-42", "prescriber": RPPS}, "PRESCRIPTION_INCOMPLETE"),
        ({"prescriber": RPPS, "date": "2026-01-13"}, "PRESCRIPTION_AFTER_CARE"),
    ],
)
def test_prescription_refusals(presc: dict[str, str], expected: str) -> None:
    assert code(request([bed()], prescription=presc)) == expected


def test_an_am_number_prescriber_is_accepted_and_a_line_prescriber_is_checked() -> None:
    assert split(request([bed()], prescription={"prescriber": "751234567", "date": "2026-01-05"})).lines
    assert code(request([bed(prescriber="ABC")])) == "PRESCRIBER_INVALID"


# -- AT/MP ------------------------------------------------------------------------------------------
def test_at_reference_makes_the_invoice_at_mp() -> None:
    res = split(request([bed()], at_date="2026-01-02"))
    assert (res.nature_assurance, res.totals_dict()["amo"], col(res, "rate")) == ("41", "56.00", ["100"])
    assert split(request([bed()], at_number="AT2026-001")).nature_assurance == "41"


def test_at_mp_without_number_or_date_is_refused_but_the_card_period_start_counts() -> None:
    assert code(request([bed()], coverage={"at_mp": True})) == "ATMP_NUMBER_MISSING"
    card = {"at_mp": True, "at_mp_start": "2025-09-14"}
    assert split(request([bed()], coverage=card)).nature_assurance == "41"


def test_at_date_after_the_care_is_refused() -> None:
    assert code(request([bed()], at_date="2026-01-20")) == "ATMP_DATE_AFTER_CARE"


# -- AMC routing ------------------------------------------------------------------------------------
def test_tiers_payant_integral_forces_amo_amc_and_splits_the_invoice() -> None:
    res = split(request([bed()], tiers_payant="amo", amc={"contract": "tm", "type": "tiers-payant-integral",
                                                            "number": "12345678"}))  # fmt: skip
    tp, amc = res.tiers_payant_dict(), res.amc_dict()
    assert (tp["mode"], tp["drg"], tp["due_from_amo"], tp["due_from_amc"], tp["due_from_patient"]) == (
        "amo+amc", "36", "33.60", "22.40", "0.00"
    )  # fmt: skip
    assert (amc["top_eclatement"], amc["flow"], amc["number"]) == ("F", "fse", "12345678")


def test_dre_routes_the_amc_part_as_a_dre() -> None:
    res = split(request([bed()], amc={"contract": "tm", "type": "dre", "number": "87654321"}))
    assert (res.amc_dict()["flow"], res.amc_dict()["top_eclatement"], res.tiers_payant) == ("dre", "", "amo+amc")


def test_c2s_by_an_organisation_has_contract_type_89() -> None:
    res = split(request([bed()], coverage={"c2s": True}, amc={"contract": "tm", "type": "c2s", "number": "99999999"}))
    assert (res.amc_dict()["contract_type"], res.amc_payer, res.totals_dict()["patient"]) == ("89", "c2s", "0.00")


@pytest.mark.parametrize(
    ("amc", "coverage", "expected"),
    [
        ({"contract": "tm", "type": "tiers-payant-integral"}, {}, "AMC_NUMBER_MISSING"),
        ({"contract": "tm", "type": "c2s", "number": "99999999"}, {}, "C2S_NOT_IN_RIGHTS"),
    ],
)
def test_amc_refusals(amc: dict[str, str], coverage: dict[str, bool], expected: str) -> None:
    assert code(request([bed()], amc=amc, coverage=coverage)) == expected


def test_amc_number_shape_and_negative_amounts_are_request_validation() -> None:
    assert code(request([bed()], amc={"contract": "tm", "number": "12AB"})) == "INVALID_REQUEST"
    assert code(request([bed(unit_price="-1.00")])) == "INVALID_REQUEST"


# -- AME --------------------------------------------------------------------------------------------
def test_ame_is_state_funded_nothing_due_from_the_patient_under_tiers_payant() -> None:
    res = split(request([bed()], coverage={"ame": True}, tiers_payant="amo"))
    t, tp = res.totals_dict(), res.tiers_payant_dict()
    assert (t["amo"], t["state"], t["patient"]) == ("0.00", "56.00", "0.00")
    assert (tp["due_from_state"], tp["due_from_patient"]) == ("56.00", "0.00")


def test_ame_never_advances_fees_tiers_payant_is_forced_like_c2s() -> None:
    """Dispense d'avance des frais: billed without tiers payant, the AME invoice is still paid by the caisse."""
    res = split(request([bed()], coverage={"ame": True}))  # tiers_payant "none"
    tp = res.tiers_payant_dict()
    assert (tp["requested"], tp["mode"], tp["drg"]) == ("none", "amo", "35")
    assert (tp["due_from_state"], tp["due_from_patient"]) == ("56.00", "0.00")
    assert 'tiersPayant="amo" destinataireReglement="35"' in ReferenceEngine().create_invoice(
        request([bed()], coverage={"ame": True})
    )["fse"]


def test_ame_dépassement_stays_with_the_patient() -> None:
    # 1231782 (no PLV) at 22.00 × 4: BR 70.12 funded by the State, dépassement 17.88 due from the patient
    res = split(request([line("1231782", "4", unit_price="22.00")], coverage={"ame": True}, tiers_payant="amo"))
    assert (res.totals_dict()["state"], res.tiers_payant_dict()["due_from_patient"]) == ("70.12", "17.88")


# -- LPP line data ----------------------------------------------------------------------------------
def test_prestation_type_from_the_table_and_checked() -> None:
    assert col(split(request([bed()])), "prestation_type") == ["location"]
    assert col(split(request([line("1105215", "30")])), "prestation_type") == ["achat"]
    assert code(request([bed(prestation="achat")])) == "PRESTATION_TYPE_MISMATCH"


def test_accord_prealable() -> None:
    chair = line("4113920", accord_prealable=True)
    assert code(request([chair])) == "ACCORD_PREALABLE_MISSING"
    res = split(request([chair], accord_prealable="AP-2026-0042"))
    # BR 5187.44; AMO round(5187.44 × 60 %) = round(3112.464) = 3112.46; TM 2074.98
    assert (res.totals_dict()["amo"], res.totals_dict()["patient"]) == ("3112.46", "2074.98")


def test_supplier_siret_key() -> None:
    assert split(request([bed(supplier_siret=SIRET_OK, lppr="1241763-ACME01")])).lines
    assert code(request([bed(supplier_siret=SIRET_BAD)])) == "SUPPLIER_SIRET_INVALID"
    assert code(request([bed(supplier_siret="123")])) == "INVALID_REQUEST"


def test_weekly_rental_period_matches_the_quantity() -> None:
    period = {"rental_start": "2026-01-05", "rental_end": "2026-02-01"}  # 28 days = 4 weeks
    res = split(request([bed(**period)], care_date="2026-01-05", billing_date="2026-02-02"))
    assert res.totals_dict()["base"] == "56.00"
    assert code(request([line("1241763", "5", **period)], care_date="2026-01-05")) == "RENTAL_PERIOD_INVALID"


def test_monthly_rental_and_explicit_codes() -> None:
    pump = line("1188069", rental_start="2026-01-15", rental_end="2026-02-14")  # one month
    res = split(request([pump], care_date="2026-01-15", billing_date="2026-02-14"))
    assert (res.totals_dict()["base"], res.totals_dict()["amo"]) == ("174.50", "104.70")
    days = bed(rental_start="2026-01-05", rental_end="2026-01-08", rental_code="journalier")  # 4 days
    assert split(request([days], care_date="2026-01-05", billing_date="2026-01-08")).lines


@pytest.mark.parametrize(
    "period",
    [
        {"rental_start": "2026-01-05"},
        {"rental_start": "2026-01-12", "rental_end": "2026-01-05"},
        {"rental_start": "2026-01-05", "rental_end": "2026-02-01", "rental_since": "2026-01-06"},
    ],
)
def test_rental_period_refusals(period: dict[str, str]) -> None:
    assert code(request([bed(**period)], care_date="2026-01-05", billing_date="2026-02-02")) == "RENTAL_PERIOD_INVALID"


def test_rental_duration_band() -> None:
    period = {"rental_start": "2026-01-05", "rental_end": "2026-02-01"}
    # since 2025-06-02: weeks 32 to 35 of the rental; 1231782 covers weeks 1–32 → refused
    lift = line("1231782", "4", rental_since="2025-06-02", **period)
    assert code(request([lift], care_date="2026-01-05", billing_date="2026-02-02")) == "RENTAL_CODE_MISMATCH"
    # since 2025-05-19: weeks 34 to 37; 1278654 (33 and beyond): BR 10.82 × 4 = 43.28, AMO round(25.968) = 25.97
    long = line("1278654", "4", rental_since="2025-05-19", **period)
    res = split(request([long], care_date="2026-01-05", billing_date="2026-02-02"))
    assert (res.totals_dict()["base"], res.totals_dict()["amo"]) == ("43.28", "25.97")
    early = line("1278654", "4", **period)  # weeks 1–4 on the > 32 weeks code
    assert code(request([early], care_date="2026-01-05", billing_date="2026-02-02")) == "RENTAL_CODE_MISMATCH"


# -- invoice breaks ---------------------------------------------------------------------------------
def test_lines_of_two_natures_are_refused() -> None:
    cov = {"maternity": True, "maternity_start": "2026-06-01"}
    req = request([bed(date="2026-05-25"), bed(date="2026-06-01")], care_date="2026-05-25", coverage=cov)
    assert code(req) == "MIXED_INSURANCE_NATURES"


def test_prescriber_and_exoneration_breaks() -> None:
    two = request([bed(prescriber=RPPS), bed(prescriber=RPPS_2)])
    assert refusal(two).code == "INVOICE_BREAK_REQUIRED" and refusal(two).details["criterion"] == "prescripteur"
    mixed = request([bed(exo="3"), bed()])
    assert refusal(mixed).code == "INVOICE_BREAK_REQUIRED" and refusal(mixed).details["criterion"] == "exoneration"
    # an ALD line beside an ordinary one is one invoice (ordonnance bizone)
    assert col(split(request([bed(ald=True), bed()], coverage={"ald": True})), "exo") == ["4", "0"]


# -- NGAP -------------------------------------------------------------------------------------------
def test_dom_values_and_ik_zones() -> None:
    # DOM: AMI 3.30 × 2 = 6.60 (AMO 3.96); IFD 2.75 (1.65); IK pied-ski DOM 3.66 × 4 = 14.64 (AMO 8.784 → 8.78)
    lines = [
        ngap("AMI", coefficient="2", dom=True),
        ngap("IFD", dom=True),
        ngap("IK", "4", dom=True, travel="pied-ski"),
    ]
    res = split(nurse(lines))
    assert col(res, "base") == ["6.60", "2.75", "14.64"] and col(res, "amo") == ["3.96", "1.65", "8.78"]
    # métropole, montagne: IK 0.50 × 10 = 5.00; MAU has no DOM value: 1.35 stays
    res = split(nurse([ngap("AMI"), ngap("MAU", dom=True), ngap("IK", "10", travel="montagne")]))
    assert col(res, "base") == ["3.15", "1.35", "5.00"]


@pytest.mark.parametrize(
    "lines",
    [[ngap("AMI"), ngap("IFD", travel="montagne")], [ngap("AMI", travel="plaine")]],
)
def test_travel_zone_refusals(lines: list[dict[str, Any]]) -> None:
    assert code(nurse(lines)) == "TRAVEL_ZONE_NOT_APPLICABLE"


def test_majorations_follow_their_act() -> None:
    # AMI 1 + MCI + IFD: 3.15 + 5.00 + 2.75 = 10.90; AMO 1.89 + 3.00 + 1.65 = 6.54
    res = split(nurse([ngap("AMI"), ngap("MCI", majoration_of="1"), ngap("IFD")]))
    assert (res.totals_dict()["base"], res.totals_dict()["amo"]) == ("10.90", "6.54")
    assert code(nurse([ngap("MAU"), ngap("AMI")])) == "MAJORATION_WITHOUT_ACT"
    assert code(nurse([ngap("AMI"), ngap("IFD"), ngap("MCI", majoration_of="2")])) == "MAJORATION_WITHOUT_ACT"
    assert code(nurse([ngap("AMI", date="2026-01-11"), ngap("MCI")])) == "MAJORATION_WITHOUT_ACT"


def test_mau_goes_with_a_single_act() -> None:
    assert code(nurse([ngap("AMI", "2"), ngap("MAU")])) == "MAJORATION_NOT_APPLICABLE"
    assert code(nurse([ngap("AMI"), ngap("AIS"), ngap("MAU")])) == "MAJORATION_NOT_APPLICABLE"


def test_travel_allowance_needs_something_done_that_day() -> None:
    assert code(nurse([ngap("AMI", date="2026-01-11"), ngap("IFD")])) == "TRAVEL_WITHOUT_ACT"
    assert code(nurse([ngap("IFD"), ngap("IK", "3")])) == "TRAVEL_WITHOUT_ACT"


# -- the FSE carries the new data --------------------------------------------------------------------
def test_fse_with_every_new_field_is_valid() -> None:
    req = request(
        [bed(supplier_siret=SIRET_OK, lppr="X1", prestation="location", rental_start="2026-01-05",
             rental_end="2026-02-01", prescriber=RPPS)],
        care_date="2026-01-05", billing_date="2026-02-02", at_number="AT1", accord_prealable="AP1",
        prescription={"prescriber": RPPS, "date": "2026-01-02", "eprescription_id": "EP1"},
        amc={"contract": "tm", "type": "dre", "number": "1234"},
    )  # fmt: skip
    fse = ReferenceEngine().create_invoice(req)["fse"]
    assert validate_fse(fse) == []
    for part in ('typePrestation="3"', 'siret="12345678000014"', 'numeroAT="AT1"', 'flux="dre"', 'etat="0.00"'):
        assert part in fse
