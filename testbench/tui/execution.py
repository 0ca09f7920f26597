"""Run chosen cases of a session from the workstation (no Textual; called in a worker thread).

``run_campaign`` runs a selection and resets the session's selection; at the workstation the
examiner picks one case, a filtered set or "the rest", each time as new attempts in the same
session, so this module drives the same parts (``record_casebooks``, ``assemble``, ``Runner``)
one case at a time and can stop between cases. The store connection is opened, used and closed in
the calling thread (SQLite connections stay in their thread).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from testbench.casebook.model import Case, Casebook
from testbench.domain.attestation import Operator
from testbench.runner.assemble import Bench, BenchOptions
from testbench.runner.campaign import INTERRUPTED, record_casebooks
from testbench.runner.events import CaseFinished, CaseStarted, Listener, RunEvent
from testbench.runner.runner import Runner
from testbench.runner.tracing import TraceRecorder
from testbench.store.session import SessionStore
from testbench.tui.operator_prompt import InteractiveOperator

#: Builds the bench (engine, card bay, guard) around the session's trace recorder.
BenchFactory = Callable[[TraceRecorder, Callable[[str], None]], Bench]


def assembled_bench(options: BenchOptions) -> BenchFactory:
    """The real bench, built exactly as ``testbench run`` builds it."""

    def factory(recorder: TraceRecorder, notify: Callable[[str], None]) -> Bench:
        from testbench.runner.assemble import assemble

        return assemble(options, recorder, notify=notify)

    return factory


@dataclass
class RunOutcome:
    run_id: int | None
    ran: int
    verdicts: dict[str, str] = field(default_factory=dict)  # case id -> verdict of this run
    stopped: bool = False


def run_cases(
    session: Path,
    casebooks: Sequence[Casebook],
    targets: Sequence[tuple[Casebook, Case]],
    *,
    bench_factory: BenchFactory,
    operator: Operator,
    listener: Listener | None = None,
    stop: threading.Event | None = None,
    options: dict[str, object] | None = None,
) -> RunOutcome:
    """Run ``targets`` in order as new attempts of ``session``; stop between cases when asked."""
    outcome = RunOutcome(run_id=None, ran=0)
    with SessionStore.open(session) as store:
        store.close_dangling_attempts(INTERRUPTED)
        record_casebooks(store, list(casebooks))
        if not store.selection():
            store.set_selection([(cb.sha256, c.id) for cb in casebooks for c in cb.cases])
        recorder = TraceRecorder(writer=store.add_trace_lines)
        if isinstance(operator, InteractiveOperator):
            operator.before_wait = recorder.flush
        bench = bench_factory(recorder, operator.notify)
        try:
            for note in bench.notes:
                operator.notify(note)
            run_id = store.begin_run(
                [*sys.argv[:1], "ui", *(c.id for _, c in targets)],
                {"origin": "ui", **(options or {})},
                {**bench.description, "notes": bench.notes},
            )
            outcome.run_id = run_id
            total = len(targets)

            for index, (casebook, case) in enumerate(targets):
                if stop is not None and stop.is_set():
                    outcome.stopped = True
                    break

                def renumber(event: RunEvent, index: int = index) -> None:
                    if listener is None:
                        return
                    if isinstance(event, CaseStarted):
                        event = CaseStarted(event.case, index, total, event.attempt_id)
                    elif isinstance(event, CaseFinished):
                        event = CaseFinished(event.case, index, total, event.outcome, event.attempt_id)
                        outcome.verdicts[event.case.id] = event.outcome.verdict.value
                    listener(event)

                runner = Runner(
                    store, bench.engine, bench.bay, recorder, operator=operator, guard=bench.guard, listener=renumber
                )
                runner.run(run_id, [(casebook, case)])
                outcome.ran += 1
            store.end_run(run_id)
        finally:
            bench.close()
    return outcome
