"""OperatorEngine: prompts reach the callback, answers become results, new output files are captured."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.casebook.model import Case, Domain, Expectation, ExpectationKind, Mode, Step, StepKind
from testbench.domain.attestation import Attestation
from testbench.domain.refusal import EngineRefusal
from testbench.engines.api import Engine, EngineUnavailable
from testbench.engines.operator.engine import CAPTURED, OperatorEngine, OperatorPrompt
from testbench.engines.operator.mode import OperatorModeEngine
from testbench.i18n import translator


def test_invoice_prompt_and_fse_file_captured(tmp_path: Path) -> None:
    (tmp_path / "old.xml").write_text("<old/>", "utf-8")
    prompts: list[OperatorPrompt] = []

    def operator(prompt: OperatorPrompt) -> dict:
        prompts.append(prompt)
        (tmp_path / "FSE-000123.xml").write_text("<fse numero='000123'/>", "utf-8")  # the LPS writes its FSE
        return {"number": "000123", "totals": {"amo": "33.60"}}

    engine = OperatorEngine(operator, tmp_path, file_wait=1, poll=0.01)
    assert isinstance(engine, Engine)
    result = engine.create_invoice({"invoice_ref": "C1-1", "lines": []})
    assert "C1-1" in prompts[0].instruction and "totals.amo" in prompts[0].expects
    assert result[CAPTURED] == [("FSE-000123.xml", b"<fse numero='000123'/>")]  # the file as written, by name
    assert result["invoice_id"] == "000123"


def test_lot_without_new_file_waits_then_goes_on(tmp_path: Path) -> None:
    engine = OperatorEngine(lambda p: {"number": "7", "invoice_count": 1}, tmp_path, file_wait=0.05, poll=0.01)
    assert CAPTURED not in engine.build_lot({"invoice_ids": ["a"]})


def test_refusal_and_abandon() -> None:
    refusing = OperatorEngine(lambda p: {"refusal": "PRICE_ABOVE_PLV", "message": "refusé par le logiciel"})
    with pytest.raises(EngineRefusal) as info:
        refusing.create_invoice({"invoice_ref": "x"})
    assert info.value.code == "PRICE_ABOVE_PLV"
    with pytest.raises(EngineUnavailable):
        OperatorEngine(lambda p: None).read_vitale("vitale")


def test_every_engine_call_has_its_instruction_with_the_requests_values() -> None:
    """Each call's prompt is written from its request (the e-prescription's number included: it once raised a
    KeyError, and the step ended as a bench fault instead of asking the operator)."""
    prompts: list[OperatorPrompt] = []
    engine = OperatorEngine(lambda p: prompts.append(p) or {"status": "ok"})
    engine.eprescription_fetch({"number": "RX-0042"})
    engine.read_returns({"scenario": "rejet-nir"})
    assert "RX-0042" in prompts[0].instruction and "rejet-nir" in prompts[1].instruction


class _Keyer:
    """An operator that records the manual step operator mode hands it, and keys nothing."""

    def __init__(self) -> None:
        self.steps: list = []

    def perform(self, case: object, step: object) -> Attestation:
        self.steps.append(step)
        return Attestation(True, "Camille")

    def notify(self, message: str) -> None:
        return None


@pytest.mark.parametrize("keyed", [True, False])
def test_the_operator_is_asked_to_report_values_only_when_there_are_some_to_key(keyed: bool) -> None:
    """Assisted mode reads an invoice's number and amounts itself: the instruction then says what to do in the
    application and nothing about reporting; with fields to key, it asks to report what the application shows."""

    class Engine(OperatorModeEngine):
        def keyed_fields(self, prompt: OperatorPrompt) -> tuple[tuple[str, str], ...]:
            return super().keyed_fields(prompt) if keyed else ()

    keyer = _Keyer()
    engine = Engine()
    engine.attach_operator(keyer)
    amo = Expectation("e-amo", ExpectationKind.VALUE, step="s-invoice", path="invoice.totals.amo", expected="1")
    case = Case(id="C1", domain=Domain.FSE, mode=Mode.SECURISE, title="t", objective="o", expectations=(amo,))
    engine.begin_step(case, Step(id="s-invoice", kind=StepKind.ACTION, action="invoice"))
    engine.create_invoice({"invoice_ref": "C1-1"})
    step = keyer.steps[0]
    assert step.instruction.startswith("Saisissez la facture de l'étape s-invoice du cas C1 dans le logiciel")
    assert ("reportez" in step.instruction) is keyed and bool(step.observe) is keyed, step.instruction
    english = translator("en")(step.instruction)
    assert english.startswith("Enter the invoice of step s-invoice of case C1 in the application and validate"), english
    assert ("report below" in english) is keyed and "Saisissez" not in english


def test_a_file_written_in_parts_is_captured_whole(tmp_path: Path) -> None:
    """The application writes its FSE in two parts: the evidence is the whole file, not its first half (the
    capture waits for the size to hold still)."""
    import threading
    import time

    whole = b"<fse numero='000123'>" + b"<ligne/>" * 50 + b"</fse>"

    def operator(prompt: OperatorPrompt) -> dict:
        target = tmp_path / "FSE-000123.xml"
        target.write_bytes(whole[:20])

        def rest() -> None:
            time.sleep(0.1)
            with target.open("ab") as f:
                f.write(whole[20:])

        threading.Thread(target=rest).start()
        return {"number": "000123"}

    engine = OperatorEngine(operator, tmp_path, file_wait=3, poll=0.02)
    result = engine.create_invoice({"invoice_ref": "C1-1", "lines": []})
    assert result[CAPTURED] == [("FSE-000123.xml", whole)]
