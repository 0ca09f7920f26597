"""The values window of assisted mode (the values the bench read from the application, each in a field the person
may correct): a decimal is pre-filled as the language in use writes it — « 33,00 » in French, "33.00" in English —
not in Python's dot whatever the language. Confirmed as it is, it is the value read: recorded « 33.00 » as read,
never a correction « saisie par l'opérateur »."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import shutil
from pathlib import Path
from typing import Any

import pytest
from test_assisted_engine import CASE, CASEBOOK, PROFILE, REPO, StandInApplication, _observations
from test_tui_assisted import _until, confirm

from testbench.cli.main import main

TIMEOUT = 2.0


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


@pytest.mark.parametrize(("lang", "shown"), [("fr", "33,00"), ("en", "33.00")])
def test_a_decimal_read_is_prefilled_in_the_language_and_confirmed_as_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str, shown: str
) -> None:
    from test_tui_helpers import wait_run
    from textual.widgets import Input

    from testbench.tui.app import WorkstationApp
    from testbench.tui.screens import AttestScreen, ExtractedScreen

    monkeypatch.setenv("TESTBENCH_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    app_dir, book = _application(tmp_path)
    application = StandInApplication(app_dir)  # writes an AMO of 33.00 in its invoice file
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
            screen = app.screen
            paths = [item.path for item in screen.request.extracted]
            field = f"#value-{paths.index('invoice.totals.amo')}"
            await _until(pilot, lambda: bool(screen.query(field)), "the window's fields are there")
            seen["read"] = screen.request.extracted[paths.index("invoice.totals.amo")].value
            seen["field"] = screen.query_one(field, Input).value
            await pilot.press("enter")  # confirmed as pre-filled: nothing edited
            await pilot.pause()
            seen["accepted"] = app.screen is not screen
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
    argv += ["--engine-timeout", str(TIMEOUT), "--sut-profile", str(app_dir / "sut.toml"), "--lang", lang]
    assert main(argv) == 0

    assert seen["read"] == "33.00"
    assert seen["field"] == shown  # as the language writes a decimal
    assert seen["accepted"]  # no reason asked: no correction
    amo = _observations(session)["T-FIX"]["invoice.totals.amo"]
    assert (amo["value"], amo["source"]) == ("33.00", "extraction")  # as read, not « saisi par l'opérateur »
    assert "correction" not in (amo.get("provenance") or {})
