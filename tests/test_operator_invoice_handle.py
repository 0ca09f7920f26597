"""Operator mode's invoice steps: the bench's handle on an invoice is never recorded as keyed by the operator,
the instructions name the invoice as the casebook does (case, step) or as the application numbered it, the
operator is asked only the values the case expects, and the profile's guidance and the bench's sentence stay
two sentences."""

from __future__ import annotations

import test_assisted_engine as assisted

from testbench.casebook.model import Case, Domain, Expectation, ExpectationKind, Mode, Step, StepKind
from testbench.domain.attestation import Attestation
from testbench.engines.operator.mode import BENCH, OperatorModeEngine, sentence
from testbench.i18n import translator


class _Keyer:
    """An operator that records the manual steps it is handed and keys ``values`` (by observation path)."""

    def __init__(self, values: dict[str, str] | None = None) -> None:
        self.steps: list[Step] = []
        self.values = values or {}

    def perform(self, case: object, step: Step) -> Attestation:
        self.steps.append(step)
        asked = {o.path for o in step.observe}
        return Attestation(True, "Camille", values={k: v for k, v in self.values.items() if k in asked})

    def notify(self, message: str) -> None:
        return None


def _case(*expectations: Expectation) -> Case:
    steps = (
        Step(id="s-invoice", kind=StepKind.ACTION, action="invoice"),
        Step(id="s-secure", kind=StepKind.ACTION, action="secure"),
        Step(id="s-lot", kind=StepKind.ACTION, action="build-lot"),
    )
    return Case("EXAM-1", "t", Domain.FSE, Mode.DEGRADE, "o", steps=steps, expectations=expectations)


def _expect(path: str, step: str = "s-invoice") -> Expectation:
    return Expectation(f"e-{path}", ExpectationKind.VALUE, step=step, path=path, expected="1")


def _run(case: Case, keyer: _Keyer) -> tuple[OperatorModeEngine, dict, dict]:
    engine = OperatorModeEngine()
    engine.attach_operator(keyer)
    engine.begin_step(case, case.steps[0])
    invoice = engine.create_invoice({"invoice_ref": "dee53dd6-1-1"})
    origins = engine.take_origins()
    engine.begin_step(case, case.steps[1])
    engine.secure_invoice({"invoice_id": invoice["invoice_id"]})
    engine.begin_step(case, case.steps[2])
    engine.build_lot({"invoice_ids": [invoice["invoice_id"]]})
    return engine, invoice, origins


def test_an_invoice_handle_the_bench_made_up_is_the_benchs_and_never_named_by_its_internal_reference() -> None:
    keyer = _Keyer()
    _, invoice, origins = _run(_case(_expect("invoice.totals.amo")), keyer)
    assert invoice["invoice_id"] == "dee53dd6-1-1"
    assert origins["invoice.invoice_id"] == (BENCH, None)  # never « operator »: nobody keyed it
    texts = [step.instruction for step in keyer.steps]
    assert all("dee53dd6" not in text for text in texts), texts
    assert texts[0].startswith("Saisissez la facture de l'étape s-invoice du cas EXAM-1 dans le logiciel"), texts
    assert texts[1].startswith("Sécurisez dans le logiciel la facture de l'étape s-invoice du cas EXAM-1. "), texts
    # one invoice in the lot: named by its step, as the securing step names it
    assert texts[2].startswith("Constituez dans le logiciel le lot de la facture de l'étape s-invoice du cas EXAM-1. ")
    english = [translator("en")(text) for text in texts]
    assert english[1].startswith("Secure, in the application, the invoice of step s-invoice of case EXAM-1. "), english
    assert english[2].startswith("Build, in the application, the lot of the invoice of step s-invoice of case EXAM-1. ")


def test_a_lot_of_several_unnumbered_invoices_names_the_cases_invoices() -> None:
    keyer = _Keyer()
    engine = OperatorModeEngine()
    engine.attach_operator(keyer)
    case = _case(_expect("invoice.totals.amo"))
    engine.begin_step(case, case.steps[0])
    first = engine.create_invoice({"invoice_ref": "dee53dd6-1-1"})["invoice_id"]
    second = engine.create_invoice({"invoice_ref": "dee53dd6-1-2"})["invoice_id"]
    engine.begin_step(case, case.steps[2])
    engine.build_lot({"invoice_ids": [first, second]})
    text = keyer.steps[-1].instruction
    assert text.startswith("Constituez dans le logiciel le lot des factures du cas EXAM-1. "), text
    english = translator("en")(text)
    assert english.startswith("Build, in the application, the lot of the invoices of case EXAM-1. "), english


def test_an_invoice_handle_from_its_number_has_the_numbers_origin_and_the_number_names_it() -> None:
    keyer = _Keyer({"invoice.number": "2"})
    engine, invoice, _ = _run(_case(_expect("invoice.number")), keyer)
    assert invoice["invoice_id"] == "2"
    assert keyer.steps[1].instruction.startswith("Sécurisez la facture 2 dans le logiciel. ")
    assert keyer.steps[2].instruction.startswith("Constituez dans le logiciel le lot de la facture 2. ")
    # the number read by an extractor: the handle has its source and provenance, not « operator »
    read = ("extraction", {"source": "app.log", "kind": "log", "excerpt": "FSE n°2"})
    engine.begin_step(_case(), _case().steps[0])
    engine._origins["invoice.number"] = read  # what assisted mode's merge leaves for the number it read
    engine.derived("invoice.invoice_id", "invoice.number")
    assert engine.take_origins()["invoice.invoice_id"] == read


def test_the_guidance_and_the_benchs_sentence_stay_two_sentences() -> None:
    class Guided(OperatorModeEngine):
        def instruction(self, prompt):
            return f"{prompt.instruction} Dans le logiciel : Facturation > Nouvelle FSE — saisir les actes puis Valider"

    keyer = _Keyer()
    engine = Guided()
    engine.attach_operator(keyer)
    case = _case(_expect("invoice.totals.amo"))
    engine.begin_step(case, case.steps[0])
    engine.create_invoice({"invoice_ref": "x"})
    assert "puis Valider. Puis reportez" in keyer.steps[0].instruction, keyer.steps[0].instruction
    assert sentence("Fait.") == "Fait." and sentence("") == ""


campaign = assisted.campaign  # the assisted campaign's fixture, run once for the module


def test_in_assisted_mode_the_handle_is_recorded_as_the_number_was_read(campaign) -> None:
    """Through a real assisted campaign (an XPath extractor reads the FSE's number): the session records
    ``invoice.invoice_id`` with the extraction's source and provenance, never as keyed by the operator."""
    session, _, _ = campaign
    observed = assisted._observations(session)["T-OK"]
    handle, number = observed["invoice.invoice_id"], observed["invoice.number"]
    assert handle["source"] == "extraction" and handle["provenance"] == number["provenance"], handle
