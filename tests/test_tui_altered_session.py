"""A session altered after the fact (its journal chain broken) is said by the workstation as by the CLI:
at opening (notice, run log, overview) and when ``g`` writes its report (Pilot, session file on disk)."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import sqlite3
from pathlib import Path

from test_tui_app import select, text_of
from test_tui_helpers import make_app, run_log, toasts, wait_run

SIZE = (130, 40)


def test_an_altered_session_is_said_on_opening_and_by_g(tmp_path: Path) -> None:
    async def record_a_failure() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await select(app, pilot, "TC-KO-002")
            await pilot.press("r")
            await wait_run(app, pilot)
            assert "altérée" not in toasts(app) + run_log(app)  # an intact session: nothing said

    async def reopen(lang: str) -> None:
        app = make_app(tmp_path, lang=lang)
        async with app.run_test(size=SIZE) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            if lang == "en":
                assert "WARNING: altered session" in toasts(app), toasts(app)
                assert "WARNING: altered session" in text_of(app, "#overview-detail")
                return
            said = "ATTENTION : session altérée : des enregistrements ont été modifiés après coup"
            assert said in toasts(app)
            assert said in run_log(app)
            overview = text_of(app, "#overview-detail")
            assert said in overview
            assert "cas TC-KO-002, tentative 1 — verdict, motif, heure de fin ou durée modifiés après coup" in overview
            await pilot.press("g")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.last_report is not None
            warning = "ATTENTION : session altérée (chaîne du journal rompue) : le rapport est écrit"
            assert warning in run_log(app)
            assert warning in toasts(app)

    asyncio.run(record_a_failure())
    with sqlite3.connect(tmp_path / "exam.tbsession") as conn:  # the verdict rewritten behind the bench's back
        conn.execute("UPDATE attempts SET verdict = 'pass', reason = '' WHERE verdict = 'fail'")
    conn.close()
    asyncio.run(reopen("fr"))
    asyncio.run(reopen("en"))


def test_the_workstation_runs_nothing_more_in_an_altered_session(tmp_path: Path) -> None:
    """As ``run --resume/--rerun/--failed`` refuse it: new attempts chained onto an altered record would be
    reported and signed as if it were whole (verification round)."""

    async def record_a_failure() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await select(app, pilot, "TC-KO-002")
            await pilot.press("r")
            await wait_run(app, pilot)

    async def run_again() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            await select(app, pilot, "TC-KO-002")
            await pilot.press("r")
            await pilot.pause()
            assert "Exécution refusée : la session a été modifiée après coup" in toasts(app)
            assert not app.running

    def attempts() -> int:
        with sqlite3.connect(tmp_path / "exam.tbsession") as conn:
            return conn.execute("SELECT count(*) FROM attempts").fetchone()[0]

    asyncio.run(record_a_failure())
    with sqlite3.connect(tmp_path / "exam.tbsession") as conn:
        conn.execute("UPDATE attempts SET verdict = 'pass', reason = '' WHERE verdict = 'fail'")
    conn.close()
    before = attempts()
    asyncio.run(run_again())
    assert attempts() == before
