"""A workstation opened while ``testbench run`` writes the session (its writer lock held) says the case that run
has under way « en cours » in its run view, not « interrompue »: the run is not cut, its writer is at it."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

from filelock import FileLock
from test_tui_helpers import fake_bench, run_log

from testbench.casebook.loader import load_casebooks
from testbench.paths import CASEBOOKS_DIR
from testbench.runner.campaign import record_casebooks
from testbench.store.connection import lock_path
from testbench.store.session import SessionStore
from testbench.tui.config import Settings, UiState
from testbench.tui.workstation import Workstation

SIZE = (130, 40)
BOOK = CASEBOOKS_DIR / "demo.xml"


def _run_under_way(session: Path) -> None:
    """A run with one case finished and one begun, neither the run nor the second attempt ended."""
    [casebook] = load_casebooks([BOOK])
    first, second = casebook.cases[0], casebook.cases[1]
    with SessionStore.open(session) as store:
        record_casebooks(store, [casebook])
        run_id = store.begin_run(["testbench", "run"], {}, {})
        done = store.start_attempt(run_id, casebook.sha256, first.id)
        store.finish_attempt(done, "pass", "", [])
        store.start_attempt(run_id, casebook.sha256, second.id)
        store.commit()


def _last_line(tmp_path: Path, session: Path, lang: str) -> str:
    from testbench.tui.app import WorkstationApp

    async def shown() -> str:
        app = WorkstationApp(
            Workstation(load_casebooks([BOOK]), session),
            bench_factory=fake_bench,
            settings=Settings(lang=lang, operator="Opératrice Test"),
            state=UiState(tmp_path / f"config-{lang}"),
        )
        app.animation_level = "none"
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("2")
            await pilot.pause()
            return run_log(app)

    log = asyncio.run(shown())
    starts = ("dernière exécution : ", "last run: ")
    [last] = [line for line in log.splitlines() if line.startswith(starts)]
    return last


def test_a_run_another_process_writes_is_said_under_way_not_interrupted(tmp_path: Path) -> None:
    session = tmp_path / "ur.tbsession"
    _run_under_way(session)
    writer = FileLock(lock_path(session), timeout=0)
    writer.acquire()  # ``testbench run`` writing the session now
    try:
        last = _last_line(tmp_path, session, "fr")
        assert "en cours 1" in last, last
        assert "interrompue" not in last, last
        last = _last_line(tmp_path, session, "en")
        assert "running 1" in last, last
        assert "interrupted" not in last, last
    finally:
        writer.release()
    # the writer gone without ending its run: the same attempt is cut, as the exam book says it
    last = _last_line(tmp_path, session, "fr")
    assert "interrompue" in last, last
