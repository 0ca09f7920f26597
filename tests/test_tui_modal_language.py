"""F2 switches the language while a window is open (audit 9 A, finding 6).

In operator mode a window is open most of the time (the manual-step window, « Valeurs lues dans le
logiciel »); a modal window hid the app's F2, so the language could not be changed during a run. F2 in
such a window now switches the whole workstation, the window included, and keeps what was typed in it.
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path
from typing import Any

import pytest
from test_tui_assisted import _application, _until, confirm
from test_tui_operator_language import SIZE, ask_first_step, operator_app, window_text
from textual.widgets import Input, TabbedContent

from testbench.tui.screens import AttestScreen, ExtractedScreen


def tab_label(app, view: str) -> str:
    return str(app.screen_stack[0].query_one("#views", TabbedContent).get_tab(view).label)


def test_f2_in_the_manual_step_window_switches_the_window_and_the_workstation(tmp_path: Path) -> None:
    seen: dict[str, Any] = {}

    async def scenario() -> None:
        app = operator_app(tmp_path, "fr")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await ask_first_step(app, pilot)
            await pilot.press(*"10003", "tab")  # a value keyed, the focus on the next field
            focused = app.focused.id
            await pilot.press("f2")
            await pilot.pause()
            screen = app.screen
            seen["en"] = (type(screen), window_text(screen), tab_label(app, "run"), app.lang)
            seen["kept"] = (screen.query_one("#value-0", Input).value, app.focused.id == focused)
            await pilot.press("f2")
            await pilot.pause()
            seen["fr"] = (window_text(app.screen), tab_label(app, "run"), app.lang)
            await confirm(app, pilot)  # the value keyed before the switches is the one attested
            await pilot.press("ctrl+t")
            await asyncio.wait_for(app.workers.wait_for_complete(), timeout=30)

    asyncio.run(scenario())
    kind, window, tab, lang = seen["en"]
    assert kind is AttestScreen and lang == "en"
    assert "Manual step" in window and "Read the CPS card in the application" in window, window
    assert "Optional: the case does not expect this value" in window, window  # the CPS read: nothing expected
    assert "Étape manuelle" not in window and "Lisez" not in window, window
    assert tab == "2 Run", tab  # the view key, then its title
    assert seen["kept"] == ("10003", True)
    window, tab, lang = seen["fr"]
    assert lang == "fr" and "Étape manuelle" in window and "Lisez la carte CPS" in window, window
    assert tab == "2 Exécution", tab


def test_f2_in_the_manual_step_window_rewrites_an_amount_as_the_new_language_does(tmp_path: Path) -> None:
    """A manual step's expected figure is written in the window's language: « 5,90 » in French, « 5.90 »
    after F2 — not the French figure left among English words."""
    from testbench.casebook.loader import load_casebooks
    from testbench.paths import CASEBOOKS_DIR
    from testbench.runner.assemble import BenchOptions, assembled_bench
    from testbench.tui.app import WorkstationApp
    from testbench.tui.config import Settings, UiState
    from testbench.tui.workstation import Workstation

    seen: dict[str, str] = {}

    async def scenario() -> None:
        ws = Workstation(load_casebooks([CASEBOOKS_DIR / "demo.xml"]), tmp_path / "m.tbsession")
        app = WorkstationApp(
            ws,
            bench_factory=assembled_bench(BenchOptions(engine="inprocess", cards="inprocess")),
            settings=Settings(lang="fr", operator="Alice"),
            state=UiState(tmp_path / "cfg"),
        )
        app.animation_level = "none"
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find("DEMO-FSE-030").key)
            await pilot.press("r")
            await _until(pilot, lambda: isinstance(app.screen, AttestScreen), "the manual step is asked")
            seen["fr"] = window_text(app.screen)
            await pilot.press(*"5.90", "f2")
            await pilot.pause()
            seen["en"] = window_text(app.screen)
            seen["kept"] = app.screen.query_one("#value-0", Input).value
            await pilot.press("f2")
            await pilot.pause()
            seen["back"] = window_text(app.screen)
            await pilot.press("ctrl+t", "ctrl+t")  # a value typed: the first asks, the second stops
            await asyncio.wait_for(app.workers.wait_for_complete(), timeout=30)

    asyncio.run(scenario())
    assert "écran : 5,90\u00a0€" in seen["fr"] and "5.90" not in seen["fr"], seen["fr"]  # an amount, as money
    assert "screen: €5.90" in seen["en"] and "5,90" not in seen["en"] and "yes" in seen["en"], seen["en"]
    assert seen["kept"] == "5.90"
    assert seen["back"] == seen["fr"]


def test_f2_in_the_values_read_window_switches_it_and_keeps_the_edit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from test_assisted_engine import StandInApplication, _observations
    from test_tui_helpers import wait_run

    from testbench.cli.main import main
    from testbench.tui.app import WorkstationApp

    monkeypatch.setenv("TESTBENCH_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    app_dir, book = _application(tmp_path)
    application = StandInApplication(app_dir)
    session = tmp_path / "s.tbsession"
    seen: dict[str, Any] = {}

    async def perform(app: WorkstationApp, pilot, step_id: str) -> None:
        await _until(pilot, lambda: isinstance(app.screen, AttestScreen), f"the bench asks for {step_id}")
        application.perform(app.screen.request.case, app.screen.request.step)
        await confirm(app, pilot)

    async def scenario(app: WorkstationApp) -> None:
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find("T-FIX").key)
            await pilot.press("r")
            await perform(app, pilot, "s-invoice")
            await _until(pilot, lambda: isinstance(app.screen, ExtractedScreen), "the values read are shown")
            paths = [item.path for item in app.screen.request.extracted]
            n = paths.index("invoice.totals.amo")
            await pilot.press(*["tab"] * (2 * n), *["backspace"] * 5, *"33.60", "tab", *"vu", "f2")
            await pilot.pause()
            screen = app.screen
            seen["en"] = (type(screen), "\n".join(str(w.render()) for w in screen.query("Label, Static")))
            seen["kept"] = (screen.query_one(f"#value-{n}", Input).value, screen.query_one(f"#reason-{n}", Input).value)
            seen["focus"] = app.focused is screen.query_one(f"#reason-{n}", Input)
            await pilot.press(*" écran", "enter")
            await perform(app, pilot, "s-secure")
            await perform(app, pilot, "s-lot")
            await _until(pilot, lambda: isinstance(app.screen, ExtractedScreen), "the lot's values are shown")
            await pilot.press("enter")
            await wait_run(app, pilot)

    def drive(self: WorkstationApp, *args: object, **kwargs: object) -> int:
        asyncio.run(scenario(self))
        return 0

    monkeypatch.setattr(WorkstationApp, "run", drive)
    argv = ["ui", str(book), "--session", str(session), "--cards", "inprocess", "--engine", "operator"]
    argv += ["--engine-timeout", "2", "--sut-profile", str(app_dir / "sut.toml")]
    assert main(argv) == 0
    kind, text = seen["en"]
    assert kind is ExtractedScreen
    assert "Values read in the software" in text and "observed €33.00 — T-FIX.xml" in text, text
    assert "Valeurs lues" not in text and "observé" not in text, text
    assert seen["kept"] == ("33.60", "vu") and seen["focus"]
    amo = _observations(session)["T-FIX"]["invoice.totals.amo"]
    assert (amo["value"], amo["source"]) == ("33.60", "correction")
    assert amo["provenance"]["correction"]["reason"] == "vu écran"
