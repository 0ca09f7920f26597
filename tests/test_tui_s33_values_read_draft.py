"""The draft of the window of the values read (assisted operator mode), beside the manual steps' drafts in the same
file: what it keeps (never a PIN), what drops it (the values accepted as read, a stop or a quit told it drops them),
and what the workstation says as it opens of corrections a killed workstation left for a step that will not show its
values again — said once, in a notice and the run log, then dropped: never applied, never lost unsaid. Pilot, real
sessions on disk (a real run with the fake bench; the assisted ones on the stand-in application)."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from test_assisted_engine import StandInApplication
from test_tui_app import select
from test_tui_assisted import TIMEOUT, _application, _until, confirm
from test_tui_helpers import make_app, run_log, toasts, wait_run

from testbench.casebook.model import Observe, Step, StepKind
from testbench.cli.main import main
from testbench.tui.workstation import Draft, Workstation, draft_path

DROPPED = {
    "fr": "TC-OK-001 · s2 : corrections tapées dans la fenêtre des valeurs lues avant la fermeture du poste d'examen,"
    " jamais confirmées ni appliquées : invoice.totals.amo = 33,60 (motif : lu à l'écran) ; l'étape ne les proposera"
    " plus (ses valeurs restent telles qu'enregistrées)",
    "en": "TC-OK-001 · s2: corrections typed in the window of the values read before the exam workstation closed, never"
    " confirmed nor applied: invoice.totals.amo = 33,60 (reason: lu à l'écran); the step will not offer them again"
    " (its values stay as recorded)",
}


def test_the_read_draft_sits_beside_the_manual_draft_of_the_same_step_and_keeps_no_pin(tmp_path: Path) -> None:
    from test_tui_helpers import sample_casebook

    book = sample_casebook(tmp_path)
    ws = Workstation([book], tmp_path / "s.tbsession")
    key = (book.sha256, "TC-OK-001")
    step = Step(id="s2", kind=StepKind.MANUAL, instruction="x", observe=(Observe("invoice.totals.depassement", "D"),))
    ws.save_draft(key, step, {"invoice.totals.depassement": "0,00"}, "")
    ws.save_read_draft(
        key, "s2", {"invoice.totals.amo": ("33,60", "lu à l'écran, PIN: 4719"), "cps.pin": ("1234", "")}
    )
    on_disk = draft_path(ws.session_path).read_text(encoding="utf-8")
    assert "4719" not in on_disk and "1234" not in on_disk, on_disk  # a PIN is never written
    reasons = {"invoice.totals.amo": "lu à l'écran, PIN: ‹PIN›"}  # a reason kept with its PIN masked
    assert ws.read_draft(key, "s2") == Draft({"invoice.totals.amo": "33,60"}, "", reasons)
    assert ws.draft(key, "s2") == Draft({"invoice.totals.depassement": "0,00"}, "")  # its own, untouched
    ws.drop_read_draft(key, "s2")
    assert ws.read_draft(key, "s2") is None and ws.draft(key, "s2") is not None
    ws.save_read_draft(key, "s2", {"invoice.totals.amo": ("33,60", "")})
    ws.save_read_draft(key, "s2", {})  # everything erased in the window: nothing kept
    assert ws.read_draft(key, "s2") is None and ws.draft(key, "s2") is not None
    assert len(json.loads(draft_path(ws.session_path).read_text(encoding="utf-8"))) == 1


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_corrections_left_for_a_step_that_will_not_show_its_values_again_are_said_at_opening_then_dropped(
    tmp_path: Path, lang: str
) -> None:
    async def run_once() -> None:  # TC-OK-001 run to its verdict: s2 recorded, the case final
        app = make_app(tmp_path)
        async with app.run_test(size=(140, 40)) as pilot:
            await pilot.pause()
            await select(app, pilot, "TC-OK-001")
            await pilot.press("r")
            await wait_run(app, pilot)
            assert app.ws.find("TC-OK-001").verdict == "pass"
            # as a workstation killed over the values read of s2 would have left them
            typed = {"invoice.totals.amo": ("33,60", "lu à l'écran")}
            app.ws.save_read_draft(app.ws.find("TC-OK-001").key, "s2", typed)

    async def reopen() -> tuple[str, str]:
        app = make_app(tmp_path, lang=lang)
        async with app.run_test(size=(200, 50)) as pilot:
            await pilot.pause()
            await pilot.press("2")  # the run view
            await pilot.pause()
            return toasts(app), run_log(app)

    asyncio.run(run_once())
    assert draft_path(tmp_path / "exam.tbsession").is_file()
    said, log = asyncio.run(reopen())
    assert DROPPED[lang] in said, said
    assert DROPPED[lang][:60] in log.replace("\n", " "), log  # in the run log too, where it stays
    assert not draft_path(tmp_path / "exam.tbsession").exists()  # said once, then dropped
    said, _log = asyncio.run(reopen())
    assert "TC-OK-001 · s2" not in said, said  # not said again


def _assisted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scenario) -> Path:
    from testbench.tui.app import WorkstationApp

    monkeypatch.setenv("TESTBENCH_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    app_dir, book = _application(tmp_path)
    session = tmp_path / "s.tbsession"

    def drive(self: WorkstationApp, *args: object, **kwargs: object) -> int:
        asyncio.run(scenario(self, StandInApplication(app_dir)))
        return 0

    monkeypatch.setattr(WorkstationApp, "run", drive)
    argv = ["ui", str(book), "--session", str(session), "--cards", "inprocess", "--engine", "operator"]
    argv += ["--engine-timeout", str(TIMEOUT), "--sut-profile", str(app_dir / "sut.toml")]
    assert main(argv) == 0
    return session


@pytest.mark.parametrize("drop", ["escape", "ctrl+t", "ctrl+q"])
def test_keys_told_they_drop_the_corrections_drop_their_draft(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, drop: str
) -> None:
    from textual.widgets import Input

    from testbench.tui.screens import AttestScreen, ExtractedScreen

    seen: dict[str, Any] = {}

    async def scenario(app, application) -> None:
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find("T-FIX").key)
            await pilot.press("r")
            await _until(pilot, lambda: isinstance(app.screen, AttestScreen), "the invoice asked")
            application.perform(app.screen.request.case, app.screen.request.step)
            await confirm(app, pilot)
            await _until(pilot, lambda: isinstance(app.screen, ExtractedScreen), "the values read shown")
            window = app.screen
            n = [item.path for item in window.request.extracted].index("invoice.totals.amo")
            await _until(pilot, lambda: bool(window.query(f"#reason-{n}")), "the values read drawn")
            window.query_one(f"#value-{n}", Input).value = "33,60"
            window.query_one(f"#reason-{n}", Input).value = "lu à l'écran"
            key = app.ws.find("T-FIX").key
            await _until(pilot, lambda: app.ws.read_draft(key, "s-invoice") is not None, "kept as typed")
            seen["kept"] = app.ws.read_draft(key, "s-invoice")
            await pilot.press(drop, drop)  # the first says what it drops, the second drops it
            for _ in range(100):
                await pilot.pause(0.05)
                if app.screen is not window or not app.is_running:
                    break
            drafts = draft_path(app.ws.session_path)
            seen["after"] = drafts.read_text(encoding="utf-8") if drafts.exists() else ""
            if app.is_running:
                await pilot.press("ctrl+t", "ctrl+t")
                await wait_run(app, pilot)

    _assisted(tmp_path, monkeypatch, scenario)
    assert seen["kept"] == Draft({"invoice.totals.amo": "33,60"}, "", {"invoice.totals.amo": "lu à l'écran"}), seen
    assert "33,60" not in seen["after"] and "/read" not in seen["after"], seen


def test_the_manual_window_of_an_assisted_step_names_what_is_read_from_the_outputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual.widgets import Static

    from testbench.tui.screens import AttestScreen

    seen: dict[str, Any] = {}

    async def scenario(app, application) -> None:
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find("T-FIX").key)
            await pilot.press("r")
            await _until(pilot, lambda: isinstance(app.screen, AttestScreen), "the invoice asked")
            window = app.screen
            await pilot.pause()
            seen["fields"] = [path for path, _label, _hint in window.hints]
            seen["read"] = [str(w.render()) for w in window.query("#read-from-outputs").results(Static)]
            await pilot.press("ctrl+t", "ctrl+t")
            await wait_run(app, pilot)

    _assisted(tmp_path, monkeypatch, scenario)
    assert seen["fields"] == ["invoice.totals.depassement"], seen  # no value an extractor reads is a field
    [read] = seen["read"]
    assert read.startswith("Lu dans les sorties du logiciel, rien à taper : Numéro de la facture (invoice.number)")
    for said in ("Part AMO (invoice.totals.amo)", "Total facturé (invoice.totals.billed)", "(invoice.totals.patient)"):
        assert said in read, read


def test_recovered_corrections_are_offered_marked_and_count_as_typed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A draft a killed workstation left for these values: the AMO's correction pre-filled and marked, the one of a
    value not read this time named on the notice line; Escape first says it drops them (they count as typed), F2
    says them in English; nothing applied until Enter."""
    from textual.widgets import Input, Static

    from testbench.tui.screens import AttestScreen, ExtractedScreen

    seen: dict[str, Any] = {}

    async def scenario(app, application) -> None:
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            key = app.ws.find("T-FIX").key
            typed = {"invoice.totals.amo": ("33,60", "lu à l'écran"), "invoice.lines[0].amc": ("1,00", "vu")}
            app.ws.save_read_draft(key, "s-invoice", typed)
            app.goto_case(key)
            await pilot.press("r")
            await _until(pilot, lambda: isinstance(app.screen, AttestScreen), "the invoice asked")
            application.perform(app.screen.request.case, app.screen.request.step)
            await confirm(app, pilot)
            await _until(pilot, lambda: isinstance(app.screen, ExtractedScreen), "the values read shown")
            window = app.screen
            await pilot.pause()
            n = [item.path for item in window.request.extracted].index("invoice.totals.amo")
            seen["field"] = tuple(window.query_one(f"#{name}-{n}", Input).value for name in ("value", "reason"))
            seen["heading"] = str(window.query(".heading")[n].render())
            seen["notice"] = str(window.query_one("#notice", Static).render())
            await pilot.press("escape")
            await pilot.pause()
            seen["escape"] = (app.screen is window, str(window.query_one("#notice", Static).render()))
            await pilot.press("f2")
            await pilot.pause()
            seen["english"] = str(app.screen.query(".heading")[n].render())
            await pilot.press("f2", "enter")  # confirmed by the person
            await _until(pilot, lambda: isinstance(app.screen, AttestScreen), "the next step asked")
            await pilot.press("ctrl+t", "ctrl+t")
            await wait_run(app, pilot)
            seen["after"] = app.ws.read_draft(key, "s-invoice")

    session = _assisted(tmp_path, monkeypatch, scenario)
    assert seen["field"] == ("33,60", "lu à l'écran"), seen
    assert "correction récupérée, à confirmer" in seen["heading"], seen
    assert seen["notice"].startswith("Corrections récupérées : tapées dans cette fenêtre"), seen
    assert "Correction récupérée d'une valeur qui n'est plus lue, non reprise : invoice.lines[0].amc = 1,00" in (
        seen["notice"]
    ), seen
    shown, said = seen["escape"]
    assert shown and "Échap à nouveau pour abandonner vos corrections" in said, seen
    assert "correction recovered, to be confirmed" in seen["english"], seen
    assert seen["after"] is None, seen  # recorded with the step: nothing left to offer
    from test_assisted_engine import _observations

    amo = _observations(session)["T-FIX"]["invoice.totals.amo"]
    assert (amo["value"], amo["source"]) == ("33.60", "correction"), amo
