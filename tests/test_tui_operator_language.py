"""Operator mode in the workstation, in English: the manual-step window and the run log in the language shown.

The engine's instructions and field labels are French in the session (finding 1 of the English audit); the
window that asks the operator, and the run log's line, read them in the workstation's language.
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

from test_tui_helpers import run_log
from textual.widgets import Input, Label, Static

from testbench.casebook.loader import load_casebooks
from testbench.paths import CASEBOOKS_DIR
from testbench.runner.assemble import BenchOptions, assembled_bench
from testbench.tui.config import Settings, UiState
from testbench.tui.screens import AttestScreen
from testbench.tui.workstation import Workstation

SIZE = (130, 40)


def operator_app(tmp: Path, lang: str):
    """The demo casebook in operator mode (the operator performs the engine's steps), in-process cards."""
    from testbench.tui.app import WorkstationApp

    ws = Workstation(load_casebooks([CASEBOOKS_DIR / "demo.xml"]), tmp / "op.tbsession")
    app = WorkstationApp(
        ws,
        bench_factory=assembled_bench(BenchOptions(engine="operator", cards="inprocess")),
        settings=Settings(lang=lang, operator="Alice"),
        state=UiState(tmp / "cfg"),
    )
    app.animation_level = "none"
    return app


async def ask_first_step(app, pilot) -> AttestScreen:
    app.goto_case(app.ws.find("DEMO-FSE-001").key)
    await pilot.pause()
    await pilot.press("r")
    for _ in range(100):
        await pilot.pause(0.05)
        if isinstance(app.screen, AttestScreen):
            return app.screen
    raise AssertionError("the operator was not asked")


def window_text(screen: AttestScreen) -> str:
    instruction = str(screen.query_one("#instruction", Static).render())
    return "\n".join([instruction, *(str(label.render()) for label in screen.query(Label))])


def shown(tmp_path: Path, lang: str) -> tuple[str, str]:
    """What the operator reads when asked to read the CPS card: the window, then the run log."""
    out: list[str] = []

    async def scenario() -> None:
        app = operator_app(tmp_path, lang)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            screen = await ask_first_step(app, pilot)
            app.flush_panel()
            out.extend([window_text(screen), run_log(app)])
            await pilot.press("ctrl+t")  # stop: the step stays pending
            await asyncio.wait_for(app.workers.wait_for_complete(), timeout=30)

    asyncio.run(scenario())
    return out[0], out[1]


def test_the_operator_is_asked_in_english_when_the_workstation_speaks_english(tmp_path: Path) -> None:
    window, log = shown(tmp_path, "en")
    instruction = (
        "Read the CPS card in the application (slot “cps”). Then report below the values the application shows."
    )
    assert instruction in window, window
    assert "Practitioner's RPPS (cps.rpps)" in window and "Cardholder's name (cps.name)" in window, window
    assert f"✋ s-cps: {instruction}" in log, log
    assert "Lisez" not in window + log and "porteur" not in window, window


def test_the_operator_is_asked_in_french_by_default(tmp_path: Path) -> None:
    window, log = shown(tmp_path, "fr")
    instruction = (
        "Lisez la carte CPS dans le logiciel (emplacement « cps »). Puis reportez ci-dessous les valeurs que le"
        " logiciel affiche."
    )
    assert instruction in window and "RPPS du professionnel (cps.rpps)" in window, window
    assert f"✋ s-cps : {instruction}" in log, log


def test_a_step_the_operator_rejects_without_a_note_reads_in_english(tmp_path: Path) -> None:
    """Finding 3: ctrl+r with no note: the window stays and asks for the reason (in English; audit 13: the same
    window, what was typed kept), and the refusal reads in English as the operator's, with that reason (audit 9,
    A7: never « refused by the engine »)."""
    out: list[str] = []

    async def scenario() -> None:
        app = operator_app(tmp_path, "en")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            first = await ask_first_step(app, pilot)
            await pilot.press("ctrl+r")
            await pilot.pause()
            assert app.screen is first
            out.append(str(first.query_one("#notice", Static).render()) + "\n" + window_text(first))
            app.screen.query_one("#note", Input).value = "card refused"
            await pilot.press("ctrl+r")
            await asyncio.wait_for(app.workers.wait_for_complete(), timeout=30)
            await pilot.pause()
            app.flush_panel()
            out.append(run_log(app))

    asyncio.run(scenario())
    assert "A reason is required to reject the step: write it in the note." in out[0], out[0]
    assert "Read the CPS card" in out[0], out[0]
    assert "failed — step s-cps refused by the operator: card refused" in out[1], out[1]
