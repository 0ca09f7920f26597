"""What is typed in the review window (``a``) survives the workstation's end as a manual step's window's does: kept as
typed in ``SESSION.draft.json`` beside the session, it is offered back — decision, reviewer and reason, said
recovered — when the window opens again for that case after a closed terminal, a crash or ``kill -9``; it goes once
the review is saved, or when Escape or Ctrl+Q, told they drop it, close the window. It used to be lost silently.
Pilot, a real session on disk; the workstation's end without its quit (the run_test left, SIGTERM's handler) is what
a closed terminal leaves."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import json
import signal
from pathlib import Path

import pytest
from test_tui_app import select
from test_tui_helpers import make_app, run_log, sample_casebook, toasts, wait_run
from textual.widgets import Input, Select, Static, Tree

from testbench.tui.screens import ReviewScreen
from testbench.tui.workstation import Draft, Workstation, aside_said, draft_path

SIZE = (120, 36)
RECOVERED = {
    "fr": "Révision récupérée : tapée dans cette fenêtre avant la fermeture du poste d'examen, pas encore enregistrée.",
    "en": "Review recovered: typed in this window before the exam workstation closed, not yet saved.",
}


async def _review_window(app, pilot, *, run: bool = False) -> ReviewScreen:
    """The review window of TC-KO-002 (run first when ``run``)."""
    await pilot.pause()
    await select(app, pilot, "TC-KO-002")
    if run:
        await pilot.press("r")
        await wait_run(app, pilot)
    app.query_one("#tree", Tree).focus()
    await pilot.press("a")
    await pilot.pause()
    assert isinstance(app.screen, ReviewScreen)
    return app.screen


async def _kept(app, pilot, reason: str) -> None:
    """Wait until the review's draft holds ``reason`` (written a short pause after the change)."""
    for _ in range(100):
        draft = app.ws.review_draft(app.ws.find("TC-KO-002").key)
        if draft is not None and draft.note == reason:
            return
        await pilot.pause(0.05)
    pytest.fail(f"« {reason} » never kept")


@pytest.mark.parametrize(("lang", "end"), [("fr", "closed"), ("en", "sigterm")])
def test_what_was_typed_in_the_review_window_comes_back_then_goes_once_saved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str, end: str
) -> None:
    from testbench.signing import init_key

    key = tmp_path / "keys" / "signing-key.pem"
    init_key(key)
    monkeypatch.setenv("TESTBENCH_SIGNING_KEY", str(key))
    session = tmp_path / "exam.tbsession"

    async def typed_then_lost() -> None:
        app = make_app(tmp_path, lang=lang)
        async with app.run_test(size=SIZE) as pilot:
            window = await _review_window(app, pilot, run=True)
            window.query_one("#decision", Select).value = "pass"
            window.query_one("#reason", Input).focus()
            await pilot.press(*"arrondi")
            await _kept(app, pilot, "arrondi")
            if end == "sigterm":  # what SIGTERM or SIGHUP (the terminal closed) does: no quit, nobody asked
                app._interrupted(signal.SIGTERM)
                await pilot.pause()
            # else the app ends as a killed process: nothing of its quit runs

    async def reopened() -> tuple[str, str, str, str]:
        app = make_app(tmp_path, lang=lang)
        async with app.run_test(size=SIZE) as pilot:
            window = await _review_window(app, pilot)
            shown = (
                str(window.query_one("#decision", Select).value),
                window.query_one("#reviewer", Input).value,
                window.query_one("#reason", Input).value,
                str(window.query_one("#notice", Static).render()),
            )
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert not isinstance(app.screen, ReviewScreen)  # saved
            assert app.ws.find("TC-KO-002").verdict == "pass"
        return shown

    asyncio.run(typed_then_lost())
    assert draft_path(session).is_file()
    decision, reviewer, reason, notice = asyncio.run(reopened())
    assert (decision, reviewer, reason) == ("pass", "Opératrice Test", "arrondi")
    assert notice.startswith(RECOVERED[lang]), notice
    assert not draft_path(session).exists()  # saved: nothing left to offer back


@pytest.mark.parametrize("key", ["escape", "ctrl+q"])
def test_a_recovered_review_is_dropped_only_at_the_second_press(tmp_path: Path, key: str) -> None:
    """Escape and Ctrl+Q say first that the reason (recovered, so typed) would be lost; the second press drops it."""
    session = tmp_path / "exam.tbsession"
    ws = Workstation([sample_casebook(tmp_path)], session)
    ws.prepare()
    ws.save_review_draft(ws.find("TC-KO-002").key, {"decision": "comment", "reviewer": "Camille", "reason": "vu"})
    ws.close()

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            said = (
                "TC-KO-002 : révision tapée avant la fermeture du poste d'examen, pas encore enregistrée (motif : vu) ;"
                " Réviser (a) sur ce cas la reprend"
            )
            assert said in toasts(app) and said in run_log(app)  # said as the session opens: never forgotten unsaid
            window = await _review_window(app, pilot)
            assert window.query_one("#reason", Input).value == "vu"
            assert window.query_one("#reviewer", Input).value == "Camille"
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is window and app.is_running and draft_path(session).is_file()
            assert "sera perdu" in str(window.query_one("#notice", Static).render())
            await pilot.press(key)
            for _ in range(100):
                await pilot.pause(0.05)
                if app.screen is not window or not app.is_running:  # closed, or the workstation quit
                    break
            assert app.screen is not window or not app.is_running
            await app.workers.wait_for_complete()

    asyncio.run(scenario())
    assert not draft_path(session).exists()


def test_the_review_draft_masks_a_pin_sits_beside_a_step_s_and_is_named_when_set_aside(tmp_path: Path) -> None:
    book = sample_casebook(tmp_path)
    ws = Workstation([book], tmp_path / "s.tbsession")
    ws.prepare()
    case_key = (book.sha256, "TC-KO-002")
    ws.save_review_draft(case_key, {"decision": "accept", "reviewer": "R", "original": "fail", "reason": "PIN: 4719"})
    assert "4719" not in draft_path(ws.session_path).read_text(encoding="utf-8")  # a PIN is never written
    values = {"decision": "accept", "reviewer": "R", "original": "fail"}
    assert ws.review_draft(case_key) == Draft(values, "PIN: ‹PIN›")
    assert ws.draft(case_key, "review") is None  # no step's draft, whatever its id
    assert ws.kept_corrections() == []  # nor the values read's
    ws.save_review_draft(case_key, {})  # nothing typed left: dropped
    assert ws.review_draft(case_key) is None and not draft_path(ws.session_path).exists()
    ws.save_review_draft(case_key, {"decision": "comment", "reviewer": "R", "original": "fail", "reason": "vu"})
    replaced, ws._own_id = ws._session_id(), "another"  # as another session copied over it (``_follow_replacement``)
    ws._set_drafts_aside(replaced)
    places = ws.take_set_aside()
    assert places == ["TC-KO-002 · revue du verdict"]
    from testbench.i18n import translator

    assert aside_said(places, translator("en")) == "TC-KO-002 · verdict review"
    assert len(json.loads(draft_path(ws.session_path).read_text(encoding="utf-8"))) == 1  # kept, set aside
    assert ws.review_draft(case_key) is None  # never offered to the session now in its place
    ws.close()
