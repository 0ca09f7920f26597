"""The generated casebooks' C2S invoices (audit s22-domain, finding 2): a C2S patient billed at a date the C2S covers,
without an AMC routing, is written tiers-payant="amo+amc" and reads « tiers payant intégral (AMO + C2S) »; and the
two invoice breaks of a coverage period changing inside the invoice (AME, C2S beside an AMC contract) each have a
bundled case."""

from __future__ import annotations

import pytest

from testbench.casebook.instructions import describe_step
from testbench.casebook.loader import load_casebook
from testbench.casebook.model import ExpectationKind
from testbench.paths import CASEBOOKS_DIR

C2S_CASES = {
    "psad-fse-degrade.xml": ["PSAD-DEG-033", "PSAD-DEG-034"],
    "psad-fse-securise.xml": ["PSAD-SEC-050", "PSAD-SEC-051", "PSAD-SEC-052"],
    "psad-regles-refus.xml": ["PSAD-REG-048"],
    "psad-lots-retours.xml": ["PSAD-LOT-012"],
    "nurse-ngap.xml": ["IDE-NGAP-035", "IDE-NGAP-075"],
}


@pytest.mark.parametrize(("filename", "case_ids"), C2S_CASES.items())
def test_c2s_invoices_read_as_tiers_payant_integral(filename: str, case_ids: list[str]) -> None:
    casebook = load_casebook(CASEBOOKS_DIR / filename)
    for case_id in case_ids:
        invoice = next(s for s in casebook.case(case_id).steps if s.action == "invoice")
        assert invoice.params["tiers-payant"] == "amo+amc", case_id
        assert describe_step(invoice, casebook, "fr").endswith(", tiers payant intégral (AMO + C2S)"), case_id


@pytest.mark.parametrize(("case_id", "patient"), [("PSAD-REG-024", "p-ame-fin"), ("PSAD-REG-025", "p-c2s-debut")])
def test_a_coverage_period_changing_inside_the_invoice_has_its_refusal_case(case_id: str, patient: str) -> None:
    casebook = load_casebook(CASEBOOKS_DIR / "psad-regles-refus.xml")
    case = casebook.case(case_id)
    invoice = next(s for s in case.steps if s.action == "invoice")
    assert invoice.params["patient"] == patient
    assert len({line["date"] for line in invoice.params["lines"]}) == 2
    assert [(e.kind, e.code) for e in case.expectations] == [(ExpectationKind.REFUSAL, "INVOICE_BREAK_REQUIRED")]
