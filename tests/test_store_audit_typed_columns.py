"""A value of the wrong type edited into a session (« abc » as an attempt's start time) is a sign of tampering: the
reader replaces it by an empty value and counts the session altered, so ``report`` (and the workstation's ``g``)
still write the report with its « altérée » banner (exit 2) instead of stopping on « erreur interne »."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import sqlite3
from pathlib import Path

import pytest
from test_tui_app import select
from test_tui_helpers import make_app, run_log, wait_run

from testbench.cli.main import main
from testbench.store.read import read_session

DEMO = Path(__file__).resolve().parents[1] / "casebooks" / "demo.xml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess"]
FLAW = (
    "cas {case}, tentative 1 — tentatives, ligne {id} : valeur inattendue pour l'heure de début, ignorée (fichier"
    " modifié hors de testbench)"
)


@pytest.fixture(scope="module")
def demo_session(tmp_path_factory: pytest.TempPathFactory) -> Path:
    session = tmp_path_factory.mktemp("typed") / "s.tbsession"
    assert main(["run", str(DEMO), "--session", str(session), *BENCH, "-k", "DEMO-FSE-001 or DEMO-FSE-002"]) == 0
    return session


def _edited(source: Path, folder: Path, *statements: str) -> Path:
    session = folder / "t6.tbsession"
    session.write_bytes(source.read_bytes())
    conn = sqlite3.connect(session)
    with conn:
        for statement in statements:
            conn.execute(statement)
    conn.close()
    return session


def test_the_reader_hands_no_raw_value_of_the_wrong_type(demo_session: Path, tmp_path: Path) -> None:
    session = _edited(
        demo_session,
        tmp_path,
        "UPDATE attempts SET started_wall = 'abc', duration_ms = x'00', verdict = 'bravo' WHERE id = 1",
        "UPDATE runs SET options = '[1]', started_wall = 'hier'",
        "UPDATE events SET wall = 'x', data = '{' WHERE id = (SELECT MIN(id) FROM events WHERE attempt_id = 1)",
    )
    with read_session(session) as view:
        attempt = next(a for c in view.cases for a in c.attempts if a.id == 1)
        assert (attempt.started_wall, attempt.duration_ms, attempt.verdict) == (0.0, None, "error")
        assert view.runs[0]["options"] == {} and view.runs[0]["started_wall"] == 0.0
        first = view.events(1)[0]
        assert (first["wall"], first["data"]) == (0.0, None)
        problems = view.chain_problems()
        assert FLAW.format(case="DEMO-FSE-001", id=1) in problems
        assert "— journal des événements, ligne" in " ".join(problems)


def test_report_on_an_edited_session_is_written_with_its_banner(
    demo_session: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session = _edited(demo_session, tmp_path, "UPDATE attempts SET started_wall = 'abc' WHERE id = 2")
    capsys.readouterr()
    assert main(["report", str(session), "-o", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert "erreur interne" not in err, err
    assert "session altérée" in err and FLAW.format(case="DEMO-FSE-002", id=2) in err
    assert (tmp_path / "r" / "index.html").is_file()


def test_the_workstation_g_writes_the_report_of_an_edited_session(tmp_path: Path) -> None:
    async def record() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=(130, 40)) as pilot:
            await pilot.pause()
            await select(app, pilot, "TC-KO-002")
            await pilot.press("r")
            await wait_run(app, pilot)

    async def report() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=(130, 40)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.press("g")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.last_report is not None, run_log(app)
            assert "session altérée (chaîne du journal rompue) : le rapport est écrit" in run_log(app)
            assert "erreur interne" not in run_log(app)

    asyncio.run(record())
    with sqlite3.connect(tmp_path / "exam.tbsession") as conn:
        conn.execute("UPDATE attempts SET started_wall = 'abc'")
    conn.close()
    asyncio.run(report())
