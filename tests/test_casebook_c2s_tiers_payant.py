"""A C2S patient's invoice is written tiers-payant="amo+amc" without an AMC contract (the C2S manager pays that
part) and reads « tiers payant intégral (AMO + C2S) » (audit s22-domain, finding 2); another patient's still names
its contract."""

from __future__ import annotations

from pathlib import Path

from casebook_edits import edited_problems

from testbench.casebook.instructions import describe_step
from testbench.casebook.loader import load_casebook
from testbench.paths import CASEBOOKS_DIR

C2S_INVOICE = '<invoice id="s-invoice" patient="p-c2s" care-date="2026-01-12" tiers-payant="amo+amc">'


def test_the_bundled_c2s_cases_bill_in_tiers_payant_integral_without_a_contract(tmp_path: Path) -> None:
    text = (CASEBOOKS_DIR / "billing.xml").read_text(encoding="utf-8")
    assert text.count(C2S_INVOICE) == 2  # TB-COV-010 and TB-COV-011
    assert edited_problems(tmp_path, C2S_INVOICE, C2S_INVOICE, "billing.xml") == []
    nurse = (CASEBOOKS_DIR / "nurse-ngap.xml").read_text(encoding="utf-8")
    assert nurse.count('patient="p-c2s" care-date="2026-02-02" tiers-payant="amo+amc">') == 2


def test_a_patient_without_c2s_still_names_the_amc_contract(tmp_path: Path) -> None:
    problems = edited_problems(
        tmp_path, 'patient="p-std" care-date="2026-01-12" tiers-payant="amo"', 'patient="p-std" care-date='
        '"2026-01-12" tiers-payant="amo+amc"', "billing.xml"
    )  # fmt: skip
    assert [french for _where, french, _english in problems] == [
        "tiers payant amo+amc : précisez le contrat AMC (attribut amc), sauf pour un patient dont la C2S couvre les"
        " soins"
    ]
    assert "unless the patient's C2S covers the care" in problems[0][2]


def test_a_care_date_outside_the_card_c2s_period_needs_a_contract(tmp_path: Path) -> None:
    problems = edited_problems(tmp_path, C2S_INVOICE, C2S_INVOICE.replace("2026-01-12", "2025-12-15"), "billing.xml")
    assert any("précisez le contrat AMC" in french for _where, french, _english in problems)


def test_the_c2s_invoice_reads_as_tiers_payant_integral() -> None:
    casebook = load_casebook(CASEBOOKS_DIR / "billing.xml")
    invoice = next(s for s in casebook.case("TB-COV-010").steps if s.action == "invoice")
    assert describe_step(invoice, casebook, "fr").endswith(", tiers payant intégral (AMO + C2S)")
    english = describe_step(invoice, casebook, "en")
    assert english.endswith("tiers payant intégral (AMO + C2S: full third-party payment, the C2S paying the "
                            "complementary part)")  # fmt: skip
