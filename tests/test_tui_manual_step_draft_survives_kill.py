"""What is typed in a manual step's window survives the workstation's end: a closed terminal, a crash or ``kill -9``.
Kept beside the session as it is typed (a short pause after each change), it is offered back, pre-filled and said
recovered, when the step is asked again after reopening; once the step's answer is recorded it is gone. A field that
names a PIN is never written. It used to be lost silently: the attempt pending, nothing of the note anywhere."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import json
import shutil
import signal
import time
from pathlib import Path

import pytest
from test_tui_tmux import Terminal, terminal, ui_command  # noqa: F401 - the fixture is used by name
from textual.widgets import Input, Static

from testbench.casebook.loader import load_casebooks
from testbench.casebook.model import Observe, Step, StepKind
from testbench.paths import CASEBOOKS_DIR
from testbench.runner.assemble import BenchOptions
from testbench.tui.config import Settings, UiState
from testbench.tui.execution import assembled_bench
from testbench.tui.screens import AttestScreen
from testbench.tui.workstation import Draft, Workstation, draft_path

BOOK = CASEBOOKS_DIR / "demo.xml"


def _reopened_window(tmp_path: Path, session: Path) -> tuple[dict[str, str], str, str]:
    """The workstation reopened on ``session``, DEMO-FSE-030 run again to its manual step: the window's values, note
    and notice line; then the step confirmed."""
    from testbench.tui.app import WorkstationApp

    async def scenario() -> tuple[dict[str, str], str, str]:
        ws = Workstation(load_casebooks([BOOK]), session)
        app = WorkstationApp(
            ws,
            bench_factory=assembled_bench(BenchOptions(engine="inprocess", cards="inprocess")),
            settings=Settings(operator="Opératrice Test"),
            state=UiState(tmp_path / "cfg2"),
        )
        app.animation_level = "none"
        async with app.run_test(size=(140, 40)) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find("DEMO-FSE-030").key)
            await pilot.pause()
            await pilot.press("r")
            for _ in range(200):
                await pilot.pause(0.05)
                if isinstance(app.screen, AttestScreen):
                    break
            window = app.screen
            assert isinstance(window, AttestScreen)
            await pilot.pause()
            values = {path: window.query_one(f"#value-{n}", Input).value for n, (path, _, _) in enumerate(window.hints)}
            note = window.query_one("#note", Input).value
            notice = str(window.query_one("#notice", Static).render())
            await pilot.press("ctrl+s")
            for _ in range(200):
                await pilot.pause(0.05)
                if not app.running:
                    break
            return values, note, notice

    return asyncio.run(scenario())


@pytest.mark.skipif(shutil.which("tmux") is None or not Path("/proc/self/task").is_dir(), reason="tmux absent")
def test_values_typed_in_a_manual_step_come_back_after_kill_9(tmp_path: Path, terminal: Terminal) -> None:  # noqa: F811
    session = tmp_path / "tm.tbsession"
    terminal.tmux("new-session", "-d", "-s", "ui", "-x", "140", "-y", "40", ui_command(tmp_path, session))
    terminal.wait_for("DEMO-FSE-001", "22 cas")
    terminal.open_from_palette("DEMO-FSE-030", "FSE dégradée")
    terminal.keys("r")
    terminal.wait_for("Étape manuelle DEMO-FSE-030 / m-paper")
    terminal.burst("oui\t5,90\tnote tapee par operateur")
    terminal.wait_for("note tapee par operateur")
    time.sleep(1.0)  # a person's pause: no key confirms anything
    pid = int(terminal.tmux("display", "-p", "-t", "ui", "#{pane_pid}").strip())
    os.kill(pid, signal.SIGKILL)
    time.sleep(0.3)
    terminal.tmux("kill-server")
    assert draft_path(session).is_file()
    values, note, notice = _reopened_window(tmp_path, session)
    assert values == {"manual.paper_printed": "oui", "manual.paper_total": "5,90"}
    assert note == "note tapee par operateur"
    said = "Valeurs récupérées : tapées dans cette étape avant la fermeture du poste d'examen, pas encore confirmées"
    assert notice.startswith(said), notice
    assert not draft_path(session).exists()  # confirmed and recorded: nothing left to offer back


def test_a_field_that_names_a_pin_is_never_kept(tmp_path: Path) -> None:
    [casebook] = load_casebooks([BOOK])
    ws = Workstation([casebook], tmp_path / "s.tbsession")
    step = Step(
        id="m-pin",
        kind=StepKind.MANUAL,
        instruction="Saisir",
        observe=(Observe("manual.code", "Code PIN de la carte", ""), Observe("manual.total", "Total", "")),
    )
    key = (casebook.sha256, "DEMO-FSE-030")
    ws.save_draft(key, step, {"manual.code": "1234", "manual.total": "5,90"}, "PIN: 4719")
    kept = json.loads(draft_path(ws.session_path).read_text(encoding="utf-8"))
    assert "1234" not in json.dumps(kept) and "4719" not in json.dumps(kept)
    draft = ws.draft(key, "m-pin")
    assert draft is not None and draft.values == {"manual.total": "5,90"} and draft.note == "PIN: ‹PIN›"
    ws.save_draft(key, step, {}, "")  # everything erased: nothing kept
    assert ws.draft(key, "m-pin") is None and not draft_path(ws.session_path).exists()


@pytest.mark.parametrize(
    "note",
    ["Patient né le 2002-01-05, FSE transmise", "note: FSE 21001005 transmise", "N° FSE : 20010105", "N° AM 210000105"],
)
def test_an_ordinary_note_or_value_is_kept_whatever_digits_it_holds(tmp_path: Path, note: str) -> None:
    """Digits a PIN might be (a date, an FSE number) are no reason to drop what was typed: kept as typed."""
    [casebook] = load_casebooks([BOOK])
    ws = Workstation([casebook], tmp_path / "s.tbsession")
    step = Step(id="m-n", kind=StepKind.MANUAL, instruction="Saisir", observe=(Observe("manual.fse", "N° FSE", ""),))
    key = (casebook.sha256, "DEMO-FSE-030")
    ws.save_draft(key, step, {"manual.fse": "21001005"}, note)
    assert ws.draft(key, "m-n") == Draft({"manual.fse": "21001005"}, note)


def test_ctrl_q_told_it_loses_what_was_typed_keeps_nothing(tmp_path: Path) -> None:
    """Ctrl+Q twice says, then does, lose what the window holds: its draft goes with it (a signal keeps it)."""
    from test_tui_app import select
    from test_tui_helpers import make_app

    async def scenario() -> bool:
        app = make_app(tmp_path)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await select(app, pilot, "TC-MAN-003")
            await pilot.press("r")
            for _ in range(100):
                if isinstance(app.screen, AttestScreen):
                    break
                await pilot.pause(0.05)
            app.screen.query_one("#value-0", Input).focus()
            await pilot.press(*"33,6")
            await pilot.pause(0.6)
            kept = draft_path(app.ws.session_path).is_file()
            await pilot.press("ctrl+q")
            await pilot.press("ctrl+q")
            await app.workers.wait_for_complete()
        return kept

    assert asyncio.run(scenario())  # kept as typed
    assert not draft_path(tmp_path / "exam.tbsession").exists()
