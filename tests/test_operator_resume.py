"""An operator attempt killed at its third step continues there with ``testbench run --resume``.

A real ``testbench run`` in assisted operator mode (a child process, a real session file, the real capture):
the operator's answers come from a prepared attestations file; the invoice and the securing are done and
recorded, then the bench waits for the application's lot at the third step and the process is killed
(SIGKILL). ``run --resume`` continues the same attempt at step 3: the steps already recorded (their
attestations and the values keyed) are kept and counted once, not asked again; the session holds one
attempt, its steps in order, the resumption noted (event and trace), its journal intact; the exam book
shows one attempt and the « reprise » line. A case whose attempt was left pending (nobody to answer its
third step) continues the same way.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from testbench.integrity.verify import verify_session
from testbench.report.build import BuildOptions, build_report
from testbench.store.read import read_session

REPO = Path(__file__).resolve().parents[1]
PROFILE = """
[product]
name = "Appli de test"

[outputs]
lots = "out/lots"

[[extractors]]
name = "lot"
kind = "fixed"
applies_to = ["build_lot"]
files = "lots"
encoding = "ascii"
closing = "999"
[[extractors.records]]
type = "190"
fields = [{ name = "numero", start = 4, length = 6, type = "text" }]
[extractors.fields]
"190.numero" = "lot.number"
"""

CASEBOOK = """<?xml version="1.0" encoding="UTF-8"?>
<casebook xmlns="urn:testbench:casebook:1" format-version="1">
  <identity>
    <plan-id>TB-RESUME</plan-id><evolution>EV000</evolution><document-version>01.00</document-version>
    <effective-date>2026-01-01</effective-date><cdc-version>1.40</cdc-version><addendum>8</addendum>
    <ps-category>fournisseur-lpp</ps-category><title>operator attempt continued</title>
  </identity>
  <fixtures>
    <card id="cps-psad" profile="cards/cps3-psad-lpp.xml"/>
    <patient id="p">
      <right name="nir" value="299990000000042"/><right name="name" value="PATIENTE TEST"/>
      <right name="birth-date" value="1970-09-09"/><right name="regime" value="01"/>
      <right name="rights-start" value="2024-01-01"/><right name="rights-end" value="2030-12-31"/>
    </patient>
  </fixtures>
  <cases>
    <case id="R-1" domain="fse" mode="degrade" tags="lpp">
      <title>R-1</title>
      <objective>continued</objective>
      <cards><card slot="cps" ref="cps-psad"/></cards>
      <steps>
        <invoice id="s-invoice" patient="p" care-date="2026-01-12" tiers-payant="amo">
          <line nomenclature="LPP" code="1241763" quantity="4" unit-price="14.00"/>
        </invoice>
        <secure id="s-secure"/>
        <build-lot id="s-lot"/>
      </steps>
      <expectations>
        <value id="e-amo" step="s-invoice" path="invoice.totals.amo" type="decimal" expected="33.60"/>
        <value id="e-status" step="s-secure" path="secure.status" expected="secured"/>
      </expectations>
    </case>
  </cases>
