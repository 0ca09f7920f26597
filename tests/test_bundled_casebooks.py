"""The bundled casebooks: valid together, at least the agrément scope's 250 cases, the generated ones equal
to their script's output, each case meaningful (its own inputs, its computation in its comment), and every
case passes on the demo bench: virtual cards through pcscd, the reference engine out of process."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

from testbench.casebook.loader import load_casebooks
from testbench.casebook.model import Case, ExpectationKind
from testbench.paths import CASEBOOKS_DIR
from testbench.runner.campaign import RunRequest, run_campaign
from testbench.runner.options import BenchOptions, CampaignOptions
from testbench.store.read import read_session

REPO = Path(__file__).resolve().parents[1]
BUNDLED = sorted(CASEBOOKS_DIR.glob("*.xml"))
#: written by scripts/make_bundled_casebooks.py from the hand-computed data in scripts/bundled_cases/
GENERATED = sorted([*CASEBOOKS_DIR.glob("psad-*.xml"), *CASEBOOKS_DIR.glob("nurse-*.xml")])
BUILT_TO_FAIL = {"DEMO-FSE-099"}  # the demo's case that shows what a failure looks like
_NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?")


def _generated_cases() -> list[Case]:
    return [case for casebook in load_casebooks(GENERATED) for case in casebook.cases]


def test_the_bundled_casebooks_load_together_and_hold_the_scope() -> None:
    casebooks = load_casebooks(BUNDLED)  # every problem of every file, and case ids unique across them
    count = sum(len(cb.cases) for cb in casebooks)
    assert count >= 250, count
    assert {p.name for p in GENERATED} >= {"psad-fse-securise.xml", "nurse-ngap.xml"}


def test_the_generated_casebooks_are_their_scripts_output() -> None:
    proc = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "make_bundled_casebooks.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr


def test_each_generated_case_shows_its_computation() -> None:
    """Every decimal the case expects, and every refusal code, is in the case's comment (the hand computation)."""
    missing = []
    for case in _generated_cases():
        comment = case.comment or ""
        numbers = {Decimal(n) for n in _NUMBER.findall(comment)}
        for exp in case.expectations:
            if exp.kind is ExpectationKind.REFUSAL and exp.code not in comment:
                missing.append(f"{case.id}: {exp.code}")
            elif exp.value_type == "decimal" and Decimal(exp.expected) not in numbers:  # the loader checked it parses
                missing.append(f"{case.id}: {exp.path} = {exp.expected}")
    assert not missing, missing


def test_generated_cases_have_distinct_inputs() -> None:
    seen: dict[str, str] = {}
    for case in _generated_cases():
        cards = [(c.slot, c.card) for c in case.cards]
        steps = [(step.action, step.params) for step in case.steps]
        signature = json.dumps([case.mode.value, cards, steps], sort_keys=True, default=list)
        assert signature not in seen, f"{case.id} has the inputs of {seen.get(signature)}"
        seen[signature] = case.id


@pytest.mark.integration
def test_every_bundled_case_passes_through_pcscd_and_the_out_of_process_engine(
    vpcd_lock: list[str], tmp_path: Path
) -> None:
    """On two benches when pcscd has two reader pairs (``--workers 2``, as scripts/pcscd.sh starts it): each case
    still goes through pcscd and an engine process, in a third of one bench's time (one bench's spare readers
    cost a remove and an insert per card)."""
    session = tmp_path / "bundled.tbsession"
    options = CampaignOptions(
        bench=BenchOptions(cards="pcsc", engine="reference"),
        attestations=CASEBOOKS_DIR / "demo-attestations.json",
        workers=2 if len(vpcd_lock) >= 4 else 1,
    )
    started = time.monotonic()
    result = run_campaign(RunRequest(casebooks=BUNDLED, session=session, options=options))
    elapsed = time.monotonic() - started
    with read_session(session) as view:
        environment = view.runs[-1]["environment"]
        verdicts = {c.case_id: (c.verdict, c.latest.reason if c.latest else "") for c in view.cases}
    assert "pcscd" in environment["cards"], environment["cards"]
    assert environment["engine"]["name"] == "testbench-reference", environment["engine"]
    for case_id in BUILT_TO_FAIL:
        assert verdicts.pop(case_id)[0] == "fail"
    failed = {case_id: v for case_id, v in verdicts.items() if v[0] != "pass"}
    assert not failed, failed
    assert len(result.final_verdicts) >= 250
    print(f"{len(result.final_verdicts)} cas en {elapsed:.1f} s")


def test_the_documentation_lists_every_bundled_casebook_with_its_count() -> None:
    text = (REPO / "docs" / "casebooks.md").read_text(encoding="utf-8")
    listed = {name: int(count) for name, count in re.findall(r"^\| `([\w.-]+\.xml)` \| (\d+) \|", text, re.M)}
    actual = {Path(cb.path).name: len(cb.cases) for cb in load_casebooks(BUNDLED)}
    assert listed == actual
    assert f"{sum(actual.values())} cases in all" in text
