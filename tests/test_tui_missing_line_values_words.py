"""« Valeurs non trouvées » names an extractor's line values in words (audit, item 5): its target
``invoice.lines[{n}].base`` is every line it reads, « Base de remboursement de chaque ligne » / "Reimbursement
base of each line", never the path template with its ``{n}``. A case runs in the workstation in assisted
operator mode; the application writes no FSE at all, so the FSE extractor finds none of its values."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path
from typing import Any

import pytest
from test_assisted_engine import PROFILE, StandInApplication
from test_operator_not_found import _drawn, _shown
from test_tui_assisted import _application, _until, confirm

from testbench.cli.main import main
from testbench.domain.attestation import Attestation

AMC = '"string(/fse/totaux/@amc)" = "invoice.totals.amc"\n'
LINES = '"/fse/lignes/ligne/@base" = "invoice.lines[{n}].base"\n"/fse/lignes/ligne/@taux" = "invoice.lines[{n}].rate"\n'


class NoFseApplication(StandInApplication):
    """Writes nothing for the invoice: no FSE, no log line."""

    def perform(self, case: Any, step: Any) -> Attestation | None:
        if step.params["engine_call"] == "create_invoice":
            return Attestation(True, "Camille")
        return super().perform(case, step)


def _missing(screen: Any) -> str:
    from textual.widgets import Label

    return "\n".join(str(w.render()) for w in screen.query(Label) if w.has_class("missing"))


def test_a_line_value_not_found_reads_each_line_not_its_template(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from test_tui_helpers import wait_run

    from testbench.tui.app import WorkstationApp
    from testbench.tui.screens import AttestScreen

    monkeypatch.setenv("TESTBENCH_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    app_dir, book = _application(tmp_path)
    assert AMC in PROFILE
    (app_dir / "sut.toml").write_text(PROFILE.replace(AMC, AMC + LINES), encoding="utf-8")
    application = NoFseApplication(app_dir)
    seen: dict[str, str] = {}

    async def perform(app: WorkstationApp, pilot, step_id: str) -> None:
        await _until(pilot, lambda: isinstance(app.screen, AttestScreen), f"the bench asks for {step_id}")
        application.perform(app.screen.request.case, app.screen.request.step)
        await confirm(app, pilot)

    async def scenario(app: WorkstationApp) -> None:
        async with app.run_test(size=(140, 48)) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find("T-FIX").key)
            await pilot.press("r")
            await perform(app, pilot, "s-invoice")
            await _until(pilot, lambda: _drawn(app.screen) and bool(_missing(app.screen)), "the values not found")
            seen["fr"] = _missing(app.screen)
            await pilot.press("f2")
            await _until(pilot, lambda: "Values not found" in _shown(app.screen), "the window in English")
            seen["en"] = _missing(app.screen)
            await pilot.press("f2", "enter")
            await perform(app, pilot, "s-secure")
            await perform(app, pilot, "s-lot")
            await _until(pilot, lambda: _drawn(app.screen), "the lot's window is shown")
            await pilot.press("enter")
            await wait_run(app, pilot)

    def drive(self: WorkstationApp, *args: object, **kwargs: object) -> int:
        asyncio.run(scenario(self))
        return 0

    monkeypatch.setattr(WorkstationApp, "run", drive)
    argv = ["ui", str(book), "--session", str(tmp_path / "s.tbsession"), "--cards", "inprocess"]
    argv += ["--engine", "operator", "--engine-timeout", "1", "--sut-profile", str(app_dir / "sut.toml")]
    assert main(argv) == 0

    french, english = seen["fr"], seen["en"]
    assert "{n}" not in french and "{n}" not in english, (french, english)
    assert "Base de remboursement de chaque ligne, Taux de remboursement de chaque ligne" in french, french
    assert "Part AMO (invoice.totals.amo)" in french  # a value of its own keeps its path beside its words
    assert "Reimbursement base of each line, Reimbursement rate of each line" in english, english
