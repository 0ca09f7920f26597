"""The invoice's nature d'assurance is the one its lines are priced under: lines dated away from the invoice's
care date decide it, as they decide the rate (docs/reference-engine.md, « Rules, in order »)."""

from __future__ import annotations

from testbench.engines.reference.b2 import parse_file
from testbench.engines.reference.engine import ReferenceEngine
from tests.test_engine_rules import amounts, line, refusal_code, request, split

#: the maternity period of the beneficiary: from 2024-06-05 (1st day of the 6th month) to 2024-12-31
MATERNITY = {"maternity": True, "maternity_start": "2024-06-05", "maternity_end": "2024-12-31"}
AT_MP = {"at_mp": True, "at_mp_start": "2024-06-05"}


def test_lines_dated_inside_a_maternity_period_make_a_maternity_invoice() -> None:
    # the invoice is dated before the period, its only line inside it: priced 100 % (RG_VF651), so nature 30
    res = split(request([line("1241763", "1", date="2024-06-10")], care_date="2024-06-01", coverage=MATERNITY))
    assert amounts(res, "rate") == ["100"] and amounts(res, "rule") == ["nature-assurance"]
    assert res.nature_assurance == "30"


def test_lines_dated_before_a_maternity_period_make_a_maladie_invoice() -> None:
    # the invoice is dated inside the period, its only line before it: priced 60 %, so nature 10, never 30
    res = split(request([line("1241763", "1", date="2024-06-01")], care_date="2024-06-10", coverage=MATERNITY))
    assert amounts(res, "rate") == ["60"] and res.nature_assurance == "10"


def test_the_fse_and_the_lot_carry_the_lines_nature() -> None:
    eng = ReferenceEngine()
    req = request([line("1241763", "1", date="2024-06-10")], care_date="2024-06-01", coverage=MATERNITY)
    res = eng.create_invoice(req)
    assert res["nature_assurance"] == "30" and 'natureAssurance="30"' in res["fse"]
    eng.secure_invoice({"invoice_id": res["invoice_id"]})
    lot = eng.build_lot({"invoice_ids": [res["invoice_id"]]})
    header = next(fields for kind, fields in parse_file(lot["b2"]) if kind == "200")
    assert header["nature_assurance"] == 30


def test_an_at_mp_line_makes_an_at_mp_invoice_when_the_invoice_date_lies_outside_its_period() -> None:
    # the AT/MP period starts after the invoice's date but covers the line: nature 41, 100 %
    req = request([line("1241763", "1", date="2024-06-10")], care_date="2024-06-01", coverage=AT_MP)
    res = split(req)
    assert res.nature_assurance == "41" and amounts(res, "rate") == ["100"]
    # a period with no start gives no accident date: the line inside it needs the accident's number or date
    ended = {"at_mp": True, "at_mp_end": "2024-06-05"}
    no_date = request([line("1241763", "1", date="2024-06-03")], care_date="2024-06-10", coverage=ended)
    assert refusal_code(no_date) == "ATMP_NUMBER_MISSING"


def test_a_c2s_routing_reads_the_rights_on_the_lines_dates() -> None:
    # C2S from 2024-06-05; the invoice dated 2024-06-01, its line 2024-06-10: the C2S manager pays its TM
    c2s = {"c2s": True, "c2s_start": "2024-06-05"}
    routed = {"contract": "tm", "type": "c2s", "number": "99999999"}
    res = split(request([line("1241763", "1", date="2024-06-10")], care_date="2024-06-01", coverage=c2s, amc=routed))
    assert (res.amc_payer, res.totals_dict()["amc"], res.totals_dict()["patient"]) == ("c2s", "5.60", "0.00")
    before = request([line("1241763", "1", date="2024-06-03")], care_date="2024-06-10", coverage=c2s, amc=routed)
    assert refusal_code(before) == "C2S_NOT_IN_RIGHTS"
