"""An expectation's ``step`` selects the value that step produced, when a case repeats an action (two
invoices, two lots, two returns): it used to read the last step's value for every expectation."""

from __future__ import annotations

from pathlib import Path

from fakes import FakeBay, FakeEngine, invoice_step, make_case, make_casebook, value

from testbench.domain.verdict import Verdict
from testbench.runner.campaign import record_casebooks
from testbench.runner.runner import Runner
from testbench.runner.tracing import TraceRecorder
from testbench.store.session import SessionStore


def _run(tmp_path: Path, case):
    cb = make_casebook((case,), tmp_path)
    store = SessionStore.open(tmp_path / "s.tbsession")
    record_casebooks(store, [cb])
    bay = FakeBay()
    recorder = TraceRecorder(writer=store.add_trace_lines)
    runner = Runner(store, FakeEngine(bay, trace=recorder.engine_sink), bay, recorder)
    try:
        (outcome,) = (o for _, o in runner.run(store.begin_run(["test"], {}, {}), [(cb, case)]).outcomes)
    finally:
        store.close()
    return outcome


def test_each_invoice_of_a_case_is_checked_against_its_own_values(tmp_path: Path) -> None:
    steps = (invoice_step("s1", quantity="4"), invoice_step("s2", quantity="2"))  # amo 33.60, then 16.80
    expectations = (
        value("e1", "invoice.totals.amo", "33.60", step="s1"),
        value("e2", "invoice.totals.amo", "16.80", step="s2"),
        value("e3", "invoice.totals.amo", "16.80"),  # without a step: the case's last value, as before
    )
    outcome = _run(tmp_path, make_case("TWO", steps, expectations))
    assert outcome.verdict is Verdict.PASS, outcome.reason


def test_a_value_the_step_did_not_produce_is_absent_not_a_later_steps(tmp_path: Path) -> None:
    second = invoice_step("s2")
    second.params["lines"] = second.params["lines"] * 2  # two lines; the first invoice has one
    steps = (invoice_step("s1"), second)
    expectations = (value("e1", "invoice.lines[1].amo", "33.60", step="s1"),)
    outcome = _run(tmp_path, make_case("ABSENT", steps, expectations))
    assert outcome.verdict is Verdict.FAIL and "valeur absente" in (outcome.reason or ""), outcome.reason
