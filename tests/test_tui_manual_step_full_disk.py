"""A manual step's answer whose recording fails (a full disk) is not lost: the workstation says it is kept, and
the window offers it again, pre-filled, when the step is asked again (Pilot)."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from test_tui_app import select
from test_tui_helpers import make_app, toasts, wait_run
from textual.widgets import Input, Static

from testbench.store.model import EventKind
from testbench.store.session import SessionStore
from testbench.tui.screens import AttestScreen


def full_disk_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The first write of a manual step's answer fails as SQLite does on a full disk."""
    real = SessionStore.add_event
    failed: list[bool] = []

    def add_event(self: SessionStore, kind: EventKind, *args: Any, **kwargs: Any) -> Any:
        if kind == EventKind.MANUAL_ATTESTED and not failed:
            failed.append(True)
            exc = sqlite3.OperationalError("database or disk is full")
            exc.sqlite_errorcode = sqlite3.SQLITE_FULL  # type: ignore[attr-defined]
            raise exc
        return real(self, kind, *args, **kwargs)

    monkeypatch.setattr(SessionStore, "add_event", add_event)


async def ask(app, pilot) -> AttestScreen:
    await pilot.press("r")
    for _ in range(400):  # a loaded machine (pytest -n) takes seconds to start the run
        await pilot.pause(0.05)
        if isinstance(app.screen, AttestScreen) and app.screen.query("#notice"):  # composed
            break
    await pilot.pause()
    assert isinstance(app.screen, AttestScreen)
    return app.screen


def run_twice(tmp_path: Path, lang: str) -> dict[str, Any]:
    """TC-MAN-003's manual step answered on a full disk, then asked again: what each time said and showed."""
    seen: dict[str, Any] = {}

    async def scenario() -> None:
        app = make_app(tmp_path, lang=lang)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await select(app, pilot, "TC-MAN-003")
            await ask(app, pilot)
            await pilot.press(*"33.60", "tab", *"lu à l'écran", "ctrl+s")
            await wait_run(app, pilot)
            seen["said"] = toasts(app)
            window = await ask(app, pilot)
            seen["fields"] = [field.value for field in window.query(Input)]
            seen["notice"] = str(window.query_one("#notice", Static).render())
            await pilot.press("ctrl+s")
            await wait_run(app, pilot)
            seen["kept after"] = dict(app.unrecorded)
            seen["verdict"] = app.ws.find("TC-MAN-003").verdict

    asyncio.run(scenario())
    return seen


def test_an_answer_the_disk_could_not_record_is_offered_again(tmp_path: Path, monkeypatch) -> None:
    full_disk_once(monkeypatch)
    seen = run_twice(tmp_path, "fr")
    assert "disque plein" in seen["said"], seen
    assert "TC-MAN-003 / m-screen : la saisie de l'étape manuelle n'a pas été enregistrée" in seen["said"], seen
    assert seen["fields"] == ["33.60", "lu à l'écran"], seen
    assert seen["notice"].startswith("Saisie précédente reprise : elle n'a pas pu être enregistrée."), seen
    assert "Ctrl+S" in seen["notice"], seen
    assert seen["kept after"] == {}, seen  # recorded the second time: nothing kept any more
    assert seen["verdict"] == "pass", seen


def test_the_kept_answer_is_said_in_english(tmp_path: Path, monkeypatch) -> None:
    full_disk_once(monkeypatch)
    seen = run_twice(tmp_path, "en")
    assert "TC-MAN-003 / m-screen: the manual step's entry was not recorded" in seen["said"], seen
    assert seen["fields"] == ["33.60", "lu à l'écran"], seen
    assert seen["notice"].startswith("Previous entry restored: it could not be recorded."), seen


def test_an_answer_recorded_is_not_offered_again(tmp_path: Path) -> None:
    async def scenario() -> list[str]:
        app = make_app(tmp_path)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await select(app, pilot, "TC-MAN-003")
            await ask(app, pilot)
            await pilot.press(*"33.61", "ctrl+s")
            await wait_run(app, pilot)
            assert app.unrecorded == {}
            window = await ask(app, pilot)
            fields = [field.value for field in window.query(Input)]
            await pilot.press("ctrl+t", "ctrl+t")
            await wait_run(app, pilot)
            return fields

    assert asyncio.run(scenario()) == ["", ""]
