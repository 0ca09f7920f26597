"""SIGTERM (a logout, a shutdown, ``kill``, ``timeout``) quits the workstation as Ctrl+Q and a closed terminal do:
the manual step under way left pending (resumable), the terminal put back (main screen, no mouse reporting), one
line on stderr, exit 2 as an interrupted command — it died with 143 once, its terminal left in the application's
modes and the step's attempt without a verdict nor a reason."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import shutil
import signal
from pathlib import Path

import pytest
from test_tui_app import select
from test_tui_helpers import make_app
from test_tui_tmux import Terminal, terminal, ui_command  # noqa: F401 - the fixture is used by name

from testbench.store.read import read_session
from testbench.tui.screens import AttestScreen


def _pending_step(session: Path, case_id: str) -> tuple[list[str], str]:
    with read_session(session) as view:
        case = next(c for c in view.cases if c.case_id == case_id)
        assert case.latest is not None
        return [a.verdict for a in case.attempts], case.latest.reason


def test_sigterm_over_a_manual_step_quits_and_leaves_it_pending(tmp_path: Path) -> None:
    async def scenario() -> object:
        app = make_app(tmp_path)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await select(app, pilot, "TC-MAN-003")
            await pilot.press("r")
            for _ in range(100):
                await pilot.pause(0.05)
                if isinstance(app.screen, AttestScreen):
                    break
            signal.raise_signal(signal.SIGTERM)
            for _ in range(60):
                await pilot.pause(0.05)
                if not app.is_running:
                    break
            return app.return_value

    previous = signal.signal(signal.SIGTERM, lambda _signum, _frame: None)  # the test process never dies of it
    try:
        result = asyncio.run(scenario())
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert result == 2
    verdicts, reason = _pending_step(tmp_path / "exam.tbsession", "TC-MAN-003")
    assert verdicts == ["pending"] and "en attente de l'opérateur" in reason


def _pane(term: Terminal, fmt: str) -> str:
    return term.tmux("display", "-p", "-t", "ui", fmt).strip()


def _open_manual_step(term: Terminal, go_to: str) -> None:
    """DEMO-FSE-030 found in the palette (``go_to``: its « Aller au cas » in the language shown), then run to its
    manual step's window."""
    term.tmux("send-keys", "-t", "ui", "C-p", "DEMO-FSE-030")
    term.wait_for("DEMO-FSE-030 — FSE dégradée", go_to)
    term.keys("Enter")
    term.wait_for(gone=(go_to,))
    term.keys("1")
    term.wait_for("DEMO-FSE-030 — FSE dégradée", gone=(go_to,))
    term.keys("r")
    term.wait_for("DEMO-FSE-030 / m-paper")


def _program_pid(term: Terminal) -> int:
    """The workstation's process: the one child of the pane's shell."""
    shell = _pane(term, "#{pane_pid}")
    return int(Path(f"/proc/{shell}/task/{shell}/children").read_text().split()[0])


def _interrupted(tmp_path: Path, term: Terminal, signum: int, lang: str, go_to: str) -> list[str]:
    """The real program in tmux, sent ``signum`` over DEMO-FSE-030's manual step, then its shell says its exit
    code: the terminal's modes once it ended checked, the session's step pending; the lines it left returned."""
    session = tmp_path / "examen.tbsession"
    command = ui_command(tmp_path, session).replace("exec env", "env") + f" --lang {lang}; echo EXIT=$?; sleep 600"
    term.tmux("new-session", "-d", "-s", "ui", "-x", "160", "-y", "45", command)
    term.wait_for("DEMO-FSE-001", "22")
    _open_manual_step(term, go_to)
    assert _pane(term, "#{alternate_on} #{mouse_any_flag}") == "1 1"  # the application's modes
    os.kill(_program_pid(term), signum)
    screen = term.wait_for("EXIT=")
    lines = [line.strip() for line in screen.splitlines() if line.strip()]
    assert lines[-1] == "EXIT=2", screen  # an interrupted command's code, never 143
    assert _pane(term, "#{alternate_on} #{mouse_any_flag}") == "0 0", screen  # the terminal put back
    verdicts, reason = _pending_step(session, "DEMO-FSE-030")
    assert verdicts == ["pending"] and reason == "étape manuelle m-paper en attente de l'opérateur"
    return [" ".join(lines[:-1])]  # what it said, its wrapped line joined


@pytest.mark.skipif(shutil.which("tmux") is None or not Path("/proc/self/task").is_dir(), reason="tmux absent")
def test_sigterm_in_a_real_terminal_quits_as_ctrl_q(tmp_path: Path, terminal: Terminal) -> None:  # noqa: F811
    said = _interrupted(tmp_path, terminal, signal.SIGTERM, "fr", "Aller au cas")
    assert said == [
        "interrompu (SIGTERM) : le poste d'examen s'est fermé comme par Ctrl+Q ; la session est enregistrée, une"
        " étape en cours reprend quand elle est rouverte"
    ]


@pytest.mark.skipif(
    shutil.which("tmux") is None or not Path("/proc/self/task").is_dir() or not hasattr(signal, "SIGHUP"),
    reason="tmux, /proc or SIGHUP absent",
)
def test_kill_hup_in_a_real_terminal_says_it_in_english(tmp_path: Path, terminal: Terminal) -> None:  # noqa: F811
    """``kill -HUP`` while the terminal stays: the same quit, its line in the language chosen."""
    said = _interrupted(tmp_path, terminal, signal.SIGHUP, "en", "Go to case")
    assert said == [
        "interrupted (SIGHUP): the exam workstation closed as with Ctrl+Q; the session is saved, a step under way"
        " resumes when it is reopened"
    ]


def test_a_signal_ignored_when_the_workstation_started_stays_ignored() -> None:
    """``nohup``, or a parent that ignores SIGTERM: the workstation does not take back what its person asked."""
    from testbench.interrupts import on_interrupt

    async def installed() -> object:
        restore = on_interrupt(lambda _signum: None)
        try:
            return signal.getsignal(signal.SIGTERM)
        finally:
            restore()

    previous = signal.signal(signal.SIGTERM, signal.SIG_IGN)
    try:
        assert asyncio.run(installed()) == signal.SIG_IGN
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_no_console_is_taken_for_a_closed_terminal_where_there_is_no_hang_up(monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows (no SIGHUP, no termios): a SIGTERM leaves the console as it is, for the quit to put it back."""
    from testbench import interrupts

    nulled: list[list[int]] = []
    monkeypatch.setattr(interrupts, "SIGHUP", None)
    monkeypatch.setattr(interrupts, "_isatty", lambda _fd: True)
    monkeypatch.setattr(interrupts, "_terminal_open", lambda _fds: False)
    monkeypatch.setattr(interrupts, "_to_null_device", nulled.append)

    async def scenario() -> list[int]:
        seen: list[int] = []
        quit_ = asyncio.Event()
        restore = interrupts.on_interrupt(lambda signum: (seen.append(signum), quit_.set()), grace=5)
        try:
            signal.raise_signal(signal.SIGTERM)
            await asyncio.wait_for(quit_.wait(), 5)
        finally:
            restore()
        return seen

    assert asyncio.run(scenario()) == [signal.SIGTERM] and nulled == []
