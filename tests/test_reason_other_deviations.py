"""A failed case's reason names its first deviation and counts the others (« … (et 2 autres écarts) »).

The reason is what the run's output, the workstation, the exam report and the JUnit show of a failed
case: a reviewer must see that more than one expectation failed. It is recorded in French and read back
in English with the right singular or plural.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes import FakeBay, FakeEngine, invoice_step, make_case, make_casebook, value

from testbench.casebook.model import Expectation, ExpectationKind
from testbench.domain.verdict import Outcome, Verdict
from testbench.i18n import english
from testbench.report.junit import junit_tree
from testbench.runner.campaign import record_casebooks
from testbench.runner.events import CaseFinished
from testbench.runner.reasons import detail_lines, with_others
from testbench.runner.runner import Runner
from testbench.runner.tracing import TraceRecorder
from testbench.store.read import read_session
from testbench.store.session import SessionStore

FIRST_FR = "e1 : attendu 33,61\u00a0€, observé 33,60\u00a0€ (différent)"
FIRST_EN = "e1: expected €33.61, observed €33.60 (different)"


def run(tmp_path: Path, cases) -> tuple[dict[str, Outcome], Path]:
    cb = make_casebook(tuple(cases), tmp_path)
    store = SessionStore.open(tmp_path / "s.tbsession")
    record_casebooks(store, [cb])
    store.set_selection([(cb.sha256, c.id) for c in cb.cases])
    bay = FakeBay()
    recorder = TraceRecorder(writer=store.add_trace_lines)
    runner = Runner(store, FakeEngine(bay, trace=recorder.engine_sink), bay, recorder)
    summary = runner.run(store.begin_run(["test"], {}, {}), [(cb, c) for c in cb.cases])
    store.close()
    return {case.id: outcome for case, outcome in summary.outcomes}, tmp_path / "s.tbsession"


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Outcome], Path]:
    """The fake engine's invoice: 4 × 14.00, base 56.00, AMO 33.60 (line and total)."""
    amo = value("e1", "invoice.totals.amo", "33.61")  # fails: the reason names it
    base_ok, base_ko = value("e2", "invoice.lines[0].base", "56.00"), value("e2", "invoice.lines[0].base", "56.01")
    line_ko = value("e3", "invoice.lines[0].amo", "33.62")
    cases = [
        make_case("ONE", (invoice_step(),), (amo, base_ok)),
        make_case("TWO", (invoice_step(),), (amo, base_ko)),
        make_case("THREE", (invoice_step(),), (amo, base_ko, line_ko, value("e4", "invoice.totals.amo", "33.60"))),
        make_case("PASS", (invoice_step(),), (base_ok,)),
        # a refused step stops the case: its reason comes first; a deviation of a step it finished is counted,
        # not the expectations of the steps it never finished (they fail because it stopped: a value there
        # is not even evaluated, a refusal expected at a step never run fails)
        make_case(
            "STOPPED",
            (invoice_step("s1"), invoice_step(unit_price="5.50", plv="5.07"), invoice_step("s3")),
            (
                value("e1", "invoice.totals.amo", "33.61", step="s1"),
                value("e2", "invoice.totals.amo", "3.30", step="s2"),
                Expectation(id="r3", kind=ExpectationKind.REFUSAL, step="s3", code="PRICE_ABOVE_PLV"),
            ),
        ),
        make_case(
            "STOPPED-ALONE",
            (invoice_step(unit_price="5.50", plv="5.07"), invoice_step("s3")),
            (Expectation(id="r3", kind=ExpectationKind.REFUSAL, step="s3", code="PRICE_ABOVE_PLV"),),
        ),
    ]
    return run(tmp_path_factory.mktemp("deviations"), cases)


def test_the_reason_counts_the_other_failed_expectations_in_french(outcomes) -> None:
    by_case, _ = outcomes
    assert {cid: o.verdict for cid, o in by_case.items()} == {
        "ONE": Verdict.FAIL,
        "TWO": Verdict.FAIL,
        "THREE": Verdict.FAIL,
        "PASS": Verdict.PASS,
        "STOPPED": Verdict.FAIL,
        "STOPPED-ALONE": Verdict.FAIL,
    }
    assert by_case["ONE"].reason == FIRST_FR  # one failure: no count
    assert by_case["TWO"].reason == f"{FIRST_FR} (et 1 autre écart)"
    assert by_case["THREE"].reason == f"{FIRST_FR} (et 2 autres écarts)"
    assert by_case["PASS"].reason == ""
    assert by_case["STOPPED"].reason == (
        "étape s2 refusée par le moteur : PRICE_ABOVE_PLV prix au-delà du PLV (et 1 autre écart)"
    )
    assert by_case["STOPPED-ALONE"].reason == "étape s2 refusée par le moteur : PRICE_ABOVE_PLV prix au-delà du PLV"


def test_the_recorded_reason_reads_back_in_english_with_its_plural(outcomes) -> None:
    by_case, _ = outcomes
    assert english(by_case["ONE"].reason) == FIRST_EN
    assert english(by_case["TWO"].reason) == f"{FIRST_EN} (and 1 other deviation)"
    assert english(by_case["THREE"].reason) == f"{FIRST_EN} (and 2 other deviations)"
    assert english(by_case["STOPPED"].reason) == (  # the fake engine's own message is not the bench's
        "step s2 refused by the engine: PRICE_ABOVE_PLV prix au-delà du PLV (and 1 other deviation)"
    )


