"""A step that stopped its case reads as the verdict it carries: « en erreur » under an error, « non concluante »
under an inconclusive verdict, « en défaut » only under a failure — in the report and the workstation alike
(audit 10 A, finding 10)."""

from __future__ import annotations

import json
from pathlib import Path

from fakes import FakeBay, FakeEngine, invoice_step, make_case, make_casebook, value

from testbench.domain.events import EventKind
from testbench.report.build import build_report
from testbench.runner.campaign import record_casebooks
from testbench.runner.events import RunEvent, StepFinished
from testbench.runner.runner import Runner
from testbench.runner.tracing import TraceRecorder
from testbench.store.model import STEP_STATUSES, step_states
from testbench.store.session import SessionStore
from testbench.tui.render import STEP_MARKS, STEP_WORDS


def failed(verdict: str) -> dict[str, object]:
    return {"step_id": "s1", "kind": EventKind.STEP_FAILED, "data": {"verdict": verdict, "reason": "x"}, "wall": 0.0}


def test_the_read_model_gives_a_stopped_step_the_status_of_its_verdict() -> None:
    statuses = {v: step_states(["s1"], [failed(v)])[0].status for v in ("fail", "error", "inconclusive")}
    assert statuses == {"fail": "failed", "error": "error", "inconclusive": "inconclusive"}
    assert {"error", "inconclusive"} <= set(STEP_STATUSES)


def test_an_engine_crash_under_an_error_verdict_reads_en_erreur_in_the_report_and_the_run_log(tmp_path: Path) -> None:
    cb = make_casebook((make_case("C-1", (invoice_step(),), (value("e1", "invoice.totals.amo", "33.60"),)),), tmp_path)
    session, events = tmp_path / "s.tbsession", []
    with SessionStore.open(session) as store:
        record_casebooks(store, [cb])
        store.set_selection([(cb.sha256, "C-1")])
        bay = FakeBay()
        recorder = TraceRecorder(writer=store.add_trace_lines)
        engine = FakeEngine(bay, trace=recorder.engine_sink)
        engine.crash_next = True  # the bench's own engine: its crash is an error, not the product's failure

        def listen(event: RunEvent) -> None:
            events.append(event)

        run_id = store.begin_run(["run"], {}, {})
        summary = Runner(store, engine, bay, recorder, listener=listen).run(run_id, [(cb, cb.case("C-1"))])
        store.end_run(run_id)
    assert summary.outcomes[0][1].verdict.value == "error"
    (finished,) = [e for e in events if isinstance(e, StepFinished)]
    assert finished.status == "error"  # what the workstation's run log shows, with its word and mark
    assert STEP_WORDS[finished.status] == "en erreur" and STEP_MARKS[finished.status] == "!"
    assert set(STEP_STATUSES) - {"not-run"} <= set(STEP_WORDS)
    folder = build_report(session, tmp_path / "rep").folder
    (case,) = json.loads((folder / "report.json").read_text(encoding="utf-8"))["cases"]
    assert case["steps"][0]["status"] == "error" and "moteur en défaut" in case["steps"][0]["detail"]
    html = (folder / "index.html").read_text(encoding="utf-8")
    assert "en erreur — moteur en défaut" in html and "en défaut — moteur" not in html
