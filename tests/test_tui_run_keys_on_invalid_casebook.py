"""``x`` and ``f`` on an invalid casebook say why its cases do not run, as ``r`` and ``s`` do, rather than that
there is nothing to run."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

from test_tui_helpers import toasts
from test_tui_reload import BROKEN_STEP, CASEBOOK, app_on, write_casebook
from textual.widgets import Tree

from testbench.runner.campaign import record_casebooks
from testbench.store.session import SessionStore

SIZE = (130, 40)
BROKEN = CASEBOOK.replace(BROKEN_STEP, 'step="s-nowhere" path="invoice.totals.amo"')


def test_x_on_an_invalid_casebook_says_it_is_invalid(tmp_path: Path) -> None:
    path = write_casebook(tmp_path, BROKEN)

    async def scenario() -> None:
        app = app_on(path, tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            app.query_one("#tree", Tree).focus()
            await pilot.press("x")
            await pilot.pause()
            assert not app.running
            assert "Cahier de tests invalide : 2 cas en lecture seule, non exécutés." in toasts(app)
            assert "Aucun cas à exécuter." not in toasts(app)

    asyncio.run(scenario())


def test_f_on_an_invalid_casebook_with_a_failed_case_says_it_is_invalid(tmp_path: Path) -> None:
    path = write_casebook(tmp_path, BROKEN)

    async def scenario() -> None:
        app = app_on(path, tmp_path)
        casebook = app.ws.casebooks[0]
        with SessionStore.open(app.ws.session_path) as store:  # a failure recorded (as if before the file broke)
            record_casebooks(store, [casebook])
            run = store.begin_run(["testbench"], {}, {})
            store.finish_attempt(store.start_attempt(run, casebook.sha256, "RL-001"), "fail", "attendu")
            store.end_run(run)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            app.query_one("#tree", Tree).focus()
            await pilot.press("f")
            await pilot.pause()
            assert not app.running
            assert "Cahier de tests invalide : 1 cas en lecture seule, non exécuté." in toasts(app)

    asyncio.run(scenario())
