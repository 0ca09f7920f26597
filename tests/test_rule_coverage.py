"""Every rule branch of the reference engine is exercised by a bundled case, and every refusal code the engine
knows is expected by a bundled case, or listed below with the reason no casebook can reach it.

The bundled casebooks run in process (cards and engine) under coverage.py with branch coverage, measured over
the modules that hold the billing rules; request validation (``model.py``), the engine's calls and the output
formats are other modules and are not counted.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from testbench.casebook.loader import load_casebooks
from testbench.casebook.model import ExpectationKind
from testbench.domain.vocabulary import REFUSAL_CODES
from testbench.engines.reference.refusals import ALL_CODES
from testbench.paths import CASEBOOKS_DIR

REPO = Path(__file__).resolve().parents[1]
ENGINE = REPO / "testbench" / "engines" / "reference"
BUNDLED = sorted(CASEBOOKS_DIR.glob("*.xml"))

#: The modules of the reference engine whose every branch a bundled case must take.
RULE_MODULES = ("split.py", "rates.py", "psad.py", "ngap.py")
#: The other modules, and why their branches are not counted: a new module must be put in one list or the other.
NOT_RULES = {
    "__init__.py": "the package",
    "model.py": "request validation: shapes and types of a JSON request, which a validated casebook always has",
    "engine.py": "the engine's calls (cards, invoices and lots kept in memory, téléservice calls)",
    "teleservices.py": "the HTTP client of the simulated téléservices (tests/test_services_*.py)",
    "fse.py": "output format (FSE-like XML)",
    "b2.py": "output format (B2-like lot)",
    "noemie.py": "output format (NOEMIE-like returns)",
    "tables.py": "loading the tables",
    "lpp_import.py": "importing public LPP data",
    "money.py": "decimal parsing and rounding helpers",
    "refusals.py": "the refusal codes",
    "trace.py": "the engine's trace lines",
}

#: Refusal codes of the engine that no bundled case expects, each with the reason a casebook cannot reach it.
UNREACHABLE = {
    "INVALID_REQUEST": "a malformed request (missing key, wrong type, negative amount, bad date): the runner "
    "builds every request from a casebook the schema and the checks accepted; an rsp-partial return paying at "
    "least what the lot owes is the case's own mistake (not expectable), the amount being computed at run time",
    "INVALID_CODE": "an LPP code that is not 7 digits: the casebook checks refuse it before anything runs",
    "INVALID_COEFFICIENT": "a coefficient of 0 or less: the schema refuses it (minExclusive 0)",
    "UNSUPPORTED_NOMENCLATURE": "the schema allows only LPP and NGAP",
    "UNSUPPORTED_ROUNDING": "the schema allows only half-up and half-even",
    "EMPTY_INVOICE": "the casebook checks refuse an invoice without a line",
    "AMC_REQUIRED": "tiers payant amo+amc without an AMC contract: the casebook checks refuse it",
    "DUPLICATE_INVOICE": "the runner gives every invoice a reference unique to its attempt",
    "UNKNOWN_INVOICE": "the runner secures and lots only invoices the engine returned in the case",
    "EMPTY_LOT": "a build-lot without any invoice is a bench error of the runner, never sent to the engine",
    "UNKNOWN_SCENARIO": "the schema enumerates the return scenarios",
    "UNKNOWN_LOT": "read-returns follows a build-lot of its case (casebook checks) and names that lot",
    "UNKNOWN_METHOD": "protocol level: the runner only calls the methods of the engine interface",
    "CARD_UNREADABLE": "declared, never raised by the reference engine: an unreadable card is a card error "
    "(verdict inconclusive), not a refusal",
    "NUT_WITHOUT_ALD": "declared, not applied: RG_VF_CC5 is a hospital rule (docs/reference-engine.md)",
    "UNKNOWN_PS_CATEGORY": "the casebook checks refuse a <ps-category> the engine's table does not know",
    "INVOICE_ALREADY_IN_LOT": "a build-lot sends only the case's invoices that no earlier build-lot of the case "
    "sent (runner/actions.py)",
}


def test_every_module_of_the_reference_engine_is_counted_or_excused() -> None:
    modules = {p.name for p in ENGINE.glob("*.py")}
    assert modules == set(RULE_MODULES) | set(NOT_RULES), (
        "classify the new modules of the reference engine (RULE_MODULES or NOT_RULES): "
        f"{sorted(modules ^ (set(RULE_MODULES) | set(NOT_RULES)))}"
    )


def test_every_rule_branch_is_taken_by_a_bundled_case(tmp_path: Path) -> None:
    data = tmp_path / ".coverage"
    include = ",".join(str(ENGINE / name) for name in RULE_MODULES)
    run = subprocess.run(
        [
            sys.executable, "-m", "coverage", "run", "--branch", f"--data-file={data}", f"--include={include}",
            "-m", "testbench", "run", *map(str, BUNDLED), "--session", str(tmp_path / "s.tbsession"),
            "--cards", "inprocess", "--engine", "inprocess",
            "--attestations", str(CASEBOOKS_DIR / "demo-attestations.json"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )  # fmt: skip
    assert run.returncode in (0, 1), run.stdout[-3000:] + run.stderr[-3000:]  # 1: the demo's case built to fail
    report = tmp_path / "coverage.json"
    subprocess.run(
        [sys.executable, "-m", "coverage", "json", f"--data-file={data}", "-o", str(report)],
        capture_output=True,
        check=True,
        timeout=60,
        cwd=tmp_path,
    )
    files = json.loads(report.read_text(encoding="utf-8"))["files"]
    measured = {Path(name).name: info for name, info in files.items()}
    assert set(measured) == set(RULE_MODULES), sorted(measured)
    uncovered = []
    for name in RULE_MODULES:
        info = measured[name]
        uncovered += [f"{name}:{line} (jamais exécutée)" for line in info["missing_lines"]]
        uncovered += [
            f"{name}:{start}->{end if end > 0 else 'sortie'} (branche jamais prise)"
            for start, end in info["missing_branches"]
        ]
    assert not uncovered, "branches de règles qu'aucun cas fourni n'exerce :\n" + "\n".join(uncovered)


def test_every_refusal_code_is_expected_by_a_bundled_case_or_unreachable() -> None:
    expected = {
        exp.code
        for casebook in load_casebooks(BUNDLED)
        for case in casebook.cases
        for exp in case.expectations
        if exp.kind is ExpectationKind.REFUSAL
    }
    assert set(UNREACHABLE) <= set(ALL_CODES), sorted(set(UNREACHABLE) - set(ALL_CODES))
    reached = sorted(expected & set(UNREACHABLE))
    assert not reached, f"expected by a case, so not unreachable: {reached}"
    expectable = sorted(set(UNREACHABLE) & REFUSAL_CODES)
    assert not expectable, f"a case may expect these, so one must: {expectable}"
    missing = sorted(set(ALL_CODES) - expected - set(UNREACHABLE))
    assert not missing, f"codes de refus qu'aucun cas fourni n'attend : {missing}"
