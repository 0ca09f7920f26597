"""After F2 the run view reads in one language: the run's log written in French is drawn again in English (and
back), as its header and card prompt are (Pilot, headless, the demo casebook on the in-process bench)."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

from test_tui_helpers import demo_app, run_log, wait_run

SIZE = (130, 40)


def test_the_log_of_a_french_run_reads_in_english_after_f2(tmp_path: Path) -> None:
    seen: dict[str, str] = {}

    async def scenario() -> None:
        app = demo_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find("DEMO-FSE-001").key)
            await pilot.press("r")
            await wait_run(app, pilot)
            seen["fr"] = run_log(app)
            await pilot.press("f2")
            await pilot.pause()
            seen["en"] = run_log(app)
            await pilot.press("f2")
            await pilot.pause()
            seen["fr again"] = run_log(app)

    asyncio.run(scenario())
    assert "── Exécution : 1 cas ──" in seen["fr"] and "■ DEMO-FSE-001 : ✔ réussi" in seen["fr"]
    english = seen["en"]
    assert "── Run: 1 case ──" in english and "■ DEMO-FSE-001: ✔ passed" in english, english
    assert "Card to insert: cps-psad → reader cps" in english and "run finished: 1 case " in english
    for french in ("Exécution", "réussi", "Carte à insérer", "Retirez", "exécution terminée", ": faite"):
        assert french not in english, french
    assert seen["fr again"] == seen["fr"]
