"""Assisted operator mode in the workstation: the person reviews the values read from the application.

First pilot test: a case runs in the workstation on assisted operator mode with a stand-in application
(real files, a real log, the real capture, store and report); the person performs each step (the stand-in
writes what the application would), then the bench shows the values it read, each with where it was
read. The person corrects one, in one burst of keys: a corrected value without a reason is refused inside
the window, nothing typed is lost; with its reason it is recorded as a correction and the report says so.

Second: ``testbench demo --exam`` on a terminal opens the workstation on its exam view and runs the exam
casebook live, the demo application's scripted operator performing each step in it (a separate process).
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from test_assisted_engine import CASE, CASEBOOK, PROFILE, REPO, StandInApplication, _observations

from testbench.cli.main import main
from testbench.report.build import BuildOptions, build_report

TIMEOUT = 2.0


async def _until(pilot, condition, what: str, tries: int = 800) -> None:
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.025)
    pytest.fail(f"never happened: {what}")


async def confirm(app, pilot) -> None:
    """ctrl+s in the manual step's window; a field left empty is asked about once, the second ctrl+s confirms it
    absent (the values these tests leave empty are read by the bench, or are meant to be absent)."""
    window = app.screen
    await pilot.press("ctrl+s")
    await pilot.pause()
    if app.screen is window:
        await pilot.press("ctrl+s")


def _application(tmp_path: Path) -> tuple[Path, Path]:
    app = tmp_path / "app"
    for folder in ("logs", "out/fse", "out/lots"):
        (app / folder).mkdir(parents=True)
    (app / "logs" / "app.log").write_text("", encoding="cp1252")
    (app / "sut.toml").write_text(PROFILE, encoding="utf-8")
    (tmp_path / "cards").mkdir()
    shutil.copy(REPO / "casebooks" / "cards" / "cps3-psad-lpp.xml", tmp_path / "cards")
    book = tmp_path / "assisted.xml"
    book.write_text(CASEBOOK.format(cases=CASE.format(id="T-FIX")), encoding="utf-8")
    return app, book


@pytest.mark.parametrize("size", [(160, 48), (80, 24)], ids=["wide", "80x24"])
def test_the_operator_corrects_an_extracted_value_with_its_reason_in_the_workstation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    from test_tui_helpers import wait_run
    from textual.widgets import Input

    from testbench.tui.app import WorkstationApp
    from testbench.tui.screens import AttestScreen, ExtractedScreen

    monkeypatch.setenv("TESTBENCH_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    app_dir, book = _application(tmp_path)
    application = StandInApplication(app_dir)  # writes an AMO of 33.00 where the screen shows 33.60
    session = tmp_path / "s.tbsession"
    seen: dict[str, Any] = {}

    async def perform(app: WorkstationApp, pilot, step_id: str) -> None:
        """The person performs the step in the application (the stand-in writes its files), then says done."""
        await _until(pilot, lambda: isinstance(app.screen, AttestScreen), f"the bench asks for {step_id}")
        request = app.screen.request
        assert request.step.id == step_id
        application.perform(request.case, request.step)
        await confirm(app, pilot)

    async def scenario(app: WorkstationApp) -> None:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find("T-FIX").key)
            await pilot.press("r")
            await perform(app, pilot, "s-invoice")
            await _until(pilot, lambda: isinstance(app.screen, ExtractedScreen), "the values read are shown")
            screen = app.screen
            paths = [item.path for item in screen.request.extracted]
            n = paths.index("invoice.totals.amo")
            # one burst as soon as the window is there: from the first value (focused) to the AMO field,
            # 33.00 replaced by 33.60, Enter without a reason
            await pilot.press(*["tab"] * (2 * n), *["backspace"] * 5, *"33.60", "enter")
            await pilot.pause()
            assert app.screen is screen  # refused inside the window, nothing typed lost
            assert screen.query_one(f"#value-{n}", Input).value == "33.60"
            assert app.focused is screen.query_one(f"#reason-{n}", Input)
            seen["notice"] = str(screen.query_one("#notice").render())
            seen["where"] = str(screen.query_one(".where").render())
            await pilot.press(*"lu a l'ecran", "enter")
            await perform(app, pilot, "s-secure")
            await perform(app, pilot, "s-lot")
            await _until(pilot, lambda: isinstance(app.screen, ExtractedScreen), "the lot's values are shown")
            lot = app.screen
            await pilot.press("backspace", "9", "escape")  # an edit left unfinished: the first Escape asks
            await pilot.pause()
            assert app.screen is lot  # nothing dropped yet
            seen["as read"] = str(lot.query_one("#notice").render())
            await pilot.press("escape")  # the second accepts the values as read
            await wait_run(app, pilot)

    def drive(self: WorkstationApp, *args: object, **kwargs: object) -> int:
        asyncio.run(scenario(self))
        return 0

    monkeypatch.setattr(WorkstationApp, "run", drive)
    argv = ["ui", str(book), "--session", str(session), "--cards", "inprocess", "--engine", "operator"]
    argv += ["--engine-timeout", str(TIMEOUT), "--sut-profile", str(app_dir / "sut.toml")]
    assert main(argv) == 0

    assert seen["where"].startswith("observé T-FIX — T-FIX.xml")  # each value with where it was read
    assert "Motif obligatoire pour la valeur corrigée de invoice.totals.amo" in seen["notice"]
    assert "Échap à nouveau pour abandonner vos corrections" in seen["as read"]
    observed = _observations(session)["T-FIX"]
    amo = observed["invoice.totals.amo"]
    assert (amo["value"], amo["source"]) == ("33.60", "correction")
    assert amo["provenance"]["correction"]["extracted"] == "33.00"
    assert amo["provenance"]["correction"]["reason"] == "lu a l'ecran"
    assert observed["invoice.totals.amc"]["source"] == "extraction"  # accepted as read
    lot = observed["lot.number"]  # Escape twice: accepted as read, the edit typed in its field forgotten
    assert (lot["value"], lot["source"]) == ("000001", "extraction")
    built = build_report(session, tmp_path / "report", BuildOptions(junit=False))
    report = json.loads((built.folder / "report.json").read_text(encoding="utf-8"))
    (case,) = report["cases"]
    origin = next(c["origin"] for c in case["comparisons"] if c["path"] == "invoice.totals.amo")
    assert origin.startswith("corrigé par l'opérateur : 33,60\u00a0€ au lieu de 33,00\u00a0€ lu dans T-FIX.xml")
    assert origin.endswith(" — motif : lu a l'ecran")
    html = built.html.read_text(encoding="utf-8").replace("&#39;", "'")
    assert "33,60\u00a0€ au lieu de 33,00\u00a0€ lu dans T-FIX.xml" in html and "motif : lu a l'ecran" in html


def test_demo_exam_on_a_terminal_runs_live_in_the_workstation_driven_by_the_scripted_operator(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from test_tui_exam import plain
    from test_tui_helpers import wait_run

    from testbench.demoapp.driver import ScriptedOperator
    from testbench.tui.app import WorkstationApp
    from testbench.tui.exam_view import ExamView
    from testbench.tui.screens import AttestScreen, ExtractedScreen

    monkeypatch.setenv("TESTBENCH_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    seen: dict[str, Any] = {"asked": []}

    def first_done(app: WorkstationApp) -> bool:
        if isinstance(app.screen, (AttestScreen, ExtractedScreen)):  # nobody at the keyboard is asked anything
            seen["asked"].append(type(app.screen).__name__)
        return app.ws.entries[0].verdict not in ("none", "pending")

    async def scenario(app: WorkstationApp) -> None:
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            assert app.active_view == "exam" and app.running  # opened on the exam view, the run under way
            assert isinstance(app.operator.performer, ScriptedOperator)
            view = app.query_one("#exam-view", ExamView)
            await _until(pilot, lambda: len(view.log_lines()) > 0, "the demo application's lines, live")
            seen["log"] = "\n".join(view.log_lines())
            values = lambda: plain(view.query_one("#exam-values").content, width=200)  # noqa: E731
            await _until(pilot, lambda: "observé 33,60\u00a0€ — " in values(), "the values read, with where")
            await _until(pilot, lambda: first_done(app), "the first case ends", tries=2400)
            await pilot.press("ctrl+t")  # stop after the case in progress
            await wait_run(app, pilot)
            seen["first"] = app.ws.entries[0]

    def drive(self: WorkstationApp, *args: object, **kwargs: object) -> int:
        asyncio.run(scenario(self))
        return 0

    monkeypatch.setattr(WorkstationApp, "run", drive)
    out = tmp_path / "demo"
    # the run stopped after its first case (ctrl+t), then the workstation closed: its code is the session's, as
    # the headless demo's and run's (README « Exit codes »): 2, cases not concluded — not the window's 0
    assert main(["demo", "--exam", "--cards", "inprocess", "--output", str(out)]) == 2
    assert "FACT " in seen["log"]  # the application's own wording, as it wrote it
    assert seen["asked"] == []
    first = seen["first"]
    assert (first.case.id, first.verdict) == ("EXAM-LPP-001", "pass")
    observed = _observations(out.with_name("demo.tbsession"))["EXAM-LPP-001"]
    totals = {p: o["source"] for p, o in observed.items() if ".totals." in p}
    assert totals and set(totals.values()) == {"extraction"}  # every amount read from its files, none keyed
    assert (out / "index.html").is_file()  # the report, written when the workstation closed
