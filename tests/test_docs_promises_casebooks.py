"""What docs/casebooks.md promises of the bundled casebooks, held file by file: each file's plan id and what its
table row says it covers, the conventions of the PSAD/MAD and nurse casebooks (fictitious people, the
organisme of a patient without a card, requirements named per case), and the generation script's ``--check``.

The counts per file, loading together, the generated files equal to the script's output and every case
passing on the demo bench are held by tests/test_bundled_casebooks.py.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from collections import Counter
from pathlib import Path

import pytest

from testbench.cards.nir import is_valid_nir, split_nir
from testbench.casebook.loader import load_casebooks
from testbench.casebook.model import Case, Casebook, ExpectationKind
from testbench.engines.reference.noemie import DEFAULT_CODES, RSP_REJECT_CODES
from testbench.paths import CARD_PROFILES_DIR, CASEBOOKS_DIR

REPO = Path(__file__).resolve().parents[1]
DOC = (REPO / "docs" / "casebooks.md").read_text(encoding="utf-8")
BOOKS: dict[str, Casebook] = {Path(cb.path).name: cb for cb in load_casebooks(sorted(CASEBOOKS_DIR.glob("*.xml")))}
#: the PSAD/MAD and nurse casebooks the conventions are about
CONVENTIONS = sorted(name for name in BOOKS if name.startswith(("psad-", "nurse-")))


def refusals(case: Case) -> set[str]:
    return {e.code for e in case.expectations if e.kind is ExpectationKind.REFUSAL}


def expected_codes(name: str) -> set[str]:
    return {code for case in BOOKS[name].cases for code in refusals(case)}


def steps(name: str, action: str) -> list[dict]:
    return [s.params for case in BOOKS[name].cases for s in case.steps if s.action == action]


def lines(name: str) -> list[dict]:
    return [line for params in steps(name, "invoice") for line in params.get("lines", ())]


def test_each_file_of_the_table_has_the_plan_id_it_gives() -> None:
    table = dict(re.findall(r"^\| `([\w.-]+\.xml)` \| \d+ \| `([\w-]+)` \|", DOC, re.M))
    assert table == {name: cb.identity.plan_id for name, cb in BOOKS.items()}


def test_demo_shows_lpp_and_ngap_a_manual_step_and_one_case_built_to_fail() -> None:
    assert {line["nomenclature"] for line in lines("demo.xml")} == {"LPP", "NGAP"}
    assert steps("demo.xml", "manual")
    assert "DEMO-FSE-099" in {case.id for case in BOOKS["demo.xml"].cases}


def test_billing_covers_lots_and_returns_and_the_coverages_of_the_test_cards() -> None:
    assert steps("billing.xml", "build-lot") and steps("billing.xml", "read-returns")
    cards = {c.card for case in BOOKS["billing.xml"].cases for c in case.cards}
    assert {"vitale-ald", "vitale-alsace", "vitale-c2s", "vitale-maternity", "vitale-atmp"} <= cards
    assert "PRICE_ABOVE_PLV" in expected_codes("billing.xml")


def test_the_exam_demo_has_its_plan() -> None:
    plan = tomllib.loads((CASEBOOKS_DIR / "plans" / "exam-demo-plan.toml").read_text(encoding="utf-8"))
    (entry,) = plan["casebooks"]
    assert entry["plan-id"] == BOOKS["exam-demo.xml"].identity.plan_id
    assert (CASEBOOKS_DIR / "plans" / entry["path"]).resolve() == (CASEBOOKS_DIR / "exam-demo.xml").resolve()


def test_fse_securise_every_case_secured_with_the_cards_and_the_five_beneficiaries() -> None:
    book = BOOKS["psad-fse-securise.xml"]
    assert {case.mode.value for case in book.cases} == {"securise"}
    cards = {c.card for case in book.cases for c in case.cards}
    assert {"vitale-alsace", "vitale-ald", "vitale-c2s", "vitale-maternity", "vitale-atmp", "vitale-mines"} <= cards
    assert {p.get("beneficiary") for p in steps("psad-fse-securise.xml", "read-vitale")} >= {"1", "2", "3", "4", "5"}


def test_fse_degrade_is_degrade_and_sesam_sans_vitale_with_adri() -> None:
    modes = Counter(case.mode.value for case in BOOKS["psad-fse-degrade.xml"].cases)
    assert set(modes) == {"degrade", "sesam-sans-vitale"}
    assert steps("psad-fse-degrade.xml", "adri")


def test_lots_and_returns_reach_every_real_rsp_code_a_partial_payment_and_the_lot_refusals() -> None:
    returns = steps("psad-lots-retours.xml", "read-returns")
    scenarios = {p["scenario"] for p in returns}
    assert {"arl-positive", "arl-negative", "rsp-paid", "rsp-rejected", "rsp-partial"} <= scenarios
    reached = {p.get("code") or DEFAULT_CODES[p["scenario"]] for p in returns if p["scenario"] == "rsp-rejected"}
    assert reached == set(RSP_REJECT_CODES) and len(reached) == 6  # « the six real RSP reject codes »
    assert {"MIXED_LOT", "ORGANISME_UNKNOWN", "INVOICE_NOT_SECURED"} <= expected_codes("psad-lots-retours.xml")
    assert all(case.domain.value == "lot" for case in BOOKS["psad-lots-retours.xml"].cases)


def test_rules_and_refusals_reach_the_b2_limit_and_the_named_rules() -> None:
    codes = expected_codes("psad-regles-refus.xml")
    assert {
        "TOO_MANY_LINES", "BILLING_DELAY_EXCEEDED", "PRESCRIBER_INVALID", "UNKNOWN_REGIME", "ATMP_NUMBER_MISSING",
        "INVOICE_BREAK_REQUIRED", "PRESTATION_TYPE_MISMATCH", "ACCORD_PREALABLE_MISSING", "SUPPLIER_SIRET_INVALID",
        "RENTAL_PERIOD_INVALID",
    } <= codes  # fmt: skip
    too_many = [
        case for case in BOOKS["psad-regles-refus.xml"].cases if "TOO_MANY_LINES" in refusals(case)
    ]
    sizes = {len(s.params["lines"]) for case in too_many for s in case.steps if s.action == "invoice"}
    assert sizes == {1000}  # one line over the B2 limit of 999


def test_amc_and_dre_cover_the_three_destinataires_dre_and_contract_89() -> None:
    expected = {
        (e.path, e.expected) for case in BOOKS["psad-amc-dre.xml"].cases for e in case.expectations if e.path
    }
    assert {("invoice.tiers_payant.drg", drg) for drg in ("10", "35", "36")} <= expected
    assert ("invoice.amc.contract_type", "89") in expected
    types = {p.get("amc-type") for p in steps("psad-amc-dre.xml", "invoice")}
    assert {"tiers-payant-integral", "dre", "c2s"} <= types


def test_teleservices_cover_the_four_services_both_apcv_channels_and_an_expected_fault() -> None:
    book = BOOKS["psad-teleservices.xml"]
    assert {case.domain.value for case in book.cases} == {"adri", "apcv", "insi", "eprescription"}
    assert {p.get("channel") for p in steps("psad-teleservices.xml", "apcv")} >= {"nfc", "qr"}
    codes = expected_codes("psad-teleservices.xml")
    assert {"TELESERVICE_UNAVAILABLE", "APCV_CONTEXT_EXPIRED", "APCV_REFUSED"} <= codes


def test_cards_cover_pin_change_and_unblock_a_pulled_card_vitale_1_and_real_cards() -> None:
    name = "psad-cartes.xml"
    assert steps(name, "change-pin") and steps(name, "unblock-pin") and steps(name, "remove-card")
    cards = {c.card for case in BOOKS[name].cases for c in case.cards}
    assert {"vitale1", "cps-real", "vitale-real"} <= cards
    assert {"CARD_NOT_TEST", "CARD_SWAPPED", "NO_CARD"} <= expected_codes(name)


def test_the_nurse_bills_ngap_with_majorations_and_travel() -> None:
    assert {line["nomenclature"] for line in lines("nurse-ngap.xml")} == {"NGAP"}
    assert {c.card for case in BOOKS["nurse-ngap.xml"].cases for c in case.cards} >= {"cps-nurse"}
    codes = expected_codes("nurse-ngap.xml")
    assert {"MAJORATION_WITHOUT_ACT", "TRAVEL_WITHOUT_ACT", "TRAVEL_ZONE_NOT_APPLICABLE"} <= codes


@pytest.mark.parametrize("name", CONVENTIONS)
def test_the_people_of_the_psad_and_nurse_casebooks_are_fictitious(name: str) -> None:
    book = BOOKS[name]
    nirs = [p.rights["nir"] for p in book.fixtures.patients.values() if "nir" in p.rights]
    assert nirs
    for nir in nirs:
        parts = split_nir(nir)
        assert (parts.department, parts.commune) == ("99", "999") and is_valid_nir(nir), nir
    sirets = {line["supplier-siret"] for line in lines(name) if "supplier-siret" in line}
    sirets |= {p["supplier-siret"] for p in steps(name, "invoice") if "supplier-siret" in p}
    refused_siret = any("SUPPLIER_SIRET_INVALID" in refusals(case) for case in book.cases)
    assert sirets <= ({"12345678000014", "12345678000015"} if refused_siret else {"12345678000014"}), sirets


def test_the_supplier_siret_written_is_the_fictitious_one() -> None:
    sirets = Counter(line.get("supplier-siret") for name in CONVENTIONS for line in lines(name))
    assert sirets["12345678000014"] >= 1 and sirets["12345678000015"] == 1  # the one built with a wrong key


def test_the_test_cards_carry_fictitious_nirs_and_rpps_8999() -> None:
    profiles = sorted(CARD_PROFILES_DIR.glob("*.xml"))
    text = "\n".join(p.read_text(encoding="utf-8") for p in profiles)
    nirs = re.findall(r'\bnir="(\d+)"', text)
    rpps = re.findall(r'\brpps="(\d+)"', text)
    assert nirs and rpps
    for nir in nirs:
        parts = split_nir(nir)
        assert (parts.department, parts.commune) == ("99", "999") and is_valid_nir(nir), nir
    assert all(number.startswith("8999") for number in rpps), rpps


def test_most_invoices_bill_care_of_2026_02_02() -> None:
    dates = Counter(p.get("care-date") for name in CONVENTIONS for p in steps(name, "invoice"))
    assert dates.most_common(1)[0][0] == "2026-02-02"
    assert dates["2026-02-02"] * 2 > sum(dates.values())


@pytest.mark.parametrize("name", CONVENTIONS)
def test_a_patient_without_a_card_carries_the_organisme_of_its_attestation(name: str) -> None:
    without = {pid: p.rights for pid, p in BOOKS[name].fixtures.patients.items() if p.card is None}
    assert without
    for pid, rights in without.items():
        if pid == "p-sans-organisme":
            assert "caisse" not in rights and "centre" not in rights
        else:
            assert (rights.get("caisse"), rights.get("centre")) == ("751", "9999"), pid


def test_the_lot_of_the_patient_without_organisme_is_refused() -> None:
    cases = [
        case
        for case in BOOKS["psad-lots-retours.xml"].cases
        if any(s.params.get("patient") == "p-sans-organisme" for s in case.steps)
    ]
    assert cases and all("ORGANISME_UNKNOWN" in refusals(case) for case in cases)


@pytest.mark.parametrize("name", CONVENTIONS)
def test_each_case_names_what_it_covers_and_a_refusal_requirement_names_the_code_expected(name: str) -> None:
    for case in BOOKS[name].cases:
        assert case.requirements, case.id
        for requirement in case.requirements:
            if requirement.startswith("TB-REFUS-"):
                assert requirement.removeprefix("TB-REFUS-") in refusals(case), (case.id, requirement)


def test_billing_names_no_requirement_and_the_demonstration_plans_catalogue_theirs() -> None:
    assert not [case.id for case in BOOKS["billing.xml"].cases if case.requirements]
    for name, plan in (("demo.xml", "demo-plan.toml"), ("exam-demo.xml", "exam-demo-plan.toml")):
        data = tomllib.loads((CASEBOOKS_DIR / "plans" / plan).read_text(encoding="utf-8"))
        catalogued = {r["id"] for r in data["requirements"]}
        named = {r for case in BOOKS[name].cases for r in case.requirements}
        assert named and named <= catalogued, sorted(named - catalogued)
    assert all(case.requirements for case in BOOKS["exam-demo.xml"].cases)
    said = re.search(r"and (\d+) of the (\d+) cases of\s+`demo.xml`", DOC)
    demo = BOOKS["demo.xml"].cases
    assert said and (int(said[1]), int(said[2])) == (sum(1 for case in demo if case.requirements), len(demo))


def test_one_data_module_per_generated_file_and_check_names_a_stale_file(tmp_path: Path) -> None:
    """``make_bundled_casebooks.py --check`` exits 1 naming a file that differs from the data's output."""
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        from bundled_cases import BOOKS as DATA
    finally:
        sys.path.remove(str(REPO / "scripts"))
    assert sorted(book.filename for book in DATA) == CONVENTIONS
    shutil.copytree(REPO / "scripts", tmp_path / "scripts", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "casebooks").mkdir()
    for name in CONVENTIONS:
        shutil.copy(CASEBOOKS_DIR / name, tmp_path / "casebooks" / name)
    script = [sys.executable, str(tmp_path / "scripts" / "make_bundled_casebooks.py"), "--check"]
    assert subprocess.run(script, capture_output=True, text=True, timeout=120).returncode == 0
    stale = tmp_path / "casebooks" / "psad-amc-dre.xml"
    stale.write_text(stale.read_text(encoding="utf-8").replace("33.60", "33.61", 1), encoding="utf-8")
    proc = subprocess.run(script, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert "psad-amc-dre.xml" in proc.stderr and "psad-cartes.xml" not in proc.stderr
