"""What is typed in a tool's window (« Page de garde », « Nouveau cas »…) survives the workstation's end as a manual
step's or the review window's does: kept as typed in ``SESSION.draft.json``, said as the session opens, offered back
— said recovered, counted as typed — when that tool's window opens again after a closed terminal, a crash or
``kill -9``; it goes once the tool ran with it and ended well, or when Escape or Ctrl+Q, told they drop it, close the
window. It used to be lost silently. Pilot, a real session on disk; leaving ``run_test`` without the quit is what a
killed process leaves."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import json
from pathlib import Path

import pytest
from test_tui_helpers import make_app, run_log, sample_casebook, toasts
from textual.widgets import Input, Static

from testbench.tui.tool_screen import ToolScreen
from testbench.tui.workstation import Workstation, aside_said, draft_path

SIZE = (120, 36)
RECOVERED = {
    "fr": "Saisie récupérée : tapée dans cette fenêtre avant la fermeture du poste d'examen, pas encore lancée.",
    "en": "Input recovered: typed in this window before the exam workstation closed, not yet run.",
}
KEPT = {
    "fr": "Page de garde : saisie tapée avant la fermeture du poste d'examen, pas encore lancée ; « Page de garde »"
    " dans la palette (Ctrl+P) la reprend",
    "en": "Cover: input typed before the exam workstation closed, not yet run; “Cover” in the palette (Ctrl+P) takes"
    " it back",
}


async def _cover_window(app, pilot) -> ToolScreen:
    await pilot.pause()
    await app.run_action("tool('cover')")
    await pilot.pause()
    assert isinstance(app.screen, ToolScreen)
    return app.screen


async def _kept(app, pilot, values: dict[str, str]) -> None:
    """Wait until the cover tool's draft holds ``values`` (written a short pause after the change)."""
    for _ in range(100):
        draft = app.ws.tool_draft("cover")
        if draft is not None and draft.values == values:
            return
        await pilot.pause(0.05)
    pytest.fail(f"{values} never kept")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_cover_fields_typed_come_back_after_a_kill_then_go_once_run(tmp_path: Path, lang: str) -> None:
    session = tmp_path / "exam.tbsession"

    async def typed_then_killed() -> None:
        app = make_app(tmp_path, lang=lang)
        async with app.run_test(size=SIZE) as pilot:
            window = await _cover_window(app, pilot)
            window.query_one("#field-sut", Input).focus()
            await pilot.press(*"ERP Soins", "tab", *"4.2")
            await _kept(app, pilot, {"sut": "ERP Soins", "sut_version": "4.2"})
            # the app ends as a killed process: nothing of its quit runs

    async def reopened() -> tuple[str, str, str]:
        app = make_app(tmp_path, lang=lang)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert KEPT[lang] in toasts(app) and KEPT[lang] in run_log(app)  # said as the session opens
            window = await _cover_window(app, pilot)
            notice = str(window.query_one("#notice", Static).render())
            shown = (window.query_one("#field-sut", Input).value, window.query_one("#field-sut_version", Input).value)
            assert window.typed()  # recovered counts as typed: Escape and Ctrl+Q warn before dropping it
            window.query_one("#field-sut", Input).focus()
            await pilot.press("enter")  # runs the tool with them
            for _ in range(100):
                await pilot.pause(0.05)
                if window.outcome is not None and not draft_path(session).exists():
                    break
            assert window.outcome is not None and window.outcome.code == 0
            return (*shown, notice)

    asyncio.run(typed_then_killed())
    assert json.loads(draft_path(session).read_text(encoding="utf-8"))
    sut, version, notice = asyncio.run(reopened())
    assert (sut, version) == ("ERP Soins", "4.2")
    assert notice.startswith(RECOVERED[lang]), notice
    assert not draft_path(session).exists()  # run and ended well: nothing left to offer back


@pytest.mark.parametrize("key", ["escape", "ctrl+q"])
def test_a_recovered_tool_draft_is_dropped_only_at_the_second_press(tmp_path: Path, key: str) -> None:
    session = tmp_path / "exam.tbsession"
    ws = Workstation([sample_casebook(tmp_path)], session)
    ws.prepare()
    ws.save_tool_draft("new-case", {}, {"id": "FSE-042"})
    ws.close()

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await app.run_action("tool('new-case')")
            await pilot.pause()
            window = app.screen
            assert isinstance(window, ToolScreen) and window.query_one("#field-id", Input).value == "FSE-042"
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is window and app.is_running and draft_path(session).is_file()
            assert "sera perdu" in str(window.query_one("#notice", Static).render())
            await pilot.press(key)
            for _ in range(100):
                await pilot.pause(0.05)
                if app.screen is not window or not app.is_running:
                    break
            assert app.screen is not window or not app.is_running

    asyncio.run(scenario())
    assert not draft_path(session).exists()


def test_a_tool_draft_leaves_out_a_pin_sits_beside_the_others_and_is_named_when_set_aside(tmp_path: Path) -> None:
    from testbench.i18n import translator

    ws = Workstation([sample_casebook(tmp_path)], tmp_path / "s.tbsession")
    ws.prepare()
    labels = {"operator": "Opérateur (facultatif)", "sut": "Logiciel testé (facultatif)"}
    ws.save_tool_draft("cover", labels, {"operator": "code porteur : 4719", "sut": "ERP"})
    assert "4719" not in draft_path(ws.session_path).read_text(encoding="utf-8")  # a PIN is never written
    assert ws.tool_draft("cover").values == {"sut": "ERP"}
    assert ws.kept_tools() == ["cover"] and ws.kept_reviews() == [] and ws.kept_corrections() == []
    ws.save_tool_draft("cover", labels, {})  # nothing typed left: dropped
    assert ws.tool_draft("cover") is None and not draft_path(ws.session_path).exists()
    ws.save_tool_draft("cover", labels, {"sut": "ERP"})
    replaced, ws._own_id = ws._session_id(), "another"  # as another session copied over it
    ws._set_drafts_aside(replaced)
    places = ws.take_set_aside()
    assert places == ["outil · cover"]
    assert aside_said(places, translator("en")) == "tool · cover"
    assert ws.tool_draft("cover") is None  # never offered to the session now in its place
    ws.close()
