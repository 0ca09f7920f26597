"""The manual-step window for a keyboard-only engineer (Pilot): it says what to key in (the case's own step, as
the exam view's « Consigne »), its footer and F1 list its keys only, and q / Ctrl+C say how to quit.
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import html
import re
from pathlib import Path
from typing import Any

from test_tui_app import select
from test_tui_helpers import make_app, toasts, wait_run
from textual.widgets import Static

from testbench.casebook.model import Step, StepKind
from testbench.tui.operator_prompt import AttestationRequest
from testbench.tui.screens import AttestScreen, HelpScreen

SIZE = (100, 30)


def shown(app) -> str:
    """The screen's text as the terminal shows it."""
    return html.unescape(re.sub(r"<[^>]+>", "", app.export_screenshot()))


def footer(app) -> str:
    return [line for line in shown(app).splitlines() if "Ctrl+" in line][-1]


def invoice_window(tmp_path: Path, lang: str) -> dict[str, Any]:
    """Operator mode's window for TC-OK-001's invoice step (the bench's instruction names it only)."""
    seen: dict[str, Any] = {}

    async def scenario() -> None:
        app = make_app(tmp_path, lang=lang)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            case = app.ws.find("TC-OK-001").case
            asked = Step(id="s2", kind=StepKind.MANUAL, instruction="Saisissez la facture de l'étape s2 du cas.")
            screen = AttestScreen(AttestationRequest(case=case, step=asked), "Op", app.t, app.ws.observe_hints)
            app.push_screen(screen)
            await pilot.pause()
            seen["consigne"] = str(screen.query_one("#consigne", Static).render())
            seen["instruction"] = str(screen.query_one("#instruction", Static).render())
            seen["focused"] = app.focused.id if app.focused else None

    asyncio.run(scenario())
    return seen


def test_the_window_of_an_engine_step_says_its_lines_as_the_exam_view_does(tmp_path: Path) -> None:
    seen = invoice_window(tmp_path, "fr")
    assert seen["consigne"].startswith("Consigne : Facturer à p1"), seen
    assert "LPP 1241763 × 4 à 14,00\xa0€" in seen["consigne"], seen
    assert seen["instruction"] == "Saisissez la facture de l'étape s2 du cas.", seen
    assert seen["focused"] != "instruction-box", seen  # the first field keeps the focus


def test_the_window_says_the_lines_in_english_too(tmp_path: Path) -> None:
    seen = invoice_window(tmp_path, "en")
    assert seen["consigne"].startswith("Instruction: Bill p1"), seen
    assert "LPP 1241763 × 4 at €14.00" in seen["consigne"], seen


def manual_step(tmp_path: Path, lang: str, *keys: str) -> dict[str, Any]:
    """TC-MAN-003 run up to its manual step: the footer, F1's text, and what ``keys`` pressed there said."""
    seen: dict[str, Any] = {}

    async def scenario() -> None:
        app = make_app(tmp_path, lang=lang)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await select(app, pilot, "TC-MAN-003")
            await pilot.press("q", "ctrl+c")  # the tree has the focus: no field takes them
            await pilot.pause()
            seen["main"] = toasts(app)
            await pilot.press("r")
            for _ in range(100):
                await pilot.pause(0.05)
                if isinstance(app.screen, AttestScreen):
                    break
            assert isinstance(app.screen, AttestScreen)
            window = app.screen
            seen["footer"] = footer(app)
            await pilot.press("ctrl+c")
            await pilot.pause()
            seen["ctrl+c"] = str(window.query_one("#notice", Static).render())
            await pilot.press("f1")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            seen["help"] = shown(app)
            await pilot.press("f1", "ctrl+t")
            await wait_run(app, pilot)

    asyncio.run(scenario())
    return seen


def test_the_footer_and_the_help_over_a_manual_step_list_its_keys_only(tmp_path: Path) -> None:
    seen = manual_step(tmp_path, "fr")
    bar = seen["footer"].replace("\xa0", " ")
    for said in ("Ctrl+S Confirmer", "Ctrl+R Rejeter", "Ctrl+T Arrêter", "F1 Aide", "Ctrl+Q Quitter"):
        assert said in bar, bar
    assert "Filtrer" not in bar and "Exécuter" not in bar and "Rapport" not in bar, bar
    help_text = seen["help"]
    for key in ("Ctrl+S", "Ctrl+R", "Ctrl+T", "Ctrl+Q", "F2"):
        assert key in help_text, help_text
    assert "step-confirm" in help_text and "run-case" not in help_text


def test_the_footer_over_a_manual_step_in_english(tmp_path: Path) -> None:
    bar = manual_step(tmp_path, "en")["footer"].replace("\xa0", " ")
    assert "Ctrl+S Confirm" in bar and "Ctrl+R Reject" in bar and "Ctrl+Q Quit" in bar, bar
    assert "Filter" not in bar, bar


def test_q_and_ctrl_c_say_how_to_quit(tmp_path: Path) -> None:
    seen = manual_step(tmp_path, "fr")
    said = "Ctrl+Q pour quitter (la session est déjà enregistrée)"
    assert seen["main"].count(said) == 2, seen["main"]
    assert seen["ctrl+c"] == said, seen


def test_q_and_ctrl_c_say_how_to_quit_in_english(tmp_path: Path) -> None:
    seen = manual_step(tmp_path, "en")
    said = "Ctrl+Q to quit (the session is already saved)"
    assert seen["main"].count(said) == 2, seen["main"]
    assert seen["ctrl+c"] == said, seen
