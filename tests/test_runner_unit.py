"""Runner behaviour with in-process fakes: verdicts, stop rules, history, traces in the session file."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from fakes import FakeBay, FakeEngine, invoice_step, make_case, make_casebook, value

from testbench.casebook.model import (
    CardRequirement,
    Expectation,
    ExpectationKind,
    Mode,
    Observe,
    Step,
    StepKind,
)
from testbench.domain.attestation import Attestation
from testbench.domain.observe import canonical, flatten, unflatten
from testbench.domain.verdict import Verdict
from testbench.runner.campaign import record_casebooks
from testbench.runner.runner import Runner
from testbench.runner.tracing import TraceRecorder
from testbench.store.read import read_session
from testbench.store.session import SessionStore


class Answers:
    def __init__(self, attestation: Attestation | None) -> None:
        self.attestation = attestation

    def perform(self, case, step):
        return self.attestation

    def notify(self, message: str) -> None:
        pass


def run(tmp_path: Path, cases, operator=None, engine_setup=None):
    cb = make_casebook(tuple(cases), tmp_path)
    store = SessionStore.open(tmp_path / "s.tbsession")
    record_casebooks(store, [cb])
    store.set_selection([(cb.sha256, c.id) for c in cb.cases])
    bay = FakeBay()
    recorder = TraceRecorder(writer=store.add_trace_lines)
    engine = FakeEngine(bay, trace=recorder.engine_sink)
    if engine_setup:
        engine_setup(engine, bay)
    runner = Runner(store, engine, bay, recorder, operator=operator)
    run_id = store.begin_run(["test"], {}, {})
    summary = runner.run(run_id, [(cb, c) for c in cb.cases])
    store.close()
    return summary, tmp_path / "s.tbsession", bay


def verdicts(summary) -> list[Verdict]:
    return [o.verdict for _, o in summary.outcomes]


def test_amounts_pass_and_fail_from_observations(tmp_path: Path) -> None:
    ok = make_case("OK", (invoice_step(),), (value("e1", "invoice.totals.amo", "33.60"),))
    ko = make_case("KO", (invoice_step(),), (value("e1", "invoice.totals.amo", "33.61"),))
    tol = make_case("TOL", (invoice_step(),), (value("e1", "invoice.totals.amo", "33.61", tolerance=Decimal("0.01")),))
    summary, session, _ = run(tmp_path, [ok, ko, tol])
    assert verdicts(summary) == [Verdict.PASS, Verdict.FAIL, Verdict.PASS]
    assert "attendu 33,61\u00a0€, observé 33,60\u00a0€" in summary.outcomes[1][1].reason
    with read_session(session) as view:
        case = next(c for c in view.cases if c.case_id == "KO")
        comp = view.comparisons(case.latest.id)[0]
        assert comp["expected"] == "33.61" and comp["observed"] == "33.60" and comp["outcome"] == "fail"


def test_expected_refusal_passes_and_unexpected_refusal_fails(tmp_path: Path) -> None:
    refusal = Expectation(id="r", kind=ExpectationKind.REFUSAL, step="s2", code="PRICE_ABOVE_PLV")
    expected = make_case("EXP", (invoice_step(unit_price="5.50", plv="5.07"),), (refusal,))
    unexpected = make_case("UNEXP", (invoice_step(unit_price="5.50", plv="5.07"),))
    accepted = make_case("ACC", (invoice_step(),), (refusal,))
    summary, _, _ = run(tmp_path, [expected, unexpected, accepted])
    assert verdicts(summary) == [Verdict.PASS, Verdict.FAIL, Verdict.FAIL]
    assert "PRICE_ABOVE_PLV" in summary.outcomes[1][1].reason
    assert "acceptée" in summary.outcomes[2][1].reason


def test_engine_crash_is_error_and_campaign_goes_on(tmp_path: Path) -> None:
    first = make_case("CRASH", (invoice_step(),), (value("e1", "invoice.totals.amo", "33.60"),))
    second = make_case("NEXT", (invoice_step(),), (value("e1", "invoice.totals.amo", "33.60"),))
    summary, _, _ = run(tmp_path, [first, second], engine_setup=lambda e, b: setattr(e, "crash_next", True))
    assert verdicts(summary) == [Verdict.ERROR, Verdict.PASS]
    assert "moteur en défaut (arrêt ou erreur interne)" in summary.outcomes[0][1].reason


def test_card_unavailable_is_inconclusive(tmp_path: Path) -> None:
    read = Step(id="s1", kind=StepKind.ACTION, action="read-vitale")
    case = make_case("PULL", (read,), mode=Mode.SECURISE, cards=(CardRequirement("vitale", "v1"),))
    summary, _, bay = run(tmp_path, [case], engine_setup=lambda e, b: setattr(b, "pull_on_transmit", True))
    assert verdicts(summary) == [Verdict.INCONCLUSIVE]
    assert "carte indisponible" in summary.outcomes[0][1].reason
    assert bay.released >= 1


def test_manual_step_pending_confirmed_rejected(tmp_path: Path) -> None:
    manual = Step(
        id="m1",
        kind=StepKind.MANUAL,
        instruction="Lire le total à l'écran",
        observe=(Observe("manual.total", "Total"),),
    )
    exp = (value("e1", "manual.total", "33.60"),)
    case = make_case("MAN", (invoice_step(), manual), exp)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "c").mkdir()
    pending, _, _ = run(tmp_path / "a", [case])
    assert verdicts(pending) == [Verdict.PENDING]
    confirmed, session, _ = run(
        tmp_path / "b", [case], Answers(Attestation(True, "alice", "vu", {"manual.total": "33.60"}))
    )
    assert verdicts(confirmed) == [Verdict.PASS]
    with read_session(session) as view:
        events = view.events(view.cases[0].latest.id)
        attested = [e for e in events if e["kind"] == "manual-attested"]
        assert attested and attested[0]["data"]["operator"] == "alice"
    rejected, _, _ = run(tmp_path / "c", [case], Answers(Attestation(False, "alice", "montant faux")))
    assert verdicts(rejected) == [Verdict.FAIL]
    assert "montant faux" in rejected.outcomes[0][1].reason


def test_manual_value_at_a_nested_path_is_found_by_its_expectation(tmp_path: Path) -> None:
    """An attested ``manual.lines[0].amo`` is addressed like an engine's ``invoice.lines[0].amo``."""
    manual = Step(
        id="m1",
        kind=StepKind.MANUAL,
        instruction="Lire les montants de chaque ligne",
        observe=(Observe("manual.lines[0].amo", "AMO ligne 1"), Observe("manual.lines[1].amo", "AMO ligne 2")),
    )
    exp = (value("e1", "manual.lines[0].amo", "33.60"), value("e2", "manual.lines[1].amo", "12.00"))
    attested = {"manual.lines[0].amo": "33.60", "manual.lines[1].amo": "12.00", "manual.total": "45.60"}
    summary, session, _ = run(
        tmp_path, [make_case("NEST", (invoice_step(), manual), exp)], Answers(Attestation(True, "alice", "", attested))
    )
    assert verdicts(summary) == [Verdict.PASS], summary.outcomes[0][1].reason
    with read_session(session) as view:
        observed = {c["expectation_id"]: c["observed"] for c in view.comparisons(view.cases[0].latest.id)}
    assert observed == {"e1": "33.60", "e2": "12.00"}