</casebook>
"""

ANSWERS = {
    "operator": "Camille",
    "R-1/s-invoice": {"confirmed": True, "values": {"invoice.totals.amo": "33.60"}, "note": "lu à l'écran"},
    "R-1/s-secure": {"confirmed": True, "values": {"secure.status": "secured"}},  # keyed: no extractor reads it
    "R-1/s-lot": {"confirmed": True},
}


def _bench(tmp_path: Path, answers: dict) -> tuple[Path, list[str]]:
    app = tmp_path / "app"
    (app / "out" / "lots").mkdir(parents=True)
    (app / "sut.toml").write_text(PROFILE, encoding="utf-8")
    (tmp_path / "cards").mkdir()
    shutil.copy(REPO / "casebooks" / "cards" / "cps3-psad-lpp.xml", tmp_path / "cards")
    book = tmp_path / "resume.xml"
    book.write_text(CASEBOOK, encoding="utf-8")
    attestations = tmp_path / "attestations.json"
    attestations.write_text(json.dumps(answers), encoding="utf-8")
    session = tmp_path / "s.tbsession"
    argv = [sys.executable, "-m", "testbench", "run", str(book), "--session", str(session), "--cards", "inprocess"]
    argv += ["--engine", "operator", "--sut-profile", str(app / "sut.toml"), "--attestations", str(attestations)]
    return session, argv


def _events(session: Path, kind: str) -> list[tuple[int, str | None, dict]]:
    try:
        conn = sqlite3.connect(f"file:{session}?mode=ro", uri=True)
    except sqlite3.OperationalError:  # not created yet
        return []
    try:
        rows = conn.execute("SELECT attempt_id, step_id, data FROM events WHERE kind = ? ORDER BY id", (kind,))
        return [(a, s, json.loads(d)) for a, s, d in rows]
    except sqlite3.OperationalError:  # being created
        return []
    finally:
        conn.close()


def _check_continued(session: Path, tmp_path: Path) -> None:
    """One attempt, its steps in order and done, the two first attested once, the resumption at step 3 noted."""
    with read_session(session) as view:
        (case,) = view.cases
        (attempt,) = case.attempts
        assert (attempt.number, attempt.verdict) == (1, "pass"), attempt
        states = view.steps(case)
        assert [(s.id, s.status) for s in states] == [("s-invoice", "done"), ("s-secure", "done"), ("s-lot", "done")]
        observed = {o["path"]: o for o in view.observations(attempt.id)}
    assert observed["invoice.totals.amo"]["value"] == "33.60"
    attested = [step for _a, step, _d in _events(session, "manual-attested")]
    assert attested.count("s-invoice") == 1 and attested.count("s-secure") == 1, attested
    starts = [step for _a, step, _d in _events(session, "step-start")]
    assert starts.count("s-invoice") == 1 and starts.count("s-secure") == 1, starts  # not run again
    ((attempt_id, _step, data),) = _events(session, "attempt-resumed")
    assert (attempt_id, data["position"], data["step"]) == (attempt.id, 3, "s-lot")
    assert data["done"] == ["s-invoice", "s-secure"]
    assert verify_session(session).ok, verify_session(session).lines()
    built = build_report(session, tmp_path / "report", BuildOptions(junit=False))
    report = json.loads((built.folder / "report.json").read_text(encoding="utf-8"))
    (book_case,) = report["cases"]
    assert [a["number"] for a in book_case["attempts"]] == [1]
    assert [(s["id"], s["status"]) for s in book_case["steps"]] == [
        ("s-invoice", "done"),
        ("s-secure", "done"),
        ("s-lot", "done"),
    ]
    texts = [line["text"] for line in book_case["trace"]["excerpt"]]
    assert any("tentative 1 reprise à l'étape 3 (s-lot)" in text for text in texts), texts
    # each expectation once, as the attempt's final end compared it (its first end's « non exécuté » rows
    # stay in the journal, not in the book)
    compared = [(c["expectation_id"], c["outcome"]) for c in book_case["comparisons"]]
    assert len(compared) == len({e for e, _ in compared}) and {o for _, o in compared} == {"pass"}, compared


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX's")
def test_an_operator_attempt_killed_at_step_3_continues_there_with_run_resume(tmp_path: Path) -> None:
    session, argv = _bench(tmp_path, ANSWERS)
    env = {**os.environ, "TESTBENCH_LANG": "fr"}
    # the bench waits up to 60 s for the application's lot at s-lot: killed during that wait
    first = subprocess.Popen([*argv, "--engine-timeout", "60"], env=env, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not any(step == "s-lot" for _a, step, _d in _events(session, "manual-attested")):
            assert first.poll() is None, first.stderr.read().decode() if first.stderr else ""
            assert time.monotonic() < deadline, "the run never reached s-lot"
            time.sleep(0.05)
        os.kill(first.pid, signal.SIGKILL)
    finally:
        first.wait(10)
    assert first.returncode == -signal.SIGKILL

    resumed = subprocess.run(
        [*argv, "--resume", "--engine-timeout", "0.3"], env=env, capture_output=True, text=True, timeout=120
    )
    assert resumed.returncode == 0, resumed.stderr
    assert "R-1 : la tentative 1 continue à l'étape 3 ; ses étapes déjà faites (s-invoice, s-secure) sont gardées" in (
        resumed.stderr
    )
    _check_continued(session, tmp_path)


def test_an_operator_attempt_left_pending_continues_with_run_resume(tmp_path: Path) -> None:
    session, argv = _bench(tmp_path, {k: v for k, v in ANSWERS.items() if k != "R-1/s-lot"})
    env = {**os.environ, "TESTBENCH_LANG": "en"}
    first = subprocess.run([*argv, "--engine-timeout", "0.3"], env=env, capture_output=True, text=True, timeout=120)
    assert first.returncode == 2, first.stderr  # s-lot pending: nobody to answer it
    (session.parent / "attestations.json").write_text(json.dumps(ANSWERS), encoding="utf-8")
    resumed = subprocess.run(
        [*argv, "--resume", "--engine-timeout", "0.3"], env=env, capture_output=True, text=True, timeout=120
    )
    assert resumed.returncode == 0, resumed.stderr
    assert "R-1: attempt 1 goes on at step 3; its steps already done (s-invoice, s-secure) are kept" in resumed.stderr
    _check_continued(session, tmp_path)


def test_another_engine_starts_the_case_again(tmp_path: Path) -> None:
    """Only operator attempts continue: the reference engine's state of an attempt is gone with its process."""
    from testbench.runner.resume import continuation

    session, argv = _bench(tmp_path, {k: v for k, v in ANSWERS.items() if k != "R-1/s-lot"})
    first = subprocess.run([*argv, "--engine-timeout", "0.3"], capture_output=True, text=True, timeout=120)
    assert first.returncode == 2, first.stderr
    from testbench.casebook.loader import load_casebook

    (case,) = load_casebook(tmp_path / "resume.xml").cases
    with read_session(session) as view:
        assert continuation(view, view.cases[0], case, "operator") is not None
        assert continuation(view, view.cases[0], case, "reference") is None
