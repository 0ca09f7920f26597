"""A workstation open on a session that another process changes between two of its polls: a real ``testbench run``
shorter than the poll (about 0.4 s: no poll sees it hold the file), or a file copied over the session. The next poll
reads the session again and shows it — the views stayed as they were until some later reload, SQLite's cache even
kept showing the old file's content after it was copied over — and a file put in its place is said."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_tui_helpers import fake_bench, run_log, toasts

from testbench.casebook.loader import load_casebooks
from testbench.paths import CASEBOOKS_DIR
from testbench.tui import session_watch
from testbench.tui.config import Settings, UiState
from testbench.tui.workstation import Workstation

SIZE = (130, 40)
BOOK = CASEBOOKS_DIR / "demo.xml"
REPLACED = "Fichier de session remplacé sur le disque (copié par-dessus ?) : {file} ; le poste l'a relu"
REPLACED_EN = "Session file replaced on disk (copied over?): {file}; the workstation has read it again"
#: another process copies a file over the session in place (same file, new content), as ``cp`` does
COPY_OVER = "import shutil, sys; shutil.copyfile(sys.argv[1], sys.argv[2])"


def cli_run(tmp: Path, session: Path, case_id: str, *more: str) -> None:
    """``testbench run`` of one case of the demo casebook into ``session``, to its end."""
    argv = [sys.executable, "-m", "testbench", "run", str(BOOK), "--session", str(session), "-k", case_id, *more]
    env = {**os.environ, "HOME": str(tmp), "XDG_DATA_HOME": ""}
    done = subprocess.run([*argv, "--cards", "inprocess", "--engine", "inprocess"], env=env, cwd=tmp,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def copy_over(source: Path, session: Path) -> None:
    subprocess.run([sys.executable, "-c", COPY_OVER, str(source), str(session)], check=True)


def demo_app(tmp: Path, session: Path, lang: str = "fr"):
    from testbench.tui.app import WorkstationApp

    app = WorkstationApp(
        Workstation(load_casebooks([BOOK]), session),
        bench_factory=fake_bench,
        settings=Settings(lang=lang, operator="Opératrice Test"),
        state=UiState(tmp / "config"),
    )
    app.animation_level = "none"
    return app


def passed(app, case_id: str) -> bool:
    """Whether the case's line in the tree, as shown, says it passed."""
    return str(app.nodes[app.ws.find(case_id).key].label).startswith("✔ ")


async def polled(pilot, until, seconds: float = 10) -> None:
    for _ in range(int(seconds / 0.1)):
        if until():
            return
        await pilot.pause(0.1)


