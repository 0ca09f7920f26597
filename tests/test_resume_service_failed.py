"""A continued operator attempt keeps which of its finished steps met a téléservice that really failed: such a
step, refused TELESERVICE_UNAVAILABLE where the case expects an answer's refusal, stays « non concluant » after
``--resume`` instead of turning into the product's « échec » (the fact is in its STEP_REFUSED event)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from testbench.casebook.model import ExpectationKind, StepKind
from testbench.domain.events import EventKind
from testbench.runner.resume import continuation
from testbench.store.model import step_states


def _event(kind: str, step: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"kind": kind, "step_id": step, "data": data or {}}


def test_the_steps_whose_service_failed_come_back_with_the_attempt() -> None:
    steps = [SimpleNamespace(id=s, kind=StepKind.ACTION) for s in ("s-apcv", "s-adri", "s-invoice")]
    expectations = [
        SimpleNamespace(kind=ExpectationKind.REFUSAL, step="s-apcv"),
        SimpleNamespace(kind=ExpectationKind.REFUSAL, step="s-adri"),
    ]
    case = SimpleNamespace(steps=steps, expectations=expectations)
    events = [
        _event(EventKind.STEP_START, "s-apcv"),
        _event(EventKind.STEP_REFUSED, "s-apcv", {"code": "TELESERVICE_UNAVAILABLE", "service_failed": True}),
        _event(EventKind.STEP_START, "s-adri"),
        _event(EventKind.STEP_REFUSED, "s-adri", {"code": "TELESERVICE_UNAVAILABLE", "service_failed": False}),
        _event(EventKind.STEP_START, "s-invoice"),
    ]
    latest = SimpleNamespace(id=7, number=1, verdict="none", reason="arrêt demandé", run_id=1)
    view = SimpleNamespace(latest=latest, annotations=[], step_ids=[s.id for s in steps])
    session = SimpleNamespace(
        runs=[{"id": 1, "options": {"engine": "operator"}}],
        events=lambda _attempt: events,
        steps=lambda v, _a, evs: step_states(v.step_ids, evs),
        observations=lambda _attempt: [],
        trace_lines=lambda _attempt: [],
    )
    resumed = continuation(session, view, case, "operator")  # type: ignore[arg-type]
    assert resumed is not None and resumed.done == ("s-apcv", "s-adri")
    assert resumed.refusals == {"s-apcv": "TELESERVICE_UNAVAILABLE", "s-adri": "TELESERVICE_UNAVAILABLE"}
    assert resumed.services_failed == frozenset({"s-apcv"})


def test_a_session_written_before_the_flag_keeps_the_rule_it_was_judged_by() -> None:
    """Older sessions recorded no ``service_failed``: their service failure codes stay the service's failure
    (« non concluant » as when they were recorded), never the product's échec on --resume."""
    steps = [SimpleNamespace(id="s-adri", kind=StepKind.ACTION), SimpleNamespace(id="s-x", kind=StepKind.ACTION)]
    case = SimpleNamespace(steps=steps, expectations=[SimpleNamespace(kind=ExpectationKind.REFUSAL, step="s-adri")])
    events = [
        _event(EventKind.STEP_START, "s-adri"),
        _event(EventKind.STEP_REFUSED, "s-adri", {"code": "TELESERVICE_UNAVAILABLE"}),
        _event(EventKind.STEP_START, "s-x"),
    ]
    latest = SimpleNamespace(id=7, number=1, verdict="none", reason="arrêt demandé", run_id=1)
    view = SimpleNamespace(latest=latest, annotations=[], step_ids=["s-adri", "s-x"])
    session = SimpleNamespace(
        runs=[{"id": 1, "options": {"engine": "operator"}}],
        events=lambda _attempt: events,
        steps=lambda v, _a, evs: step_states(v.step_ids, evs),
        observations=lambda _attempt: [],
        trace_lines=lambda _attempt: [],
    )
    resumed = continuation(session, view, case, "operator")  # type: ignore[arg-type]
    assert resumed is not None and resumed.services_failed == frozenset({"s-adri"})