@pytest.mark.parametrize(
    ("lang", "two", "three"),
    [
        ("fr", f"{FIRST_FR} (et 1 autre écart)", f"{FIRST_FR} (et 2 autres écarts)"),
        ("en", f"{FIRST_EN} (and 1 other deviation)", f"{FIRST_EN} (and 2 other deviations)"),
    ],
    ids=["fr", "en"],
)
def test_the_session_and_the_junit_keep_the_count(outcomes, lang: str, two: str, three: str) -> None:
    _, session = outcomes
    with read_session(session) as view:
        assert {c.case_id: c.latest.reason for c in view.cases}["THREE"] == f"{FIRST_FR} (et 2 autres écarts)"
        tree = junit_tree(view, lang=lang)
    failures = {tc.get("name"): tc.find("failure") for tc in tree.getroot().iter("testcase")}
    assert failures["TWO"].get("message") == two  # the one line names the first, counts the others
    assert failures["THREE"].get("message") == three
    assert failures["ONE"].get("message") == failures["ONE"].text == (FIRST_FR if lang == "fr" else FIRST_EN)
    assert failures["PASS"] is None


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("fr", ("e{n} : attendu {e}\u00a0€, observé {o}\u00a0€ (différent)", "étape s2 refusée par le moteur : ")),
        ("en", ("e{n}: expected €{e}, observed €{o} (different)", "step s2 refused by the engine: ")),
    ],
    ids=["fr", "en"],
)
def test_the_junit_text_of_a_failure_lists_every_deviation_one_a_line(outcomes, lang: str, words) -> None:
    """Before: the ``<failure>``'s text repeated its one-line message, and a CI showed only the first deviation
    (« … (et 2 autres écarts) ») — the others were in the exam book alone."""
    _, session = outcomes
    value, refused = words
    with read_session(session) as view:
        tree = junit_tree(view, lang=lang)
    text = {
        tc.get("name"): (tc.find("failure").text if tc.find("failure") is not None else None)
        for tc in tree.getroot().iter("testcase")
    }
    first = value.format(n=1, e=_n("33.61", lang), o=_n("33.60", lang))
    assert text["TWO"].splitlines() == [first, value.format(n=2, e=_n("56.01", lang), o=_n("56.00", lang))]
    assert text["THREE"].splitlines() == [
        first,
        value.format(n=2, e=_n("56.01", lang), o=_n("56.00", lang)),
        value.format(n=3, e=_n("33.62", lang), o=_n("33.60", lang)),
    ]
    # the step's reason first (it names no deviation), then the deviations it counts: the one of the step the case
    # finished, not the expectations of the steps it never finished (they failed because it stopped)
    stopped = text["STOPPED"].splitlines()
    assert len(stopped) == 2 and stopped[0].startswith(refused) and stopped[1] == first, stopped
    assert text["STOPPED-ALONE"].splitlines() == [text["STOPPED-ALONE"]] and text["STOPPED-ALONE"].startswith(refused)


def _n(amount: str, lang: str) -> str:
    return amount if lang == "en" else amount.replace(".", ",")


def test_no_count_without_other_deviations() -> None:
    outcome = Outcome(Verdict.FAIL, FIRST_FR)
    assert with_others(outcome, 0) is outcome
    assert with_others(Outcome(Verdict.NONE), 2) == Outcome(Verdict.NONE)  # nothing to follow


def test_the_pytest_plugin_and_the_junit_list_the_same_deviations(tmp_path: Path) -> None:
    """The pytest plugin lists a case's deviations from what its runner just compared (``Runner.last_comparisons``),
    the JUnit from the session: the same lines, those the reason counts (a stopped case's too)."""
    cases = [
        make_case("THREE", (invoice_step(),), (value("e1", "invoice.totals.amo", "33.61"), value("e2", "x.y", "1"))),
        make_case(
            "STOPPED",
            (invoice_step("s1"), invoice_step(unit_price="5.50", plv="5.07"), invoice_step("s3")),
            (
                value("e1", "invoice.totals.amo", "33.61", step="s1"),
                value("e2", "invoice.totals.amo", "3.30", step="s2"),
                Expectation(id="r3", kind=ExpectationKind.REFUSAL, step="s3", code="PRICE_ABOVE_PLV"),
            ),
        ),
    ]
    cb = make_casebook(tuple(cases), tmp_path)
    store = SessionStore.open(tmp_path / "s.tbsession")
    record_casebooks(store, [cb])
    store.set_selection([(cb.sha256, c.id) for c in cb.cases])
    bay = FakeBay()
    recorder = TraceRecorder(writer=store.add_trace_lines)
    said: dict[str, list[str]] = {}
    runner = Runner(store, FakeEngine(bay, trace=recorder.engine_sink), bay, recorder)
    runner.listener = lambda event: (  # told once the case's verdict is committed, as the plugin is
        said.__setitem__(event.case.id, detail_lines(event.outcome.reason, runner.last_comparisons))
        if isinstance(event, CaseFinished)
        else None
    )
    runner.run(store.begin_run(["test"], {}, {}), [(cb, c) for c in cb.cases])
    store.close()
    with read_session(tmp_path / "s.tbsession") as view:
        tree = junit_tree(view, lang="fr")
    text = {tc.get("name"): tc.find("failure").text.splitlines() for tc in tree.getroot().iter("testcase")}
    assert said == text
    assert len(text["THREE"]) == 2 and len(text["STOPPED"]) == 2, text  # the step's reason, then e1