def test_a_run_between_two_polls_is_shown_at_the_next_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No poll runs during ``testbench run`` (the interval made too long to come): the next poll shows its verdict."""
    monkeypatch.setattr(session_watch, "SESSION_POLL_S", 3600.0)
    session = tmp_path / "s.tbsession"

    async def scenario() -> None:
        app = demo_app(tmp_path, session)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert app.ws.find("DEMO-FSE-001").verdict == "none"
            app._poll_session()  # a poll before the run: nothing changed, nothing read again
            await asyncio.to_thread(cli_run, tmp_path, session, "DEMO-FSE-001")
            assert app.ws.find("DEMO-FSE-001").verdict == "none"  # between two polls
            assert not app.ws.read_only  # its writer lock was never seen
            app._poll_session()  # the next poll
            await pilot.pause()
            assert app.ws.find("DEMO-FSE-001").verdict == "pass"
            assert passed(app, "DEMO-FSE-001")
            assert REPLACED.format(file=session) not in toasts(app)  # a run is no file put in its place
            before = app.ws.session
            app._poll_session()  # nothing changed since: not read again
            assert app.ws.session is before

    asyncio.run(scenario())


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_another_session_copied_over_is_read_again_and_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    """Its content shown at the next poll (the real interval, shortened), said in a notice and the run log."""
    monkeypatch.setattr(session_watch, "SESSION_POLL_S", 0.3)
    session, other = tmp_path / "s.tbsession", tmp_path / "autre.tbsession"
    cli_run(tmp_path, session, "DEMO-FSE-001")
    cli_run(tmp_path, other, "DEMO-FSE-002")
    said = (REPLACED if lang == "fr" else REPLACED_EN).format(file=session)

    async def scenario() -> None:
        app = demo_app(tmp_path, session, lang)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert [app.ws.find(c).verdict for c in ("DEMO-FSE-001", "DEMO-FSE-002")] == ["pass", "none"]
            copy_over(other, session)
            await polled(pilot, lambda: said in toasts(app))
            assert said in toasts(app) and said in run_log(app), toasts(app)
            assert [app.ws.find(c).verdict for c in ("DEMO-FSE-001", "DEMO-FSE-002")] == ["none", "pass"]
            assert passed(app, "DEMO-FSE-002") and not passed(app, "DEMO-FSE-001")
            await pilot.pause(1)  # the polls after it: said once
            assert toasts(app).count(said) == 1 and run_log(app).count(said) == 1

    asyncio.run(scenario())


def test_an_earlier_copy_of_the_session_put_back_is_said(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same session (its own id) at an earlier state, copied back over it after a run the workstation showed:
    what no commit explains is said; the run before it, a commit, was not."""
    monkeypatch.setattr(session_watch, "SESSION_POLL_S", 0.3)
    session, kept = tmp_path / "s.tbsession", tmp_path / "copie.tbsession"
    cli_run(tmp_path, session, "DEMO-FSE-001")
    shutil.copyfile(session, kept)  # no workstation open yet: the whole session is in its file
    said = REPLACED.format(file=session)

    async def scenario() -> None:
        app = demo_app(tmp_path, session)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await asyncio.to_thread(cli_run, tmp_path, session, "DEMO-FSE-002", "--rerun")
            await polled(pilot, lambda: app.ws.find("DEMO-FSE-002").verdict == "pass" and not app.ws.read_only)
            assert app.ws.find("DEMO-FSE-002").verdict == "pass"
            await pilot.pause(0.7)
            assert said not in toasts(app)
            copy_over(kept, session)
            await polled(pilot, lambda: said in toasts(app))
            assert said in toasts(app) and said in run_log(app), toasts(app)
            assert [app.ws.find(c).verdict for c in ("DEMO-FSE-001", "DEMO-FSE-002")] == ["pass", "none"]

    asyncio.run(scenario())


#: ``testbench run`` as the store sees it: holds the session, records one attempt when told, and holds on
WRITER = """
import sys, time
from testbench.store.session import SessionStore
store = SessionStore.open(sys.argv[1])
print("held", flush=True)
sys.stdin.readline()
run = store.begin_run(["testbench", "run"], {}, {})
store.finish_attempt(store.start_attempt(run, sys.argv[2], sys.argv[3]), "pass", "", [])
store.commit()
print("written", flush=True)
time.sleep(120)
"""


def test_what_another_process_writes_is_shown_while_read_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, writers
) -> None:
    """Read-only while another process writes the session: its verdicts are shown at the next poll, not only once
    it has ended."""
    monkeypatch.setattr(session_watch, "SESSION_POLL_S", 0.3)
    session = tmp_path / "s.tbsession"

    async def scenario() -> None:
        app = demo_app(tmp_path, session)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            sha = app.ws.find("DEMO-FSE-003").casebook.sha256
            writer = subprocess.Popen([sys.executable, "-c", WRITER, str(session), sha, "DEMO-FSE-003"],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)  # fmt: skip
            writers.append(writer)
            assert writer.stdin is not None and writer.stdout is not None
            assert await asyncio.to_thread(writer.stdout.readline) == "held\n"
            await polled(pilot, lambda: app.ws.read_only)
            assert app.ws.read_only
            writer.stdin.write("go\n")
            writer.stdin.flush()
            assert await asyncio.to_thread(writer.stdout.readline) == "written\n"
            await polled(pilot, lambda: app.ws.find("DEMO-FSE-003").verdict == "pass")
            assert app.ws.find("DEMO-FSE-003").verdict == "pass" and passed(app, "DEMO-FSE-003")
            assert app.ws.read_only and writer.poll() is None  # the writer holds it still
            assert REPLACED.format(file=session) not in toasts(app)

    asyncio.run(scenario())
