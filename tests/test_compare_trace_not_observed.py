"""A trace expectation about a step that never completed (the engine crashed mid-case) is not observed
(« none »), as that step's value expectations are: never failed for lines the step could not write."""

from __future__ import annotations

from testbench.casebook.model import Expectation, ExpectationKind
from testbench.domain.verdict import Verdict
from testbench.i18n import translator
from testbench.runner.compare import evaluate
from testbench.traces.model import TraceLine


def _trace(step: str | None, pattern: str = "FSE", absent: bool = False) -> Expectation:
    return Expectation(id="t", kind=ExpectationKind.TRACE, step=step, channel="engine", pattern=pattern, absent=absent)


def _line(step: str, text: str) -> TraceLine:
    return TraceLine(channel="engine", mono_ns=1, wall=0.0, text=text, step_id=step)


def _value(step: str) -> Expectation:
    return Expectation(id="v", kind=ExpectationKind.VALUE, step=step, path="invoice.totals.amo", expected="33.60")


def test_a_trace_of_a_step_that_never_completed_is_not_observed_like_its_values() -> None:
    value, trace = evaluate([_value("s-invoice"), _trace("s-invoice")], {}, {}, ["s-cps"], [], finished=["s-cps"])
    assert value.outcome is Verdict.NONE and trace.outcome is Verdict.NONE
    assert trace.message == "ligne non observée : l'étape s-invoice n'a pas abouti"
    assert translator("en")(trace.message) == "line not observed: step s-invoice did not complete"
    (forbidden,) = evaluate([_trace("s-invoice", absent=True)], {}, {}, [], [], finished=[])
    assert forbidden.outcome is Verdict.NONE  # its absence is not shown by a step that did not run to its end
    (whole,) = evaluate([_trace(None)], {}, {}, [], [], finished=["s-cps"])
    assert whole.outcome is Verdict.NONE and whole.message == "ligne non observée : le cas s'est arrêté avant"


def test_what_a_cut_step_did_write_still_counts() -> None:
    lines = [_line("s-invoice", "FSE 1 construite")]
    (wanted,) = evaluate([_trace("s-invoice")], {}, {}, [], lines, finished=[])
    (forbidden,) = evaluate([_trace("s-invoice", absent=True)], {}, {}, [], lines, finished=[])
    assert wanted.outcome is Verdict.PASS and forbidden.outcome is Verdict.FAIL
    (finished,) = evaluate([_trace("s-invoice")], {}, {}, ["s-invoice"], [], finished=["s-invoice"])
    assert finished.outcome is Verdict.FAIL and finished.message == "aucune ligne ne correspond à l'étape s-invoice"
    (whole_run,) = evaluate([_trace("s-invoice")], {}, {}, ["s-invoice"], [])  # the case ran to its end
    assert whole_run.outcome is Verdict.FAIL
