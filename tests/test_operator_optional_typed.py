"""A value the operator window shows that the case does not expect (« Facultatif ») is read by its path's type, as
an expected one is by its expectation's: « beaucoup » in « Total facturé » is refused with the reason, not recorded
as the invoice's total; empty it stays allowed (Pilot and ``tui.keyed``)."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path
from typing import Any

from fakes import make_case
from test_tui_app import select
from test_tui_helpers import wait_run
from test_tui_operator_window_optional import _app
from test_tui_window_values import SIZE, notice, until
from textual.widgets import Input

from testbench.store.read import read_session
from testbench.tui.keyed import misread, path_type
from testbench.tui.screens import AttestScreen


def test_a_path_no_expectation_types_reads_as_its_kind_of_value() -> None:
    case = make_case("TC-NONE", (), ())
    assert path_type("invoice.totals.billed") == "decimal" and path_type("lot.invoice_count") == "integer"
    assert path_type("adri.rights_open") == "boolean" and path_type("invoice.number") == "string"
    assert misread(case, "invoice.totals.billed", "beaucoup") is not None
    assert misread(case, "invoice.totals.billed", "56,00 €") is None
    assert misread(case, "lot.invoice_count", "deux") is not None and misread(case, "lot.invoice_count", "2") is None
    assert misread(case, "adri.rights_open", "o") is not None and misread(case, "adri.rights_open", "oui") is None
    assert misread(case, "invoice.number", "F-12 bis") is None  # a number as the product writes it: any text


def _play(tmp_path: Path, optional: str) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    async def scenario() -> None:
        app = _app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await select(app, pilot, "TC-OPT")
            await pilot.press("r")
            await until(pilot, lambda: isinstance(app.screen, AttestScreen), "the manual step")
            window = app.screen
            window.query_one("#value-0", Input).value = optional  # « Total facturé »: the case expects nothing
            window.query_one("#value-1", Input).value = "5,90"
            await pilot.press("ctrl+s")
            await pilot.pause()
            seen["open"] = app.screen is window
            if seen["open"]:
                seen["notice"] = notice(window)
                seen["focused"] = window.focused.id if window.focused else None
                seen["kept"] = window.query_one("#value-0", Input).value
                await pilot.press("ctrl+t", "ctrl+t")
            await wait_run(app, pilot)

    asyncio.run(scenario())
    with read_session(tmp_path / "opt.tbsession") as view:
        seen["verdict"] = next(c for c in view.cases if c.case_id == "TC-OPT").verdict
    return seen


def test_text_in_an_optional_amount_field_is_refused_with_the_reason(tmp_path: Path) -> None:
    seen = _play(tmp_path, "beaucoup")
    assert seen["open"], seen
    assert seen["notice"] == (
        "Total facturé (invoice.totals.billed) : « beaucoup » n'est pas un nombre ; tapez-le comme l'écran l'écrit"
        " (5,90 ou 5,90 €)"
    ), seen
    assert seen["focused"] == "value-0" and seen["kept"] == "beaucoup", seen


def test_an_optional_amount_as_the_screen_writes_it_is_accepted(tmp_path: Path) -> None:
    seen = _play(tmp_path, "12,30 €")
    assert not seen["open"] and seen["verdict"] == "pass", seen
