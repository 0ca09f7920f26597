"""Bad amounts given to the reference engine are refused in words, in French and in English, never priced into
nonsense nor failed with Python's arithmetic error (docs/reference-engine.md, « Refusal codes »)."""

from __future__ import annotations

from typing import Any

import pytest

from testbench.domain.refusal import EngineRefusal
from testbench.engines.reference.engine import ReferenceEngine
from testbench.i18n import english
from tests.test_engine_rules import line, request

HUGE = "9" * 30 + ".00"
LIFT = line("1231782", "4", unit_price="22.00")  # billing-rules E5: dépassement 17.88


def refused(call: Any, *args: Any) -> EngineRefusal:
    with pytest.raises(EngineRefusal) as info:
        call(*args)
    return info.value


def test_a_negative_amc_cap_is_refused_rather_than_taking_back_the_ticket_moderateur() -> None:
    # without the check, cap -5.00 paid the AMC 28.05 − 5.00 and charged the patient 22.88 for a 17.88 dépassement
    req = request([LIFT], amc={"contract": "tm+depassement", "cap": "-5.00"})
    refusal = refused(ReferenceEngine().create_invoice, req)
    assert (refusal.code, refusal.message, refusal.details) == (
        "INVALID_REQUEST",
        "amc.cap : montant négatif",
        {"field": "amc.cap"},
    )
    assert english(refusal.message) == "amc.cap: negative amount"


@pytest.mark.parametrize(
    ("req", "code", "english_text"),
    [
        (
            request([line("1231782", unit_price=HUGE)]),
            "INVALID_REQUEST",
            f"line 1, unit price: amount “{HUGE}” too large (at most 99999999.99)",
        ),
        (
            request([line("9999999", tariff=HUGE)]),
            "INVALID_REQUEST",
            f"line 1, tariff: amount “{HUGE}” too large (at most 99999999.99)",
        ),
        (
            request([LIFT], amc={"contract": "tm+depassement", "cap": HUGE}),
            "INVALID_REQUEST",
            f"amc.cap: amount “{HUGE}” too large (at most 99999999.99)",
        ),
        (
            request([line("1241763", coefficient="1e30")]),
            "INVALID_COEFFICIENT",
            "line 1: coefficient 1e30 too large (at most 9999.99)",
        ),
    ],
)
def test_amounts_beyond_the_casebook_bounds_are_refused_in_words(
    req: dict[str, Any], code: str, english_text: str
) -> None:
    refusal = refused(ReferenceEngine().create_invoice, req)  # was decimal.InvalidOperation, an internal error
    assert refusal.code == code and "trop grand (au plus" in refusal.message
    assert english(refusal.message) == english_text


def test_the_casebook_bounds_themselves_are_priced() -> None:
    top = "99999999.99"
    req = request([line("1241763", coefficient="9999.99", tariff=top, plv="none", unit_price=top)])
    res = ReferenceEngine().create_invoice(req)
    # 99 999 999.99 × 9 999.99 = 999 999 999 900 − 999 999.9999 = 999 998 999 900.0001 → 999 998 999 900.00; × 60 %
    assert (res["totals"]["base"], res["totals"]["amo"]) == ("999998999900.00", "599999399940.00")


def test_a_lot_too_large_for_its_fields_is_refused_and_the_invoices_stay_free() -> None:
    eng = ReferenceEngine()
    wheelchairs = request([line("4113920", "200")] * 6)  # 200 × 5187.44 = 1 037 488,00 € a line
    invoice = eng.create_invoice(wheelchairs)
    eng.secure_invoice({"invoice_id": invoice["invoice_id"]})
    refusal = refused(eng.build_lot, {"invoice_ids": [invoice["invoice_id"]]})  # was B2FormatError, a crash
    assert refusal.code == "INVALID_REQUEST" and refusal.details == {"field": "facture"}
    assert refusal.message == (
        "lot : 1\u00a0037\u00a0488,00\u00a0€ ne tient pas dans la zone facture du lot (au plus 999\u00a0999,99\u00a0€)"
    )
    assert english(refusal.message) == "lot: €1,037,488.00 does not fit the lot’s field facture (at most €999,999.99)"
    small = request([line("1241763", "4")], invoice_ref="T-2")
    other = eng.create_invoice(small)
    eng.secure_invoice({"invoice_id": other["invoice_id"]})
    lot = eng.build_lot({"invoice_ids": [other["invoice_id"]]})
    assert lot["number"] == "000001"  # the refused lot took no number


def test_a_coefficient_beyond_the_hundredth_is_refused_as_the_lot_could_not_carry_it() -> None:
    # AMI 1.555 was billed 3.15 × 1.555 = 4.89825 → 4.90 while the lot wrote coefficient 1.56 (B2 zone 4+2), a line
    # whose own figures give 4.91
    nurse = {"ps_category": "infirmier"}
    refusal = refused(
        ReferenceEngine().create_invoice, request([line("AMI", nomenclature="NGAP", coefficient="1.555")], **nurse)
    )
    assert refusal.code == "INVALID_COEFFICIENT"
    assert refusal.message == "ligne 1 : coefficient 1.555 : deux décimales au plus"
    assert english(refusal.message) == "line 1: coefficient 1.555: two decimals at most"
    res = ReferenceEngine().create_invoice(request([line("AMI", nomenclature="NGAP", coefficient="1.50")], **nurse))
    assert (res["lines"][0]["billed"], res["lines"][0]["amo"]) == ("4.73", "2.84")  # 3.15 × 1.5 = 4.725 → 4.73
