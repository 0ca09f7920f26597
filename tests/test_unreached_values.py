"""A stopped case's values it never reached are « non exécuté », not red failures; a missing value names
its whole path.

A case waiting for its manual step (pending, headless without attestations) used to show each of that
step's expectations as « échec — valeur absente : manual » in the report and the workstation, while the
case itself read « en attente ».
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from testbench.casebook.model import Expectation, ExpectationKind
from testbench.domain.verdict import Verdict
from testbench.runner.compare import compare_value

REPO = Path(__file__).resolve().parents[1]


def _value(path: str, step: str | None = "s-invoice") -> Expectation:
    return Expectation(id="e", kind=ExpectationKind.VALUE, step=step, path=path, expected="3.54", value_type="decimal")


def test_a_missing_value_names_its_whole_path() -> None:
    found = compare_value(_value("invoice.totals.amo"), {"invoice": {"lines": []}})
    assert found.outcome is Verdict.FAIL and found.message == "valeur absente : invoice.totals.amo"


def test_a_value_of_a_step_the_stopped_case_never_finished_is_not_evaluated() -> None:
    stopped = compare_value(_value("manual.paper_total", "m-paper"), {}, finished=["s-invoice"])
    assert stopped.outcome is Verdict.NONE
    assert stopped.message == "valeur non observée : l'étape m-paper n'a pas abouti"
    # a step that finished and did not give its value still fails, stopped case or not
    assert compare_value(_value("invoice.totals.amo"), {}, finished=["s-invoice"]).outcome is Verdict.FAIL
    assert compare_value(_value("x.y", None), {}, finished=[]).message == (
        "valeur non observée : le cas s'est arrêté avant"
    )


def test_a_pending_case_reports_its_manual_values_as_not_executed(tmp_path: Path) -> None:
    for lang in ("fr", "en"):
        run = subprocess.run(
            [sys.executable, "-m", "testbench", "run", str(REPO / "casebooks" / "demo.xml"), "-k", "DEMO-FSE-030",
             "--session", f"{lang}.tbsession", "--cards", "inprocess", "--report", f"rep-{lang}", "--lang", lang],
            cwd=tmp_path, env={**os.environ, "TESTBENCH_LANG": "fr"}, stdin=subprocess.DEVNULL,
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert run.returncode == 2, run.stderr  # pending
        case = json.loads((tmp_path / f"rep-{lang}" / "report.json").read_text())["cases"][0]
        manual = [c for c in case["comparisons"] if c["path"].startswith("manual.")]
        assert manual and {c["outcome"] for c in manual} == {"none"}, manual
        expected = {
            "fr": "valeur non observée : l'étape m-paper n'a pas abouti",
            "en": "value not observed: step m-paper did not complete",
        }[lang]
        assert {c["message"] for c in manual} == {expected}
