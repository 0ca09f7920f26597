"""After a kill -9 during an operator attempt, the workstation says the attempt is to be continued, not kept in
the history as a dead one (audit s35, F3).

Assisted operator mode (Pilot), on a stand-in application (real files, a real log, the real capture and session
file). A first workstation begins T-A: its first step is asked. The session as a kill -9 leaves it at that moment
(its attempt still open) is copied with SQLite's backup, then that workstation quits. A workstation opened on the
copy closes the attempt as interrupted and says « 1 tentative interrompue, à continuer : T-A » — never « conservée
dans l'historique » beside « la tentative 1 reprend à l'étape 1 » when ``r`` continues it, in its one attempt.
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import sqlite3
from pathlib import Path

import pytest
from test_assisted_engine import CASE, CASEBOOK, StandInApplication
from test_tui_assisted import _application, _until

from testbench.cli.main import main
from testbench.i18n import english
from testbench.runner.campaign import interrupted_notice
from testbench.store.read import read_session

KEPT = "1 tentative interrompue conservée dans l'historique : T-A"
CONTINUED = "1 tentative interrompue, à continuer : T-A"


def _snapshot(session: Path, copy: Path) -> None:
    """The session as a process killed now leaves it: what it committed, its attempt open (SQLite's backup reads
    the database and its write-ahead log as one)."""
    source, target = sqlite3.connect(session), sqlite3.connect(copy)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def test_a_killed_operator_attempt_is_said_to_be_continued(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from test_tui_helpers import run_log, toasts, wait_run

    from testbench.tui.app import WorkstationApp
    from testbench.tui.screens import AttestScreen, ContinueScreen

    monkeypatch.setenv("TESTBENCH_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    app_dir, book = _application(tmp_path)
    book.write_text(CASEBOOK.format(cases=CASE.format(id="T-A")), encoding="utf-8")
    StandInApplication(app_dir)
    session, killed = tmp_path / "s.tbsession", tmp_path / "killed.tbsession"
    seen: dict[str, str] = {}

    async def first(app: WorkstationApp) -> None:
        async with app.run_test(size=(140, 44)) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find("T-A").key)
            await pilot.press("r")
            await _until(pilot, lambda: isinstance(app.screen, AttestScreen), "the first step is asked")
            _snapshot(session, killed)
            await pilot.press("ctrl+q")
            await app.workers.wait_for_complete()

    async def reopened(app: WorkstationApp) -> None:
        async with app.run_test(size=(140, 44)) as pilot:
            await pilot.pause()
            seen["opening"] = "\n".join(app.notes)
            seen["toasts"] = toasts(app)
            app.goto_case(app.ws.find("T-A").key)
            await pilot.press("r")
            await _until(
                pilot, lambda: isinstance(app.screen, (AttestScreen, ContinueScreen)), "the case goes on at once"
            )
            seen["screen"] = type(app.screen).__name__
            seen["log"] = run_log(app)
            await pilot.press("ctrl+t")
            await wait_run(app, pilot)

    scenarios = iter([first, reopened])

    def drive(self: WorkstationApp, *args: object, **kwargs: object) -> int:
        asyncio.run(next(scenarios)(self))
        return 0

    monkeypatch.setattr(WorkstationApp, "run", drive)
    argv = ["ui", str(book), "--cards", "inprocess", "--engine", "operator"]
    argv += ["--engine-timeout", "2", "--sut-profile", str(app_dir / "sut.toml")]
    assert main([*argv, "--session", str(session)]) == 0
    with read_session(killed) as view:  # the copy is what a kill -9 leaves: the attempt never ended
        (attempt,) = next(c for c in view.cases if c.case_id == "T-A").attempts
        assert attempt.ended_wall is None, attempt
    assert main([*argv, "--session", str(killed)]) == 0

    assert CONTINUED in seen["opening"] and KEPT not in seen["opening"], seen["opening"]
    assert CONTINUED in seen["toasts"] and "conservée" not in seen["toasts"], seen["toasts"]
    assert seen["screen"] == "AttestScreen", seen  # nothing was done: no choice to make, it goes on at step 1
    assert "T-A : la tentative 1 reprend à l'étape 1 (aucune étape n'était faite)" in seen["log"], seen["log"]
    with read_session(killed) as view:
        t_a = next(c for c in view.cases if c.case_id == "T-A")
        assert [a.number for a in t_a.attempts] == [1]  # continued, not a second attempt


def test_the_notice_keeps_its_sentence_for_attempts_not_continued() -> None:
    said = interrupted_notice(["T-A", "T-B", "T-A", "T-C"], {"T-B", "T-C"})
    assert said == [KEPT, "2 tentatives interrompues, à continuer : T-B, T-C"], said
    assert [english(line) for line in said] == [
        "1 interrupted attempt kept in the history: T-A",
        "2 interrupted attempts, to be continued: T-B, T-C",
    ]
    assert interrupted_notice(["T-A"]) == [KEPT]
    assert interrupted_notice(["T-A"], {"T-A"}) == [CONTINUED]


def test_run_resume_after_a_kill_says_the_operator_attempt_is_continued(tmp_path: Path) -> None:
    """The headless runner's ``--resume`` after a real SIGKILL of ``testbench run`` in operator mode: the same."""
    import subprocess

    from tests.test_operator_killed_wait_gap import _killed_in_the_lot_wait

    _app, _book, session, argv, env, attestations = _killed_in_the_lot_wait(tmp_path)
    resumed = subprocess.run(
        [*argv, "--engine-timeout", "1", "--attestations", attestations, "--resume"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert resumed.returncode == 0, resumed.stderr
    with read_session(session) as view:
        (case,) = (c.case_id for c in view.cases if c.latest is not None)
    assert f"1 tentative interrompue, à continuer : {case}" in resumed.stderr, resumed.stderr
    assert "conservée dans l'historique" not in resumed.stderr, resumed.stderr
    assert f"{case} : la tentative 1 continue à l'étape" in resumed.stderr, resumed.stderr
