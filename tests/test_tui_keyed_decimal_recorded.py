"""The workstation (Pilot): an amount keyed with a comma in the manual step's window (« 33,60 », as the screen
writes it) is recorded « 33.60 », and view 3 shows it as money in the reader's language beside the expected
amount, never as typed."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import html
import re
from pathlib import Path

import pytest
from test_tui_app import select
from test_tui_helpers import make_app, wait_run

from testbench.store.read import read_session
from testbench.tui.screens import AttestScreen

SIZE = (140, 40)


def shown(app) -> str:
    """The screen's text as the terminal shows it."""
    return html.unescape(re.sub(r"<[^>]+>", "", app.export_screenshot())).replace("\xa0", " ")


@pytest.mark.parametrize(("lang", "money", "typed"), [("fr", "33,60 €", "33,60 "), ("en", "€33.60", "33,60")])
def test_an_amount_keyed_with_a_comma_is_recorded_and_shown_as_money(
    tmp_path: Path, lang: str, money: str, typed: str
) -> None:
    seen: dict[str, str] = {}

    async def scenario() -> None:
        app = make_app(tmp_path, lang=lang)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await select(app, pilot, "TC-MAN-003")
            await pilot.press("r")
            for _ in range(100):
                await pilot.pause(0.05)
                if isinstance(app.screen, AttestScreen):
                    break
            assert isinstance(app.screen, AttestScreen)
            await pilot.press(*"33,60", "ctrl+s")
            await wait_run(app, pilot)
            seen["verdict"] = app.ws.find("TC-MAN-003").verdict
            await pilot.press("3")
            await pilot.pause()
            seen["view"] = shown(app)

    asyncio.run(scenario())
    assert seen["verdict"] == "pass", seen
    with read_session(tmp_path / "exam.tbsession") as view:
        case = next(c for c in view.cases if c.case_id == "TC-MAN-003")
        stored = {o["path"]: o["value"] for o in view.observations(case.latest.id)}
    assert stored["manual.amo"] == "33.60"
    row = next(line for line in seen["view"].splitlines() if "manual.amo" in line or "e-man" in line)
    assert row.count(money) >= 2, row  # expected and observed alike
    assert typed not in row.replace(money, ""), row
