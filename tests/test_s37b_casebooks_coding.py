"""Bundled cases whose title or comment states a nature d'assurance, an exoneration code or a franchise check it.

A product that prices right but writes the wrong code (nature 10 for a maternity invoice, no exo 4 on an ALD line,
a franchise on a maternity nurse visit) must fail these cases. The proof: the bundled cases run through
``testbench run`` with the reference engine, whose answer is falsified on exactly those fields; each case then
fails on its coding expectations and on nothing else.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from testbench.casebook.loader import load_casebooks
from testbench.cli.main import main
from testbench.engines.reference.engine import ReferenceEngine
from testbench.paths import CASEBOOKS_DIR
from testbench.store.read import read_session

#: casebook → case → {expectation path: value its text states} (billing-rules §3 and §5, RG_VF651–RG_VF674)
CODED = {
    "billing.xml": {
        "TB-COV-001": {"invoice.lines[0].exo": "4"},
        "TB-COV-002": {"invoice.lines[0].exo": "0"},
        "TB-COV-006": {"invoice.nature_assurance": "13"},
        "TB-COV-012": {"invoice.nature_assurance": "30", "invoice.lines[0].exo": "0"},
        "TB-COV-013": {"invoice.nature_assurance": "10"},
        "TB-COV-014": {"invoice.nature_assurance": "41"},
    },
    "demo.xml": {
        "DEMO-FSE-002": {"invoice.lines[0].exo": "4"},
        "DEMO-FSE-003": {"invoice.nature_assurance": "13"},
        "DEMO-FSE-020": {"invoice.withholdings.franchise": "1.00"},
        "DEMO-FSE-021": {
            "invoice.nature_assurance": "30",
            "invoice.lines[0].exo": "0",
            "invoice.lines[1].exo": "0",
            "invoice.withholdings.franchise": "0.00",
        },
    },
    "nurse-ngap.xml": {
        "IDE-NGAP-036": {"invoice.nature_assurance": "30"},
        "IDE-NGAP-037": {"invoice.nature_assurance": "41"},
    },
    "psad-fse-degrade.xml": {
        "PSAD-DEG-010": {"invoice.lines[0].exo": "5"},
        "PSAD-DEG-012": {"invoice.lines[0].exo": "4"},
        "PSAD-DEG-013": {"invoice.lines[0].exo": "5"},
        "PSAD-DEG-016": {"invoice.lines[0].exo": "9"},
        "PSAD-DEG-017": {"invoice.nature_assurance": "90"},
        "PSAD-DEG-019": {"invoice.lines[0].exo": "3"},
        "PSAD-DEG-020": {"invoice.lines[0].exo": "C"},
        "PSAD-DEG-021": {"invoice.lines[0].exo": "0"},
        "PSAD-DEG-031": {"invoice.nature_assurance": "30", "invoice.lines[0].exo": "0"},
    },
    "psad-fse-securise.xml": {
        "PSAD-SEC-030": {"invoice.nature_assurance": "13"},
        "PSAD-SEC-043": {"invoice.lines[0].exo": "4"},
        "PSAD-SEC-060": {"invoice.nature_assurance": "30"},
        "PSAD-SEC-062": {"invoice.nature_assurance": "41"},
        "PSAD-SEC-064": {"invoice.lines[0].exo": "6"},
    },
}
ALL_CODED = {case: paths for cases in CODED.values() for case, paths in cases.items()}
CODING = re.compile(r"invoice\.(nature_assurance|exo|lines\[\d+\]\.exo|withholdings\.franchise)")
BENCH = ["--cards", "inprocess", "--engine", "inprocess", "--lang", "fr"]


def _wrong_code(code: Any, other: str) -> str:
    """A plausible but wrong code: ``other``, or the default one when ``other`` is the right one."""
    return other if str(code) != other else "10" if other != "10" else "30"


def _miscoded(answer: dict[str, Any]) -> dict[str, Any]:
    """The same amounts, with the nature d'assurance, every exoneration code and the franchise falsified."""
    answer["nature_assurance"] = _wrong_code(answer["nature_assurance"], "10")
    answer["exo"] = "0" if answer.get("exo") != "0" else "4"
    for line in answer["lines"]:
        line["exo"] = "0" if line.get("exo") != "0" else "4"
    franchise = Decimal(answer["withholdings"]["franchise"])
    answer["withholdings"]["franchise"] = f"{franchise + Decimal('1.00'):.2f}" if not franchise else "0.00"
    return answer


def _run(tmp_path: Path, name: str) -> dict[str, dict[str, str]]:
    """Run the coded cases; return each case's failed expectations (id → path)."""
    books = [str(CASEBOOKS_DIR / book) for book in CODED]
    session = tmp_path / f"{name}.tbsession"
    code = main(["run", *books, "--session", str(session), "-k", " or ".join(ALL_CODED), *BENCH])
    assert code in (0, 1), code
    with read_session(session) as view:
        return {
            case.case_id: {
                c["expectation_id"]: c["path"] for c in view.comparisons(case.latest.id) if c["outcome"] != "pass"
            }
            for case in view.cases
            if case.latest
        }


def test_each_coded_case_expects_the_code_its_text_states() -> None:
    found = {}
    for casebook in load_casebooks([CASEBOOKS_DIR / book for book in CODED]):
        for case in casebook.cases:
            if case.id in ALL_CODED:
                found[case.id] = {e.path: e.expected for e in case.expectations if e.path in ALL_CODED[case.id]}
    assert found == ALL_CODED


@pytest.mark.integration
def test_a_product_writing_the_wrong_codes_fails_on_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The reference engine passes these cases (tests/test_bundled_casebooks.py); miscoded, it fails each of them
    on its coding expectations (the ones added for it among them), and on no amount."""
    create = ReferenceEngine.create_invoice
    monkeypatch.setattr(ReferenceEngine, "create_invoice", lambda self, request: _miscoded(create(self, request)))
    failed = _run(tmp_path, "miscoded")
    assert failed.keys() == ALL_CODED.keys()
    for case, paths in ALL_CODED.items():
        assert set(paths) <= set(failed[case].values()), case
        assert all(CODING.fullmatch(path) for path in failed[case].values()), failed[case]
