"""Exam day end to end: the demo application as a separate process, driven by the scripted operator.

The scripted operator performs each engine step in the demo application (``python -m testbench.demoapp``;
``testbench demo --exam``, run once for the tests that read it: tests/demo_exams.py)
and keys nothing; the bench follows the application's own log (cp1252, its own wording), watches its
output folders, reads its FSE XML and B2 lots with the profile's extractors and compares. The exam
casebook runs twice, with and without the application's planted flaw (ALD lines priced at the standard
rate): at least 90 % of the expected values are observed by extraction, each with its provenance; with the
flaw exactly the cases with an ALD line fail, and ``testbench diff`` names the file and the place of each
wrong value.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from demo_exams import GROUP, Rehearsal

from testbench.casebook.loader import load_casebook
from testbench.store.read import read_session

REPO = Path(__file__).resolve().parents[1]
EXAM = REPO / "casebooks" / "exam-demo.xml"

pytestmark = [pytest.mark.slow, GROUP]  # two campaigns of 25 cases on a separate application process


@pytest.fixture(scope="module")
def runs(demo_exam: Rehearsal, demo_exam_flawed: Rehearsal) -> dict[str, tuple[Path, dict[str, str]]]:
    """Each rehearsal's session and its verdicts (case → the latest attempt's)."""
    out = {}
    for name, rehearsal in (("ok", demo_exam), ("flaw", demo_exam_flawed)):
        with read_session(rehearsal.session) as view:
            out[name] = (rehearsal.session, {case.case_id: case.latest.verdict for case in view.cases})
    return out


def _ald_cases() -> set[str]:
    """The cases the planted flaw touches: those with an invoice line in relation to an ALD."""
    casebook = load_casebook(EXAM)
    return {
        case.id
        for case in casebook.cases
        for step in case.steps
        for line in step.params.get("lines", ())
        if str(_get(line, "ald")).lower() == "true"
    }


def _get(line: Any, name: str) -> Any:
    return line.get(name) if isinstance(line, dict) else getattr(line, name, None)


def test_the_exam_runs_on_the_application_with_the_values_read_from_its_outputs(runs: Any) -> None:
    session, verdicts = runs["ok"]
    assert len(verdicts) >= 20
    assert set(verdicts.values()) == {"pass"}, verdicts
    expected = extracted = 0
    with read_session(session) as view:
        for case in view.cases:
            observed = {o["path"]: o for o in view.observations(case.latest.id)}
            for comparison in view.comparisons(case.latest.id):
                if comparison.get("kind") != "value":
                    continue
                expected += 1
                obs = observed.get(comparison["path"])
                if obs is not None and obs["source"] == "extraction":
                    assert obs["provenance"]["source"] and obs["provenance"]["kind"] in ("xml", "fixed", "log")
                    extracted += 1
                else:
                    assert obs is None or obs["source"] != "operator" or not obs["provenance"]
    assert expected >= 20 and extracted / expected >= 0.9, (extracted, expected)


def test_with_the_planted_flaw_exactly_the_ald_cases_fail_and_diff_names_where(runs: Any) -> None:
    ok_session, _ = runs["ok"]
    flaw_session, verdicts = runs["flaw"]
    affected = _ald_cases()
    assert affected  # the casebook has ALD cases
    assert {case for case, verdict in verdicts.items() if verdict != "pass"} == affected
    assert {verdict for case, verdict in verdicts.items() if case in affected} == {"fail"}
    shown = subprocess.run(
        [sys.executable, "-m", "testbench", "diff", str(ok_session), str(flaw_session)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert shown.returncode == 1, shown.stderr  # a regression
    for case in affected:
        block = shown.stdout.split(f" {case} — ", 1)[1].split("\n\n", 1)[0]
        # the wrong lot amount: its lot file, record and columns; the wrong FSE total: its file and XPath
        assert "B : observé" in block and ".b2, enregistrement" in block and ", colonnes " in block, block
        assert ".xml, ligne " in block and "@amo" in block, block
