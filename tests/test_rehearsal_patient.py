"""Exam-day rehearsal: the operator is told who to bill and what each value read should be.

A casebook names an invoice's patient by its fixture id (« Facturer à p-exam »), a name the application under test
has never seen: the operator must find or create the patient — name, NIR, birth date, organisme, rights — and the
casebook's XML is not open beside the application. The case view, the exam view and the manual step's window say
the fixture's patient in words (``tui.patient``). The window of the values read heads each value with its words
and what the case expects of it, marked as the comparison will find it, so that the operator accepts or corrects
knowing what the case wants (Pilot, assisted operator mode on a stand-in application: real files, a real log, the
real capture and session file).
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from test_assisted_engine import StandInApplication
from test_tui_assisted import TIMEOUT, _application, _until, confirm
from test_tui_exam import plain

from testbench.casebook.loader import load_casebook
from testbench.casebook.model import Casebook, Patient, Step
from testbench.cli.main import main
from testbench.i18n import translator
from testbench.tui.patient import patient_words

REPO = Path(__file__).resolve().parents[1]


def _with_patient(book: Casebook, patient: Patient) -> Casebook:
    fixtures = replace(book.fixtures, patients={**book.fixtures.patients, patient.id: patient})
    return replace(book, fixtures=fixtures)


def _billing(step: Step, patient_id: str) -> Step:
    return replace(step, params={**step.params, "patient": patient_id})


def test_the_patient_of_an_invoice_is_said_from_its_fixture_in_either_language() -> None:
    book = load_casebook(REPO / "casebooks" / "exam-demo.xml")
    invoice = book.case("EXAM-COV-001").steps[0]
    assert patient_words(book, invoice, translator("fr", "tui"), "fr") == (
        "PATIENT EXAMEN ALD (p-ald-exam) — NIR 160019999900333 — né(e) le 01/01/1960 — régime 01, caisse 751,"
        " centre 9999 — droits du 01/01/2024 au 31/12/2030 — couverture : ALD"
    )
    assert patient_words(book, invoice, translator("en", "tui"), "en") == (
        "PATIENT EXAMEN ALD (p-ald-exam) — NIR 160019999900333 — born 1960-01-01 — régime 01, caisse 751,"
        " centre 9999 — rights from 2024-01-01 to 2030-12-31 — coverage: ALD"
    )
    secured = load_casebook(REPO / "casebooks" / "psad-fse-securise.xml")  # a card's beneficiary: the card says who
    invoice_on_card = next(s for s in secured.case("PSAD-SEC-001").steps if s.id == "s-invoice")
    assert patient_words(secured, invoice_on_card, translator("fr", "tui"), "fr") == (
        "p-std — bénéficiaire 1 de la carte vitale-std"
    )
    bare = Patient(id="p-bare")  # nothing but its id: the instruction names it already
    assert patient_words(_with_patient(book, bare), _billing(invoice, "p-bare"), translator("fr", "tui"), "fr") == ""
    secure = book.case("EXAM-COV-001").steps[1]  # names no patient: nothing said
    assert patient_words(book, secure, translator("fr", "tui"), "fr") == ""
    assert patient_words(None, invoice, translator("fr", "tui"), "fr") == ""


def test_the_exam_view_gives_the_patient_two_rows_at_most_on_a_narrow_terminal() -> None:
    from testbench.tui.exam import ExamProgress, ahead

    book = load_casebook(REPO / "casebooks" / "exam-demo.xml")
    case = book.case("EXAM-COV-001")
    t = translator("fr", "tui")
    progress = ExamProgress(case, 1, step=case.steps[0])
    wide = plain(ahead(progress, t, lang="fr", casebook=book), 400).splitlines()
    assert wide[-1].startswith("Patient : PATIENT EXAMEN ALD (p-ald-exam) — NIR 160019999900333"), wide
    assert wide[-1].rstrip().endswith("couverture : ALD"), wide
    narrow = plain(ahead(progress, t, lang="fr", casebook=book), 60).splitlines()
    first = next(n for n, line in enumerate(narrow) if line.startswith("Patient : "))
    assert len(narrow) - first == 2 and narrow[-1].rstrip().endswith("…"), narrow  # cut, not pushing rows out
    assert ahead(ExamProgress(case, 1, step=case.steps[1]), t, casebook=book) is None  # a step naming no patient


def test_before_a_case_is_first_run_the_exam_view_says_its_first_step_and_patient() -> None:
    from testbench.tui.exam import ahead

    book = load_casebook(REPO / "casebooks" / "exam-demo.xml")
    case = book.case("EXAM-COV-001")
    said = {"fr": ("Première étape : Facturer à p-ald-exam", "Patient : PATIENT EXAMEN ALD"),
            "en": ("First step: Bill p-ald-exam", "Patient: PATIENT EXAMEN ALD")}  # fmt: skip
    for lang, (first, patient) in said.items():
        t = translator(lang, "tui")
        lines = plain(ahead(None, t, lang=lang, casebook=book, upcoming=case.steps[0]), 400)
        assert first in lines and patient in lines, lines
    assert ahead(None, translator("fr", "tui"), casebook=book) is None  # an attempt shown: no step named


def _text(screen: Any, selector: str = "Static") -> str:
    return "\n".join(str(widget.render()) for widget in screen.query(selector))


def test_the_workstation_says_the_patient_and_heads_each_value_read_with_what_the_case_expects(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from test_tui_helpers import wait_run

    from testbench.tui.app import WorkstationApp
    from testbench.tui.exam_view import ExamView
    from testbench.tui.screens import AttestScreen, ExtractedScreen

    monkeypatch.setenv("TESTBENCH_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    app_dir, book = _application(tmp_path)  # T-FIX: the application writes an AMO of 33.00, the case wants 33.60
    application = StandInApplication(app_dir)
    seen: dict[str, Any] = {}
    patient = "PATIENTE TEST (p) — NIR 299990000000042 — né(e) le 09/09/1970 — régime 01"

    async def scenario(app: WorkstationApp) -> None:
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find("T-FIX").key)
            await pilot.press("1")
            await pilot.pause()
            seen["case view"] = _text(app.screen)
            await pilot.press("7", "r")
            await _until(pilot, lambda: isinstance(app.screen, AttestScreen), "the invoice step's window")
            await _until(pilot, lambda: bool(app.screen.query("#patient")), "the invoice step's window drawn")
            window = app.screen
            seen["window"] = str(window.query_one("#patient").render())
            seen["exam view"] = plain(app.query_one(ExamView).query_one("#exam-ahead").content, 300)
            application.perform(window.request.case, window.request.step)
            await confirm(app, pilot)
            await _until(pilot, lambda: isinstance(app.screen, ExtractedScreen), "the values read")
            await _until(pilot, lambda: bool(app.screen.query(".heading")), "the values read drawn")
            seen["headings"] = [str(label.render()) for label in app.screen.query(".heading")]
            await pilot.press("escape")  # accepted as read
            await _until(pilot, lambda: isinstance(app.screen, AttestScreen), "the securing step's window")
            seen["secure window"] = len(app.screen.query("#patient"))
            await pilot.press("ctrl+t", "ctrl+t")
            await wait_run(app, pilot)

    def drive(self: WorkstationApp, *args: object, **kwargs: object) -> int:
        asyncio.run(scenario(self))
        return 0

    monkeypatch.setattr(WorkstationApp, "run", drive)
    argv = ["ui", str(book), "--session", str(tmp_path / "s.tbsession"), "--cards", "inprocess"]
    argv += ["--engine", "operator", "--engine-timeout", str(TIMEOUT), "--sut-profile", str(app_dir / "sut.toml")]
    assert main(argv) == 0

    assert f"↳ Patient : {patient}" in seen["case view"], seen["case view"]
    assert seen["window"].startswith(f"Patient : {patient}"), seen
    assert f"Patient : {patient}" in seen["exam view"], seen
    assert seen["secure window"] == 0, seen  # securing names no patient: no line
    headings = seen["headings"]
    assert "Part AMO (invoice.totals.amo)   ≠ attendu 33,60\u00a0€" in headings, headings
    assert "Reste à charge (invoice.totals.patient)   ✔ attendu 22,40\u00a0€" in headings, headings
    assert "Part AMC (invoice.totals.amc)" in headings, headings  # the case expects nothing of it: no mark
