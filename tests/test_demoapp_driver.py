"""The scripted operator turns operator mode's prompts into the demo application's commands, keying nothing;
``testbench demo --exam`` runs the exam casebook on the demo application through it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from testbench.casebook.loader import load_casebooks
from testbench.casebook.model import Case
from testbench.demoapp.driver import ScriptedOperator, start_demo_app
from testbench.domain.refusal import EngineRefusal
from testbench.engines.operator.mode import OperatorModeEngine
from testbench.paths import CASEBOOKS_DIR
from testbench.runner.actions import ActionContext, invoice_request
from testbench.runner.exits import EXIT_USAGE

EXAM = CASEBOOKS_DIR / "exam-demo.xml"


class RecordingApp:
    """Stands for the application's process: records each command, answers like the application."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def send(self, command: dict[str, Any]) -> dict[str, Any]:
        self.sent.append(command)
        if command["do"] == "create_invoice":
            return {"ok": True, "invoice_id": f"INV-{len(self.sent):09d}", "number": f"{len(self.sent):09d}"}
        return {"ok": True}


def _engine(app: Any) -> tuple[OperatorModeEngine, Case, dict[str, Any]]:
    """Operator mode on the first exam case, with the scripted operator attached, and its invoice request."""
    (casebook,) = load_casebooks([EXAM])
    case = casebook.cases[0]
    step = next(s for s in case.steps if s.action == "invoice")
    request = invoice_request(ActionContext(casebook, case, None, None, "T-1"), step)  # type: ignore[arg-type]
    engine = OperatorModeEngine(None)
    engine.attach_operator(ScriptedOperator(app))
    engine.begin_step(case, step)
    return engine, case, request


def test_each_engine_step_becomes_the_matching_command_and_no_value_is_keyed() -> None:
    app = RecordingApp()
    engine, _case, request = _engine(app)
    result = engine.create_invoice(request)
    assert app.sent[-1] == {"do": "create_invoice", "request": request}  # the request the bench would have sent
    assert "totals" not in result and "number" not in result  # nothing keyed: values must come from extraction
    engine.secure_invoice({"invoice_id": "whatever the bench calls it"})
    assert app.sent[-1] == {"do": "secure_invoice", "invoice_id": "INV-000000001"}  # the invoice on screen
    engine.build_lot({"invoice_ids": ["whatever"]})
    assert app.sent[-1] == {"do": "build_lot", "invoice_ids": ["INV-000000001"]}


def test_a_refusal_of_the_real_application_is_the_engine_steps_refusal(tmp_path: Path) -> None:
    with start_demo_app(tmp_path / "erp") as app:
        engine, _case, request = _engine(app)
        engine.create_invoice(request)
        assert list((tmp_path / "erp" / "out" / "fse").glob("FSE_*.xml"))  # the application did the work
        with pytest.raises(EngineRefusal) as refused:
            engine.build_lot({"invoice_ids": ["x"]})  # not secured: the application's engine refuses
    assert refused.value.code == "INVOICE_NOT_SECURED"


def test_manual_steps_go_to_the_fallback_operator() -> None:
    class Prepared:
        def perform(self, case: Any, step: Any) -> str:
            return f"attested {case.id}/{step.id}"

        def notify(self, message: str) -> None: ...

    (casebook,) = load_casebooks([EXAM])
    case = casebook.cases[0]
    operator = ScriptedOperator(RecordingApp(), Prepared())  # type: ignore[arg-type]
    assert operator.perform(case, case.steps[0]) == f"attested {case.id}/{case.steps[0].id}"
    assert ScriptedOperator(RecordingApp()).perform(case, case.steps[0]) is None  # nobody: the step waits


def test_flaw_without_exam_is_a_usage_error(tmp_path: Path) -> None:
    from testbench.cli.main import main

    assert main(["demo", "--flaw", "ald-rate", "--headless", "--output", str(tmp_path / "r")]) == EXIT_USAGE


def test_a_case_run_again_lots_only_the_invoices_of_its_new_attempt() -> None:
    app = RecordingApp()
    engine, _case, request = _engine(app)
    engine.create_invoice(request)
    engine.create_invoice({**request, "invoice_ref": "T-2-1"})  # the bench's prefix changes with the attempt
    engine.build_lot({"invoice_ids": []})
    assert app.sent[-1] == {"do": "build_lot", "invoice_ids": ["INV-000000002"]}
