"""Assisted operator mode: what the application writes belongs to the step (and the case) it wrote it for.

A stand-in application writes real files and a real log; the bench reads them through the profile, the real
capture and the real store (audit s25). Checked:

- a file an earlier case left half written, finished during a later case's step, is not that step's output
  (no conflict, no value of the earlier case), and the step says why it was skipped;
- a lot the application writes again at each step (a file finished when the step began) is still read;
- an FSE still cut short when the wait ended reads « sortie du logiciel incomplète », as a lot never closed;
- the application's log line following a step the operator rejected lands in that step, in the run's last case
  too;
- a new file seen then gone says so as the reason of its missing value;
- an operator's correction is recorded as an extracted amount is (« 30,00 » → 30.00).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_assisted_outputs import (
    FSE_EXTRACTOR,
    HEAD,
    LOG_EXTRACTORS,
    LOT_EXTRACTOR,
    Application,
    _folder,
    case,
    fse,
    later,
    log,
    lot,
    observed,
    reason,
)

from testbench.casebook.loader import load_casebook
from testbench.domain.attestation import Attestation
from testbench.runner.campaign import Campaign
from testbench.runner.options import BenchOptions, CampaignOptions
from testbench.store.read import read_session


def run(tmp_path: Path, profile: str, operator: Application, *ids: str, lot_too: bool = False) -> Path:
    """The campaign of ``ids`` with ``operator`` at the application (2 s engine timeout); the session."""
    app, book = _folder(tmp_path, profile, "".join(case(i, lot_too) for i in ids))
    operator.root = app
    casebook = load_casebook(book)
    session = tmp_path / "s.tbsession"
    options = CampaignOptions(
        BenchOptions(cards="inprocess", engine="operator", engine_timeout=2.0, sut_profile=app / "sut.toml")
    )
    Campaign([casebook], session, options, operator=operator).run_selection([(casebook, c) for c in casebook.cases])
    return session


def step_end(session: Path, case_id: str, step_id: str) -> dict[str, Any]:
    with read_session(session) as view:
        attempt = next(c for c in view.cases if c.case_id == case_id).latest
        return next(e for e in view.events(attempt.id) if e["kind"] == "step-end" and e["step_id"] == step_id)["data"]


def app_lines(session: Path, case_id: str) -> list[tuple[str | None, str]]:
    with read_session(session) as view:
        attempt = next(c for c in view.cases if c.case_id == case_id).latest
        return [(line.step_id, line.text) for line in view.trace_lines(attempt.id, "app")]


def test_a_file_an_earlier_case_left_half_written_is_not_read_as_a_later_steps_output(tmp_path: Path) -> None:
    fse_dir = tmp_path / "app" / "out" / "fse"
    first, second = fse_dir / "FSE_F0001.xml", fse_dir / "FSE_F0002.xml"
    half = fse("33,60")[:60]

    def finish_first_then_write_second(root: Path) -> None:
        with first.open("ab") as f:  # the earlier case's FSE, finished only now, written on where it stopped
            f.write(fse("33,60")[60:])
        second.write_bytes(fse("163,80"))

    steps = {
        ("SLOW", "create_invoice"): lambda root: first.write_bytes(half),
        ("NEXT", "create_invoice"): finish_first_then_write_second,
    }
    session = run(tmp_path, HEAD + FSE_EXTRACTOR.format(files="fse"), Application(tmp_path, steps), "SLOW", "NEXT")
    amo = observed(session, "NEXT")["invoice.totals.amo"]
    assert (amo["value"], amo["provenance"]["source"]) == ("163.80", str(second))
    assert "conflict" not in amo["provenance"]
    said = step_end(session, "NEXT", "s-invoice")
    assert "conflicts" not in said
    assert said["notes"] == [
        f"extracteur « FSE XML » : {first} ignoré, fichier commencé avant l'étape (encore inachevé à la fin de"
        " l'étape précédente)"
    ]
    # the earlier case's FSE, cut short at the end of its wait, is incomplete, as a lot never closed is
    assert reason(session, "SLOW").startswith(f"sortie du logiciel incomplète après 2 s d'attente : {first}:")


def test_a_lot_the_application_writes_again_at_each_step_is_read_each_time(tmp_path: Path) -> None:
    lots = tmp_path / "app" / "out" / "lots" / "LOTS.b2"

    def rewrite(amount: str) -> Any:
        data = lot().replace(b"00000003360", amount.encode())
        return lambda root: lots.write_bytes(data)

    steps = {
        ("ONE", "create_invoice"): lambda root: (root / "out" / "fse" / "FSE_1.xml").write_bytes(fse()),
        ("ONE", "build_lot"): rewrite("00000003360"),
        ("TWO", "create_invoice"): lambda root: (root / "out" / "fse" / "FSE_2.xml").write_bytes(fse()),
        ("TWO", "build_lot"): rewrite("00000004480"),
    }
    profile = HEAD + FSE_EXTRACTOR.format(files="fse") + LOT_EXTRACTOR
    session = run(tmp_path, profile, Application(tmp_path, steps), "ONE", "TWO", lot_too=True)
    assert observed(session, "ONE")["lot.totals.amo"]["value"] == "33.60"
    assert observed(session, "TWO")["lot.totals.amo"]["value"] == "44.80"
    assert "notes" not in step_end(session, "TWO", "s-lot")


class Rejecting(Application):
    """The person rejects each securing at once; the application logs its own account of it a moment later."""

    def perform(self, case: Any, step: Any) -> Attestation:
        if step.params["engine_call"] != "secure_invoice":
            return super().perform(case, step)
        root = self.root
        later((0.1, lambda: log(root, f"Facture {case.id} sécurisée (statut secured)")))
        return Attestation(False, "Camille", "refus à l'écran SIGN_FAIL")


def test_the_log_line_following_a_rejected_step_lands_in_that_step_in_the_last_case_too(tmp_path: Path) -> None:
    def invoice(root: Path) -> None:
        log(root, "Facture F0001 créée : total AMO 33,60 EUR")

    steps = {("R1", "create_invoice"): invoice, ("R2", "create_invoice"): invoice}
    session = run(tmp_path, HEAD + LOG_EXTRACTORS, Rejecting(tmp_path, steps), "R1", "R2")
    for case_id in ("R1", "R2"):
        assert ("s-secure", f"Facture {case_id} sécurisée (statut secured)") in app_lines(session, case_id)
    assert not any("R1" in text for _, text in app_lines(session, "R2"))


def test_a_new_file_seen_then_gone_says_so_as_the_reason_of_its_missing_value(tmp_path: Path) -> None:
    target = tmp_path / "app" / "out" / "fse" / "FSE_F0001.xml"

    def written_then_moved(root: Path) -> None:
        target.write_bytes(fse()[:60])  # not whole yet: the bench sees it, cannot read it
        later((0.4, target.unlink))

    session = run(
        tmp_path,
        HEAD + FSE_EXTRACTOR.format(files="fse"),
        Application(tmp_path, {("GONE", "create_invoice"): written_then_moved}),
        "GONE",
    )
    gone = (
        f"extracteur « FSE XML » : {target} est apparu pendant l'étape puis a disparu avant d'avoir pu être lu"
        " (déplacé ou supprimé)"
    )
    assert reason(session, "GONE").startswith(f"e-amo : valeur absente : invoice.totals.amo — {gone}")
    assert step_end(session, "GONE", "s-invoice")["not_found"]["invoice.totals.amo"] == gone


class Correcting(Application):
    """The person corrects the AMO total read, typing it as French writes it."""

    def review(self, case: Any, step: Any, extracted: list[Any], missing: list[Any], conflicts: Any = None) -> Any:
        super().review(case, step, extracted, missing, conflicts)
        if step.id != "s-invoice":
            return {}
        return {"invoice.totals.amo": ("30,00 €", "l'écran de facturation affiche 30,00")}


def test_a_correction_is_recorded_as_an_extracted_amount_is(tmp_path: Path) -> None:
    steps = {("FIX", "create_invoice"): lambda root: (root / "out" / "fse" / "F.xml").write_bytes(fse())}
    session = run(tmp_path, HEAD + FSE_EXTRACTOR.format(files="fse"), Correcting(tmp_path, steps), "FIX")
    amo = observed(session, "FIX")["invoice.totals.amo"]
    assert (amo["value"], amo["source"]) == ("30.00", "correction")
    assert amo["provenance"]["correction"]["extracted"] == "33.60"
    assert reason(session, "FIX").startswith("e-amo : attendu 33,60\u00a0€, observé 30,00\u00a0€ (différent)")


def test_only_a_document_cut_short_is_incomplete_one_wrong_in_its_middle_is_invalid() -> None:
    from testbench.engines.operator.assisted import _cut_short
    from testbench.extract.spec import ExtractorSpec

    xml = ExtractorSpec(name="x", kind="xpath", applies_to=("create_invoice",), files="fse")
    assert _cut_short(xml, fse()[:60]) and _cut_short(xml, b'<?xml version="1.0"?>\n<FSE>')
    assert not _cut_short(xml, b"<FSE></Totaux>") and not _cut_short(xml, fse())
    doc = ExtractorSpec(name="j", kind="json", applies_to=("create_invoice",), files="fse")
    assert _cut_short(doc, b'{"amo": "33.6') and not _cut_short(doc, b'{"amo" 1}')
