"""The workstation opened on a session whose last run was killed (``kill -9`` of ``testbench run``) says that run
« interrompue » in its run view, as the exam book does (report.cover.interrupted_runs), and its cut attempt too —
the run view said « dernière exécution : … — 5 cas ✔ réussi 4 · non exécuté 1 », as if the run had ended."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from test_tui_app import text_of
from test_tui_helpers import fake_bench, run_log

from testbench.casebook.loader import load_casebooks
from testbench.paths import CASEBOOKS_DIR
from testbench.tui.config import Settings, UiState
from testbench.tui.workstation import Workstation

SIZE = (130, 40)
BOOKS = sorted(CASEBOOKS_DIR.glob("psad-*.xml"))  # long enough a campaign to be killed in its middle


def _ended_attempts(session: Path) -> int:
    try:
        with sqlite3.connect(f"file:{session}?mode=ro", uri=True) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM attempts WHERE ended_wall IS NOT NULL").fetchone()[0])
    except sqlite3.Error:  # not created yet
        return 0


def _killed_run(tmp_path: Path) -> Path:
    session = tmp_path / "s.tbsession"
    argv = [sys.executable, "-m", "testbench", "run", *map(str, BOOKS), "--session", str(session)]
    env = {**os.environ, "HOME": str(tmp_path)}
    proc = subprocess.Popen([*argv, "--cards", "inprocess", "--engine", "inprocess"], env=env, cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while _ended_attempts(session) < 2 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    with sqlite3.connect(session) as conn:
        assert conn.execute("SELECT ended_wall FROM runs").fetchall() == [(None,)]  # killed before its end
    return session


def _app(tmp_path: Path, session: Path, lang: str):
    from testbench.tui.app import WorkstationApp

    app = WorkstationApp(
        Workstation(load_casebooks(BOOKS), session),
        bench_factory=fake_bench,
        settings=Settings(lang=lang, operator="Opératrice Test"),
        state=UiState(tmp_path / f"config-{lang}"),
    )
    app.animation_level = "none"
    return app


def test_the_run_view_says_a_killed_last_run_interrupted_as_the_book_does(tmp_path: Path) -> None:
    session = _killed_run(tmp_path)

    async def shown(lang: str) -> tuple[str, str]:
        app = _app(tmp_path, session, lang)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("5")
            await pilot.pause()
            overview = text_of(app, "#overview-detail")
            await pilot.press("2")
            await pilot.pause()
            return overview, run_log(app)

    overview, log = asyncio.run(shown("fr"))
    assert "exécution 1 interrompue (arrêtée avant sa fin)" in overview  # the book's cover, as before
    [last] = [line for line in log.splitlines() if line.startswith("dernière exécution : ")]
    assert " UTC — exécution 1 interrompue (arrêtée avant sa fin) — " in last, last
    assert "non exécuté" not in last  # the attempt the kill cut, if any, is « interrompue » as in the book
    overview, log = asyncio.run(shown("en"))
    [last] = [line for line in log.splitlines() if line.startswith("last run: ")]
    assert " UTC — run 1 interrupted (stopped before its end) — " in last, last
