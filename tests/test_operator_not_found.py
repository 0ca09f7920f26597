"""« Valeurs lues dans le logiciel »: each value not found names its extractor and where it looked.

A case runs in the workstation in assisted operator mode on a stand-in application (real files, a real log
followed by the real capture): its invoice step writes the FSE but no log line, its lot step writes no lot.
The window of the values read then says, for each value no extractor found, the extractor's name in
sut.toml and what it looked at — the log followed (and its channel) for the regex extractor, the folder
and glob watched for the lot's — in French, then in English after F2; with nothing read at all (the lot)
the window still comes, and Enter accepts it.
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path
from typing import Any

import pytest
from test_assisted_engine import StandInApplication
from test_tui_assisted import _application, _until, confirm

from testbench.cli.main import main
from testbench.domain.attestation import Attestation


class SilentApplication(StandInApplication):
    """Writes the FSE only: no log line for the invoice, no lot."""

    def perform(self, case: Any, step: Any) -> Attestation | None:
        if step.params["engine_call"] == "create_invoice":
            fse = f'<fse numero="{case.id}"><totaux facture="56.00" base="56.00" amo="33.60" amc="0.00"/></fse>'
            (self.root / "out" / "fse" / f"{case.id}.xml").write_text(fse, encoding="utf-8")
        return Attestation(True, "Camille")


def _shown(screen: Any) -> str:
    from textual.widgets import Static

    return "\n".join(str(w.render()) for w in screen.query(Static))


def _drawn(screen: Any) -> bool:
    """The window of values read is up and composed: under load, pushed a moment before its widgets exist."""
    from testbench.tui.screens import ExtractedScreen

    return isinstance(screen, ExtractedScreen) and bool(_shown(screen))


def test_values_not_found_name_their_extractor_and_where_it_looked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from test_tui_helpers import wait_run

    from testbench.tui.app import WorkstationApp
    from testbench.tui.screens import AttestScreen

    monkeypatch.setenv("TESTBENCH_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    app_dir, book = _application(tmp_path)
    application = SilentApplication(app_dir)
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
            await _until(pilot, lambda: _drawn(app.screen), "the invoice's values are shown")
            seen["invoice"] = _shown(app.screen)
            await pilot.press("f2")
            await pilot.pause()
            seen["invoice-en"] = _shown(app.screen)
            await pilot.press("f2", "enter")
            await perform(app, pilot, "s-secure")
            await perform(app, pilot, "s-lot")
            await _until(pilot, lambda: _drawn(app.screen), "the lot's window is shown")
            seen["lot"] = _shown(app.screen)
            await pilot.press("enter")  # nothing read, nothing focused: Enter accepts
            await wait_run(app, pilot)

    def drive(self: WorkstationApp, *args: object, **kwargs: object) -> int:
        asyncio.run(scenario(self))
        return 0

    monkeypatch.setattr(WorkstationApp, "run", drive)
    argv = ["ui", str(book), "--session", str(tmp_path / "s.tbsession"), "--cards", "inprocess"]
    argv += ["--engine", "operator", "--engine-timeout", "1", "--sut-profile", str(app_dir / "sut.toml")]
    assert main(argv) == 0

    log, lots = app_dir / "logs" / "app.log", app_dir / "out" / "lots"
    invoice = seen["invoice"]
    assert "Valeurs non trouvées" in invoice
    assert "Reste à charge (invoice.totals.patient)" in invoice
    assert (
        f"extracteur « journal » : aucune ligne ne correspond dans {log} (canal app) depuis le début de l'étape"
        in invoice
    ), invoice
    assert "observé 33,60\u00a0€ — T-FIX.xml" in invoice  # the values read are still shown, with where
    english = seen["invoice-en"]
    assert "Values not found" in english and "Valeurs non trouvées" not in english, english
    assert f"extractor “journal”: no line matched in {log} (channel app) since the step began" in english
    lot = seen["lot"]
    assert "Numéro du lot (lot.number), Nombre de factures (lot.invoice_count), Part AMO du lot (lot.totals.amo)" in lot
    watched = f"{lots} (*.b2, *.lot, B2*)"  # the folder, and the names of lots it reads there
    assert f"extracteur « lot » : aucun fichier nouveau ou modifié dans {watched} pendant l'étape" in lot, lot
