"""The operator's window asks about an empty value only when the case expects it: a value it shows that the
case does not compare (« Total facturé » in operator mode) never needs a second Ctrl+S (Pilot)."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path
from typing import Any

from fakes import make_case, make_casebook, value
from test_tui_app import select
from test_tui_helpers import fake_bench, wait_run
from test_tui_window_values import SIZE, notice, until
from textual.widgets import Input

from testbench.casebook.model import Observe, Step, StepKind
from testbench.store.read import read_session
from testbench.tui.config import Settings, UiState
from testbench.tui.screens import AttestScreen
from testbench.tui.workstation import Workstation


def _app(tmp_path: Path):
    from testbench.tui.app import WorkstationApp

    step = Step(
        id="m-fse",
        kind=StepKind.MANUAL,
        instruction="Lire la FSE",
        observe=(Observe("invoice.totals.billed", "Total facturé"), Observe("invoice.totals.amo", "Part AMO")),
    )
    amo = value("e-amo", "invoice.totals.amo", "5.90", step="m-fse")
    book = make_casebook((make_case("TC-OPT", (step,), (amo,)),), tmp_path)
    ws = Workstation([book], tmp_path / "opt.tbsession")
    settings = Settings(lang="fr", operator="Opératrice Test")
    app = WorkstationApp(ws, bench_factory=fake_bench, settings=settings, state=UiState(tmp_path / "config"))
    app.animation_level = "none"
    return app


def _play(tmp_path: Path, keys: tuple[str, ...]) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    async def scenario() -> None:
        app = _app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await select(app, pilot, "TC-OPT")
            await pilot.press("r")
            await until(pilot, lambda: isinstance(app.screen, AttestScreen), "the manual step")
            window = app.screen
            seen["hints"] = [str(label.render()) for label in window.query(".hint")]
            window.query_one("#value-1", Input).focus()
            await pilot.pause()
            await pilot.press(*keys, "ctrl+s")
            await pilot.pause()
            seen["open"] = app.screen is window
            if seen["open"]:
                seen["notice"] = notice(window)
                await pilot.press("ctrl+t", "ctrl+t")
            await wait_run(app, pilot)

    asyncio.run(scenario())
    with read_session(tmp_path / "opt.tbsession") as view:
        seen["verdict"] = next(c for c in view.cases if c.case_id == "TC-OPT").verdict
    return seen


def test_a_value_the_case_does_not_expect_left_empty_needs_no_second_confirmation(tmp_path: Path) -> None:
    seen = _play(tmp_path, tuple("5,90"))
    assert not seen["open"], seen  # one Ctrl+S: « Total facturé » is nobody's expectation
    assert seen["verdict"] == "pass", seen
    optional, expected = seen["hints"]  # the one the case does not expect says it is optional
    assert optional == "Facultatif : le cas n'attend pas cette valeur", seen
    assert expected.startswith("Valeur attendue à l'écran : 5,90"), seen


def test_a_value_the_case_expects_left_empty_is_still_asked_about(tmp_path: Path) -> None:
    seen = _play(tmp_path, ())
    assert seen["open"] and seen["notice"].startswith("Champ vide : Part AMO (invoice.totals.amo)"), seen
    assert "Total facturé" not in seen["notice"], seen
