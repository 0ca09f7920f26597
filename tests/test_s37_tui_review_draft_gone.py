"""A review typed and never saved for a case no casebook open holds any more (removed from its file) was announced
at every opening, « Réviser (a) sur ce cas la reprend », though no case offered it: it is now said once, with its
reason, « … ne sera plus proposée », and dropped. A review of a case whose casebook changed since (another version,
the same case id) follows the case into it and is offered back by ``a`` there, with the verdict it was typed
against. Pilot, a real session and its drafts file on disk."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

from test_tui_app import select
from test_tui_helpers import make_app, run_log, sample_casebook, toasts
from textual.widgets import Input, Tree

from testbench.tui.screens import ReviewScreen
from testbench.tui.workstation import Workstation, draft_path

SIZE = (120, 36)
OLD_VERSION = "0" * 64  # the fingerprint of the casebook's file before it changed
MANUAL = "TC-MAN-003"
STEP_GONE = (
    "TC-GONE-001 · m-screen : saisie tapée dans l'étape manuelle avant la fermeture du poste d'examen, jamais"
    " confirmée : manual.amo = 33,60 (note : écran vu) ; ce cas n'est plus dans les cahiers de tests ouverts : elle"
    " ne sera plus proposée"
)
GONE = {
    "fr": "TC-GONE-001 : révision tapée avant la fermeture du poste d'examen, jamais enregistrée (motif : vu) ; ce cas"
    " n'est plus dans les cahiers de tests ouverts : elle ne sera plus proposée",
    "en": "TC-GONE-001: review typed before the exam workstation closed, never saved (reason: vu); this case is no"
    " longer in the open casebooks: it will not be offered again",
}


def _drafts(tmp_path: Path) -> None:
    ws = Workstation([sample_casebook(tmp_path)], tmp_path / "exam.tbsession")
    ws.prepare()
    typed = {"decision": "comment", "reviewer": "Camille", "original": "fail"}
    ws.save_review_draft((OLD_VERSION, "TC-GONE-001"), {**typed, "reason": "vu"})
    ws.save_review_draft((OLD_VERSION, "TC-KO-002"), {**typed, "reason": "arrondi"})
    manual = next(s for s in ws.find(MANUAL).case.steps if s.id == "m-screen")  # its window: values and a note
    ws.save_draft((OLD_VERSION, "TC-GONE-001"), manual, {"manual.amo": "33,60"}, "écran vu")
    ws.save_draft((OLD_VERSION, MANUAL), manual, {"manual.amo": "12,00"}, "")
    ws.close()


def test_a_review_of_a_removed_case_is_said_once_then_dropped(tmp_path: Path) -> None:
    _drafts(tmp_path)

    async def opened(lang: str) -> tuple[str, str]:
        app = make_app(tmp_path, lang=lang)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            return toasts(app), run_log(app)

    said, log = asyncio.run(opened("en"))
    assert GONE["en"] in said and GONE["en"] in log
    said, log = asyncio.run(opened("fr"))
    assert "TC-GONE-001" not in said and "TC-GONE-001" not in log  # said once
    assert "TC-GONE-001" not in draft_path(tmp_path / "exam.tbsession").read_text(encoding="utf-8")


def test_a_manual_step_s_draft_of_a_removed_case_is_said_once_and_one_of_a_changed_casebook_follows(
    tmp_path: Path,
) -> None:
    """The same for a manual step's window: its values and note were kept for ever, never said, and a casebook
    saved since left them under the old version's case, never offered again."""
    _drafts(tmp_path)

    async def opened() -> tuple[str, str]:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            return toasts(app), run_log(app)

    said, log = asyncio.run(opened())
    assert STEP_GONE in said and STEP_GONE in log
    said, log = asyncio.run(opened())
    assert "m-screen : saisie tapée" not in said and "m-screen : saisie tapée" not in log  # said once
    ws = Workstation([sample_casebook(tmp_path)], tmp_path / "exam.tbsession")
    ws.prepare()
    assert ws.draft(ws.find(MANUAL).key, "m-screen").values == {"manual.amo": "12,00"}  # offered when asked again
    assert ws.draft((OLD_VERSION, "TC-GONE-001"), "m-screen") is None
    ws.close()


def test_a_review_of_a_case_whose_casebook_changed_is_offered_on_its_new_version(tmp_path: Path) -> None:
    _drafts(tmp_path)

    async def scenario() -> str:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            said = toasts(app)
            assert "TC-KO-002 : révision tapée" in said and "Réviser (a) sur ce cas la reprend" in said
            await select(app, pilot, "TC-KO-002")
            app.query_one("#tree", Tree).focus()
            await pilot.press("a")
            await pilot.pause()
            assert isinstance(app.screen, ReviewScreen)
            return app.screen.query_one("#reason", Input).value

    assert asyncio.run(scenario()) == "arrondi"
