"""A manual step's recovered values, a forged session and a draft left by an earlier session of the same name.

- Values recovered from a draft (the window reopened after a crash) are what Ctrl+T or Ctrl+Q would lose (both delete
  the draft): the first press says so, as for values typed. They used to go at the first press, unsaid.
- ``x`` in a session whose chain was dropped refuses, as ``r`` and ``run --resume`` do, before « nothing to run »:
  the forged « réussi » used to read as nothing left to run.
- A draft is its session's: a new session given a deleted one's name is not offered the old one's values."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import sqlite3
from pathlib import Path

import pytest
from fakes import make_casebook
from test_tui_app import select
from test_tui_helpers import fake_bench, make_app, sample_casebook, toasts, wait_run
from textual.widgets import Input, Static

from testbench.tui.config import Settings, UiState
from testbench.tui.screens import AttestScreen
from testbench.tui.workstation import Workstation, draft_path

SIZE = (120, 36)


def _draft_left(tmp_path: Path) -> Path:
    """The sample session opened, then a value typed in TC-MAN-003's manual window kept as its draft (as a
    workstation killed with the window open leaves it)."""
    cb = sample_casebook(tmp_path)
    session = tmp_path / "exam.tbsession"
    ws = Workstation([cb], session)
    ws.prepare()
    case = next(c for c in cb.cases if c.id == "TC-MAN-003")
    step = next(s for s in case.steps if s.id == "m-screen")
    ws.save_draft((cb.sha256, case.id), step, {"manual.amo": "33,60"}, "")
    ws.close()
    assert draft_path(session).is_file()
    return session


async def _recovered_window(app, pilot) -> AttestScreen:
    await pilot.pause()
    await select(app, pilot, "TC-MAN-003")
    await pilot.press("r")
    for _ in range(200):
        if isinstance(app.screen, AttestScreen):
            break
        await pilot.pause(0.05)
    window = app.screen
    assert isinstance(window, AttestScreen)
    await pilot.pause()
    assert window.query_one("#value-0", Input).value == "33,60"
    assert str(window.query_one("#notice", Static).render()).startswith("Valeurs récupérées")
    return window


@pytest.mark.parametrize("key", ["ctrl+t", "ctrl+q"])
def test_recovered_values_are_not_lost_at_the_first_press(tmp_path: Path, key: str) -> None:
    session = _draft_left(tmp_path)

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            window = await _recovered_window(app, pilot)
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is window and app.is_running  # neither stopped nor quit
            assert draft_path(session).is_file()
            said = str(window.query_one("#notice", Static).render())  # said on the window's notice line
            assert "encore pour" in said and "la valeur tapée sera perdue" in said, said
            await pilot.press(key)  # the second press does it, the draft with it
            await pilot.pause()
            if key == "ctrl+t":
                await wait_run(app, pilot)
                assert not isinstance(app.screen, AttestScreen)
            await app.workers.wait_for_complete()

    asyncio.run(scenario())
    assert not draft_path(session).exists()


def test_a_draft_of_a_deleted_session_is_not_offered_to_a_new_one_of_its_name(tmp_path: Path) -> None:
    session = _draft_left(tmp_path)
    for leftover in tmp_path.glob("exam.tbsession*"):
        if leftover != draft_path(session):
            leftover.unlink()
    cb = sample_casebook(tmp_path)
    ws = Workstation([cb], session)
    ws.prepare()  # a new session, its own id
    try:
        assert ws.draft((cb.sha256, "TC-MAN-003"), "m-screen") is None
    finally:
        ws.close()
    fresh = Workstation([cb], session)  # the session reopened: the same id, the draft of its own found again
    fresh.prepare()
    try:
        case = next(c for c in cb.cases if c.id == "TC-MAN-003")
        fresh.save_draft((cb.sha256, case.id), case.steps[-1], {"manual.amo": "1,00"}, "")
    finally:
        fresh.close()
    again = Workstation([cb], session)
    again.prepare()
    try:
        draft = again.draft((cb.sha256, "TC-MAN-003"), "m-screen")
        assert draft is not None and draft.values == {"manual.amo": "1,00"}
    finally:
        again.close()


def test_x_refuses_a_session_whose_chain_was_dropped(tmp_path: Path) -> None:
    """The one case's failure forged into a pass and the chain dropped: nothing is left to run in the forged
    record, and ``x`` says the session was altered rather than « Aucun cas à exécuter »."""
    from testbench.tui.app import WorkstationApp

    ko = next(c for c in sample_casebook(tmp_path).cases if c.id == "TC-KO-002")
    cb = make_casebook((ko,), tmp_path)
    session = tmp_path / "one.tbsession"

    def app_on_it() -> WorkstationApp:
        app = WorkstationApp(
            Workstation([cb], session),
            bench_factory=fake_bench,
            settings=Settings(operator="Opératrice Test"),
            state=UiState(tmp_path / "config"),
        )
        app.animation_level = "none"
        return app

    async def record_a_failure() -> None:
        app = app_on_it()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("x")
            await wait_run(app, pilot)
            assert app.ws.find("TC-KO-002").verdict == "fail"

    async def press_x() -> str:
        app = app_on_it()
        async with app.run_test(size=SIZE) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.press("x")
            await pilot.pause()
            assert not app.running
            return toasts(app)

    asyncio.run(record_a_failure())
    conn = sqlite3.connect(session)
    with conn:
        conn.execute("UPDATE attempts SET verdict = 'pass', reason = ''")
        conn.execute("DROP TABLE chain")
    conn.close()
    said = asyncio.run(press_x())
    assert "Exécution refusée : la session a été modifiée après coup" in said, said
    assert "Aucun cas à exécuter" not in said
