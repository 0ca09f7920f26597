"""The notice « Un autre poste d'examen … a déjà cette session ouverte » is taken off when that other workstation
closes, whatever the language switched to (F2) meanwhile: the notice shown in French was sought in English and
stayed on screen beside « The other workstation has closed this session »."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

from test_tui_helpers import make_app, sample_casebook, toasts

from testbench.tui.workstation import ANOTHER_WORKSTATION, Workstation


def test_the_other_workstation_notice_goes_when_it_closes_after_a_language_switch(tmp_path: Path) -> None:
    first = Workstation([sample_casebook(tmp_path)], tmp_path / "exam.tbsession")
    assert ANOTHER_WORKSTATION not in first.prepare()

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            assert ANOTHER_WORKSTATION in toasts(app)
            await pilot.press("f2")
            await pilot.pause()
            first.close()
            for _ in range(50):
                await pilot.pause(0.1)
                if "The other workstation" in toasts(app):
                    break
            await pilot.pause()
            assert "The other workstation" in toasts(app), toasts(app)
            assert ANOTHER_WORKSTATION not in toasts(app), toasts(app)

    try:
        asyncio.run(scenario())
    finally:
        first.close()
