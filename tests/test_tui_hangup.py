"""A closed terminal (SIGHUP) is one more interruption: a command stops as on ^C, and the workstation quits as
Ctrl+Q does, the manual step under way left pending (resumable), not a case cut without its verdict. The exam
view says « … » (not yet due) for the values of an attempt the next run continues, never « non observée »."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import contextlib
import signal
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from test_tui_app import select
from test_tui_helpers import make_app, sample_casebook, wait_run

from testbench.i18n import translator
from testbench.store.read import read_session
from testbench.tui.exam import AttemptEnd, expected_values
from testbench.tui.screens import AttestScreen

HANGUP = getattr(signal, "SIGHUP", None)
pytestmark = pytest.mark.skipif(HANGUP is None, reason="no SIGHUP on this system (Windows)")


@contextlib.contextmanager
def hangups_recorded() -> Iterator[list[int]]:
    """SIGHUP never kills the test process: a handler that records it, unless the code installs its own."""
    seen: list[int] = []
    previous = signal.signal(HANGUP, lambda signum, _frame: seen.append(signum))
    try:
        yield seen
    finally:
        signal.signal(HANGUP, previous)


def test_a_hangup_interrupts_a_command_as_ctrl_c_does() -> None:
    from testbench.interrupts import SIGNALS, stopping

    assert HANGUP in SIGNALS
    with hangups_recorded() as seen, pytest.raises(KeyboardInterrupt), stopping():
        signal.raise_signal(HANGUP)
    assert seen == []


def test_a_hangup_over_a_manual_step_quits_and_leaves_it_pending(tmp_path: Path) -> None:
    async def scenario() -> bool:
        app = make_app(tmp_path)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await select(app, pilot, "TC-MAN-003")
            await pilot.press("r")
            for _ in range(100):
                await pilot.pause(0.05)
                if isinstance(app.screen, AttestScreen):
                    break
            signal.raise_signal(HANGUP)
            for _ in range(60):
                await pilot.pause(0.05)
                if not app.is_running:
                    break
            quit_ = not app.is_running
            if not quit_:  # the terminal's close went unheard: the run stopped here, the test fails below
                await pilot.press("ctrl+t")
                await wait_run(app, pilot)
            return quit_

    with hangups_recorded():
        quit_ = asyncio.run(scenario())
    assert quit_
    with read_session(tmp_path / "exam.tbsession") as view:
        case = next(c for c in view.cases if c.case_id == "TC-MAN-003")
        assert [a.verdict for a in case.attempts] == ["pending"]


def test_the_values_of_an_attempt_that_continues_are_not_yet_due(tmp_path: Path) -> None:
    """An operator-mode attempt cut short (the bench killed): its verdict is « non exécuté », yet the next run
    takes it up again where it stopped."""
    from testbench.tui.exam_view import ExamHandlers

    case = sample_casebook(tmp_path).cases[0]
    attempt = SimpleNamespace(id=7, verdict="none", reason="tentative interrompue", ended_wall=1.0, duration_ms=None)
    entry = SimpleNamespace(view=SimpleNamespace(attempts=[attempt], latest=attempt))

    class View(ExamHandlers):
        ws = SimpleNamespace(entry=lambda _key: entry, continuation=lambda _entry, _engine: object())

        def _key_of(self, _case):
            return ("sha", "TC-OK-001")

    end = View()._recorded_end(case, 7)
    assert end is not None and not end.over
    rows = expected_values(case, [], translator("fr"), ended=end.over)
    assert [row.state for row in rows] == ["waiting"]
    assert AttemptEnd("none", "tentative interrompue").over  # one nobody continues: missing for good
