"""Operator mode asks a securing's status in the operator's language and takes the word they say (Pilot).

Exam-day audit: the securing step asked « Statut (secured si sécurisée) », a French operator being told to type the
English word the casebook expects. The window now asks for « sécurisée » in French ("secured" in English); either
word, whatever its case, accents or quotes, is recorded as the casebook writes it (``secured``), so the case
passes. The real workstation, the real operator-mode engine and cards, the session on disk.
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import shutil
from pathlib import Path
from typing import Any

import pytest
from test_assisted_engine import CASEBOOK
from test_tui_helpers import wait_run
from test_tui_window_values import SIZE, until
from textual.widgets import Input, Label, Static

from testbench.casebook.loader import load_casebooks
from testbench.engines.operator.values import status_keyed
from testbench.runner.assemble import BenchOptions, assembled_bench
from testbench.store.read import read_session
from testbench.tui.config import Settings, UiState
from testbench.tui.screens import AttestScreen
from testbench.tui.workstation import Workstation

REPO = Path(__file__).resolve().parents[1]
CASE = """
    <case id="SEC-1" domain="fse" mode="degrade" tags="lpp">
      <title>securing's status keyed</title>
      <objective>the status said in the operator's words</objective>
      <cards><card slot="cps" ref="cps-psad"/></cards>
      <steps>
        <invoice id="s-invoice" patient="p" care-date="2026-01-12" tiers-payant="amo">
          <line nomenclature="LPP" code="1241763" quantity="4" unit-price="14.00"/>
        </invoice>
        <secure id="s-secure"/>
      </steps>
      <expectations>
        <value id="e-sec" step="s-secure" path="secure.status" type="string" expected="secured"/>
      </expectations>
    </case>"""


def _app(tmp_path: Path, lang: str):
    from testbench.tui.app import WorkstationApp

    (tmp_path / "cards").mkdir()
    shutil.copy(REPO / "casebooks" / "cards" / "cps3-psad-lpp.xml", tmp_path / "cards")
    book = tmp_path / "secure.xml"
    book.write_text(CASEBOOK.format(cases=CASE), encoding="utf-8")
    ws = Workstation(load_casebooks([book]), tmp_path / "sec.tbsession")
    app = WorkstationApp(
        ws,
        bench_factory=assembled_bench(BenchOptions(engine="operator", cards="inprocess")),
        settings=Settings(lang=lang, operator="Camille"),
        state=UiState(tmp_path / "cfg"),
    )
    app.animation_level = "none"
    return app


def _window(screen: AttestScreen) -> str:
    instruction = str(screen.query_one("#instruction", Static).render())
    return "\n".join([instruction, *(str(label.render()) for label in screen.query(Label))])


def _secure(tmp_path: Path, lang: str, keyed: str) -> dict[str, Any]:
    """The case run in the workstation: the invoice confirmed as it is, the status keyed ``keyed``."""
    seen: dict[str, Any] = {}

    async def scenario() -> None:
        app = _app(tmp_path, lang)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find("SEC-1").key)
            await pilot.pause()
            await pilot.press("r")
            await until(pilot, lambda: isinstance(app.screen, AttestScreen), "the invoice step")
            invoice = app.screen
            await pilot.press("ctrl+s")  # nothing the case expects of the invoice: confirmed as it is
            await until(pilot, lambda: isinstance(app.screen, AttestScreen) and app.screen is not invoice, "securing")
            seen["window"] = _window(app.screen)
            field = app.screen.query_one("#value-0", Input)
            field.focus()
            field.value = keyed
            await pilot.press("ctrl+s")
            await wait_run(app, pilot)

    asyncio.run(scenario())
    with read_session(tmp_path / "sec.tbsession") as view:
        (case,) = view.cases
        seen["verdict"] = case.verdict
        observed = {o["path"]: o for o in view.observations(case.latest.id)}
    seen["status"] = observed["secure.status"]["value"]
    return seen


def test_a_french_operator_is_asked_the_status_in_french_and_keys_the_french_word(tmp_path: Path) -> None:
    seen = _secure(tmp_path, "fr", "Sécurisée")
    assert "Statut (« sécurisée » si la facture l'est)" in seen["window"], seen["window"]
    assert "Valeur attendue à l'écran : sécurisée" in seen["window"], seen["window"]  # as the screen says it
    assert "secured" not in seen["window"], seen["window"]  # no English word to type
    assert (seen["status"], seen["verdict"]) == ("secured", "pass"), seen


def test_an_english_operator_is_asked_the_status_in_english_and_keys_the_english_word(tmp_path: Path) -> None:
    seen = _secure(tmp_path, "en", "secured")
    assert "Status (“secured” if the invoice is)" in seen["window"], seen["window"]
    assert "Expected on screen: secured" in seen["window"], seen["window"]
    assert "sécurisée" not in seen["window"] and "Statut" not in seen["window"], seen["window"]
    assert (seen["status"], seen["verdict"]) == ("secured", "pass"), seen


@pytest.mark.parametrize("keyed", ["sécurisée", "« Sécurisée »", "securisee", "SECURED", " secured "])
def test_the_status_is_recorded_as_the_casebook_writes_it_whichever_way_it_is_said(keyed: str) -> None:
    assert status_keyed("secure.status", keyed) == "secured"


def test_a_status_said_otherwise_stays_as_keyed_so_that_its_comparison_says_so() -> None:
    assert status_keyed("secure.status", "refusée") is None
    assert status_keyed("invoice.number", "sécurisée") is None  # not a status: never rewritten
    assert status_keyed("pin.status", "Vérifié") == "verified"  # the same rule for every status the bench words


def test_a_status_read_by_the_bench_and_confirmed_in_french_words_is_no_correction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Assisted mode: the log says ``secured``, the person shown it answers « sécurisée » with a reason: the same
    status, so the value stays the one read (source ``extraction``), never a correction to « sécurisée »."""
    import test_assisted_outputs as outputs

    class Reviewer(outputs.Application):
        def review(self, case: Any, step: Any, extracted: list[Any], missing: list[Any], conflicts: Any = None):
            super().review(case, step, extracted, missing, conflicts)
            return {"secure.status": ("Sécurisée", "lu à l'écran")} if step.id == "s-secure" else {}

    monkeypatch.setattr(outputs, "Application", Reviewer)
    steps = {
        ("REV", "create_invoice"): outputs.invoice_done,
        ("REV", "secure_invoice"): lambda root: outputs.log(root, "Facture F0001 sécurisée (statut secured)"),
    }
    profile = outputs.HEAD + outputs.FSE_EXTRACTOR.format(files="fse") + outputs.LOG_EXTRACTORS
    session, result, _, _ = outputs.campaign(tmp_path, profile, steps, "REV")
    assert result.verdicts == {"REV": "pass"}, result.verdicts
    status = outputs.observed(session, "REV")["secure.status"]
    assert (status["value"], status["source"]) == ("secured", "extraction"), status
