"""The session is one file, always: whoever closes it last (the workstation, ``run``, ``report``, ``merge``,
``review``, a reader that only opened it) leaves the ``.tbsession`` complete on its own, so copying that
file alone (without ``-wal``/``-shm``) carries every attempt, step, trace line and annotation.

Each scenario keeps a reader open, or starts from a WAL a killed writer left behind: the situations in
which SQLite alone leaves the record in the sidecar file.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlite_utils
from test_report_build import campaign
from test_tui_tmux import Terminal, terminal, ui_command  # noqa: F401 - the fixture is used by name

from testbench.cli.main import main
from testbench.integrity.verify import verify_session
from testbench.signing import init_key
from testbench.store.connection import open_readonly
from testbench.store.session import SessionStore

TABLES = ("attempts", "events", "observation_sets", "comparisons", "trace_lines", "annotations", "chain", "cases")


def counts(path: Path) -> dict[str, int]:
    """Row counts as a third-party SQLite tool (sqlite-utils) sees the file, read-only: the WAL included
    when it is there, and never folded by this look (a read-write connection closing last would fold it)."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        db = sqlite_utils.Database(conn)
        assert set(TABLES) <= set(db.table_names())
        return {t: db[t].count for t in TABLES}
    finally:
        conn.close()


def copied_alone(path: Path) -> Path:
    """The session file copied without its companions, as a USB stick or a mail attachment carries it."""
    folder = path.parent / f"alone-{time.monotonic_ns()}"
    folder.mkdir()
    return Path(shutil.copy2(path, folder / path.name))


def assert_complete_alone(path: Path, expected: dict[str, int]) -> None:
    copy = copied_alone(path)
    assert counts(copy) == expected
    assert verify_session(copy).ok


KILLED_WRITER = """
import os, sys
from testbench.store.session import SessionStore
store = SessionStore.open(sys.argv[1])
store.add_event("note", {"text": "écrit juste avant un kill -9"})
os._exit(0)  # like kill -9: nothing closed, the last commits only in the WAL
"""


def killed_writer(session: Path) -> None:
    subprocess.run([sys.executable, "-c", KILLED_WRITER, str(session)], check=True, timeout=60)
    assert Path(f"{session}-wal").stat().st_size > 0


@pytest.fixture
def key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "keys" / "signer.pem"
    init_key(path)
    monkeypatch.setenv("TESTBENCH_SIGNING_KEY", str(path))
    return path


def test_run_watched_by_a_reader(tmp_path: Path) -> None:
    session = tmp_path / "s.tbsession"
    with SessionStore.open(session):
        pass
    watcher = open_readonly(session)  # the workstation, or a report, reading while the run writes
    watcher.execute("SELECT COUNT(*) FROM attempts").fetchone()
    casebook = Path(__file__).parent.parent / "casebooks" / "demo.xml"
    main(["run", str(casebook), "--session", str(session), "--cards", "inprocess", "--engine", "inprocess"])
    expected = counts(session)
    assert expected["attempts"] > 0 and expected["trace_lines"] > 0
    watcher.close()
    assert_complete_alone(session, expected)


def test_report_and_a_read_only_open_fold_what_a_killed_writer_left(tmp_path: Path) -> None:
    session = campaign(tmp_path)
    killed_writer(session)
    expected = counts(session)
    assert main(["report", str(session), "-o", str(tmp_path / "r")]) == 0
    assert_complete_alone(session, expected)

    killed_writer(session)
    expected = counts(session)
    open_readonly(session).close()
    assert_complete_alone(session, expected)


def test_review_while_a_reader_holds_the_session(tmp_path: Path, key: Path) -> None:
    session = campaign(tmp_path)
    reader = open_readonly(session)
    reader.execute("SELECT COUNT(*) FROM attempts").fetchone()
    assert main(["review", str(session), "KO-1", "--accept", "--reason", "écart vu", "--reviewer", "E"]) == 0
    expected = counts(session)
    assert expected["annotations"] == 1
    reader.close()
    assert_complete_alone(session, expected)


def test_merge_leaves_inputs_and_output_complete(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, second = campaign(tmp_path / "a"), campaign(tmp_path / "b")
    killed_writer(first)
    expected = {first: counts(first), second: counts(second)}
    out = tmp_path / "all.tbsession"
    assert main(["merge", str(first), str(second), "-o", str(out)]) == 0
    for path, rows in expected.items():
        assert_complete_alone(path, rows)
    assert_complete_alone(out, counts(out))
    assert counts(copied_alone(out))["attempts"] == 4


def test_a_reader_closing_does_not_disturb_a_writer(tmp_path: Path) -> None:
    session = tmp_path / "s.tbsession"
    with SessionStore.open(session) as store:
        run_id = store.begin_run(["x"], {}, {})
        for i in range(20):
            open_readonly(session).close()  # readers come and go during the run
            store.add_event("tick", {"i": i}, run_id=run_id)
        expected = counts(session)
        assert expected["events"] == 20
    assert_complete_alone(session, expected)


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux absent")
def test_workstation_quit_mid_campaign_leaves_one_complete_file(tmp_path: Path, terminal: Terminal) -> None:  # noqa: F811
    session = tmp_path / "examen.tbsession"
    terminal.tmux("new-session", "-d", "-s", "ui", "-x", "160", "-y", "48", ui_command(tmp_path, session))
    terminal.wait_for("DEMO-FSE-001", "22 cas")
    pid = int(terminal.tmux("display", "-p", "-t", "ui", "#{pane_pid}").strip())
    terminal.keys("x")  # run the rest of the session
    # the first manual step of the rest waits for a person (case 17): a point mid-campaign the screen
    # shows until the quit, however fast the cases before it ran
    terminal.wait_for("DEMO-FSE-030 — étape m-paper")  # the run header of case 17
    terminal.keys("C-q")  # quit in the middle of the campaign
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        raise AssertionError("the workstation did not quit")
    expected = counts(session)
    assert expected["attempts"] >= 3 and expected["events"] > 0 and expected["trace_lines"] > 0
    assert_complete_alone(session, expected)
