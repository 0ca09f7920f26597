"""One language at a time in the workstation (Pilot, headless): French by default, English after F2.

What the bench says reaches the screen as notices, card prompts, verdict reasons, comparison messages
and errors; after F2 every one of them is English, and F2 again brings French back.
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

from test_tui_helpers import demo_app, make_app, run_log, toasts, wait_run
from test_tui_input import open_review
from textual.widgets import Label, Log, Static

from testbench.i18n import default_language

SIZE = (130, 40)


def test_after_f2_the_bench_notices_and_card_prompts_are_english(tmp_path: Path, monkeypatch) -> None:
    # no reader in pcscd: the bench falls back to the in-memory reader and says so (a core message)
    monkeypatch.setattr("testbench.cards.pcsc.list_readers", lambda: [])

    async def scenario() -> None:
        app = demo_app(tmp_path, cards="auto")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find("DEMO-FSE-001").key)
            await pilot.press("f2")
            assert default_language() == "en"  # what the core writes from now on
            await pilot.press("r")
            await wait_run(app, pilot)
            log = run_log(app)
            assert "PC/SC stack unavailable (2 readers missing: " in log
            assert "(present: none)): in-memory virtual reader used instead" in log
            assert "Card to insert: cps-psad → reader cps" in log
            assert "reader vitale: card vitale-std — accepted by the guard" in log
            assert "Remove the cards." in log and "run finished: 1 case " in log
            for french in ("indisponible", "Carte à insérer", "lecteur vitale", "Retirez", "exécution terminée"):
                assert french not in log, french
            assert "PC/SC stack unavailable" in toasts(app)
            # F2 again: French, for the bench too
            app.query_one(Log).clear()
            await pilot.press("f2", "r")
            await wait_run(app, pilot)
            log = run_log(app)
            assert "pile PC/SC indisponible (2 lecteurs absents : " in log
            assert "Carte à insérer : cps-psad → lecteur cps" in log
        assert default_language() == "fr"  # the app gives the language back when it ends

    asyncio.run(scenario())


def test_after_f2_reasons_comparisons_and_review_errors_are_english(tmp_path: Path, monkeypatch) -> None:
    key = tmp_path / "absent.pem"
    monkeypatch.setenv("TESTBENCH_SIGNING_KEY", str(key))

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("f2")
            screen = await open_review(app, pilot, "TC-KO-002")
            log = run_log(app)
            assert "■ TC-KO-002: ✘ failed — e-amo: expected €33.61, observed €33.60 (different)" in log
            await pilot.press(*"rounding", "ctrl+s")
            await pilot.pause()
            assert str(screen.query_one("#review-error", Label).render()) == (
                f"No signing key yet: {key} — Enter: create my signing key"
            )
            assert "Create my signing key" in str(screen.query_one("#create-key").label)
            await pilot.press("escape", "3")
            messages = str(app.query_one("#compare-messages", Static).render())
            assert "✘ e-amo: expected €33.61, observed €33.60 (different)" in messages
            case = str(app.query_one("#case-detail", Static).render())
            assert "e-amo: expected €33.61, observed €33.60 (different)" in case
            assert "attendu" not in case and "observé" not in messages

    asyncio.run(scenario())