def test_unflatten_inverts_flatten_and_survives_disagreeing_paths() -> None:
    tree = {"invoice": {"lines": [{"amo": "1"}, {"amo": "2"}], "totals": {"amo": "3"}, "refs": []}}
    assert unflatten(flatten(tree)) == tree
    assert canonical({"manual": {"lines[1]": {"amo": "2"}}}) == {"manual": {"lines": [None, {"amo": "2"}]}}
    assert unflatten({"a": "1", "a.b": "2", "c[0]": "x", "c.d": "y"}) == {"a": {"b": "2"}, "c": {"d": "y"}}


def test_trace_expectations_read_the_case_traces(tmp_path: Path) -> None:
    present = Expectation(id="t1", kind=ExpectationKind.TRACE, step="s2", channel="engine", pattern=r"create_invoice")
    absent = Expectation(id="t2", kind=ExpectationKind.TRACE, channel="engine", pattern=r"ERROR", absent=True)
    missing = Expectation(id="t3", kind=ExpectationKind.TRACE, channel="engine", pattern=r"never-there")
    good = make_case("TR", (invoice_step(),), (present, absent))
    bad = make_case("TR2", (invoice_step(),), (missing,))
    summary, session, _ = run(tmp_path, [good, bad])
    assert verdicts(summary) == [Verdict.PASS, Verdict.FAIL]
    with read_session(session) as view:
        lines = view.trace_lines(view.cases[0].latest.id)
        channels = {line.channel for line in lines}
        assert {"bench", "engine"} <= channels
        engine_lines = [line for line in lines if line.channel == "engine"]
        assert engine_lines[0].step_id == "s2"


def test_documents_become_hashed_artifacts(tmp_path: Path) -> None:
    case = make_case("DOC", (invoice_step(),))
    _, session, _ = run(tmp_path, [case])
    with read_session(session) as view:
        arts = view.artifacts(view.cases[0].latest.id)
        assert arts and arts[0]["name"].startswith("fse-DOC")
        import hashlib

        assert hashlib.sha256(view.artifact_data(arts[0]["sha256"])).hexdigest() == arts[0]["sha256"]
        obs = {o["path"]: o["value"] for o in view.observations(view.cases[0].latest.id)}
        assert obs["invoice.fse_sha256"] == arts[0]["sha256"]


@pytest.mark.parametrize("missing_path", ["invoice.totals.nope", "invoice.lines[9].amo"])
def test_missing_observation_fails_with_the_path(tmp_path: Path, missing_path: str) -> None:
    case = make_case("MISS", (invoice_step(),), (value("e1", missing_path, "1"),))
    summary, _, _ = run(tmp_path, [case])
    assert verdicts(summary) == [Verdict.FAIL]
    assert "valeur absente" in summary.outcomes[0][1].reason


def test_failing_amount_diff_carries_expected_observed_tolerance_and_rules(tmp_path: Path) -> None:
    """The structured diff names everything a reviewer needs; a rule that normalised both sides is listed."""
    number = value("e-num", "invoice.lines[0].base", " 56.00\n", value_type="string", normalize=("trim",))
    amount = value("e-amo", "invoice.totals.amo", "33.50", tolerance=Decimal("0.05"), normalize=("trim",))
    summary, session, _ = run(tmp_path, [make_case("DIFF", (invoice_step(),), (number, amount))])
    assert verdicts(summary) == [Verdict.FAIL]
    with read_session(session) as view:
        by_id = {c["expectation_id"]: c for c in view.comparisons(view.cases[0].latest.id)}
    assert by_id["e-num"]["outcome"] == "pass" and by_id["e-num"]["rules"] == ["trim"]
    failed = by_id["e-amo"]
    assert (failed["expected"], failed["observed"], failed["tolerance"]) == ("33.50", "33.60", "0.05")
    assert failed["rules"] == ["trim"] and failed["outcome"] == "fail"
    assert "écart 0,10\u00a0€ > tolérance 0,05\u00a0€" in failed["message"]
