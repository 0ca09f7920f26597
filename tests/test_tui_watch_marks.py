"""What the workstation's session watch compares between two polls, read from the store (real session files on
disk, real processes): the session's files as the system says them (``session_stamp``) and whether a view of the
session continues an earlier one (``SessionView.continues``)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from testbench.casebook.loader import load_casebooks
from testbench.paths import CASEBOOKS_DIR
from testbench.runner.campaign import record_casebooks
from testbench.store.connection import session_stamp
from testbench.store.read import read_session
from testbench.store.session import SessionStore

BOOK = CASEBOOKS_DIR / "demo.xml"
#: another process records one attempt of a case into the session (``testbench run`` as the store sees it)
ATTEMPT = """
import sys
from testbench.store.session import SessionStore
with SessionStore.open(sys.argv[1]) as store:
    run = store.begin_run(["testbench", "run"], {}, {})
    store.finish_attempt(store.start_attempt(run, sys.argv[2], sys.argv[3]), "pass", "", [])
    store.commit()
"""


def new_session(path: Path) -> str:
    """A session with the demo casebook recorded; its casebook's sha256."""
    [casebook] = load_casebooks([BOOK])
    with SessionStore.open(path) as store:
        record_casebooks(store, [casebook])
    return casebook.sha256


def attempt(path: Path, sha: str, case_id: str) -> None:
    subprocess.run([sys.executable, "-c", ATTEMPT, str(path), sha, case_id], check=True)


def test_the_stamp_changes_with_a_write_and_a_copy_over_not_with_a_read(tmp_path: Path) -> None:
    session = tmp_path / "s.tbsession"
    sha = new_session(session)
    view = read_session(session)
    try:
        before = session_stamp(session)
        for _ in range(3):  # readers opened and closed (each empties the -wal again): nothing changed
            read_session(session).close()
        assert session_stamp(session) == before
        attempt(session, sha, "DEMO-FSE-001")  # another process's run, ended
        written = session_stamp(session)
        assert written != before
        kept = tmp_path / "copie.tbsession"
        shutil.copyfile(session, kept)
        attempt(session, sha, "DEMO-FSE-002")
        now = session_stamp(session)
        subprocess.run([sys.executable, "-c", "import shutil, sys; shutil.copyfile(*sys.argv[1:])", str(kept),
                        str(session)], check=True)  # fmt: skip
        assert session_stamp(session) != now  # copied over in place: the same file, another content
        assert session_stamp(session)[0][:2] == now[0][:2]
    finally:
        view.close()
    assert session_stamp(tmp_path / "absent.tbsession") == (None, None)


def test_a_view_continues_the_session_written_since_not_another_or_an_earlier_copy(tmp_path: Path) -> None:
    session, other = tmp_path / "s.tbsession", tmp_path / "autre.tbsession"
    sha = new_session(session)
    new_session(other)
    first = read_session(session)
    attempt(session, sha, "DEMO-FSE-001")
    kept = tmp_path / "copie.tbsession"
    shutil.copyfile(session, kept)
    second = read_session(session)
    attempt(session, sha, "DEMO-FSE-002")
    third = read_session(session)
    earlier, foreign = read_session(kept), read_session(other)
    try:
        assert second.head != first.head
        assert second.continues(first) and third.continues(first) and third.continues(second)
        assert third.continues(third)
        assert not earlier.continues(third)  # this session, copied back at an earlier state
        assert earlier.continues(second)  # the copy is that state itself
        assert not foreign.continues(first) and not first.continues(foreign)  # another session (its own id)
    finally:
        for view in (first, second, third, earlier, foreign):
            view.close()


#: a copy put over the file in place that sets its modification time back, as ``cp -p`` does (here the same bytes)
COPY_KEEPING_TIME = """
import os, sys
path = sys.argv[1]
status = os.stat(path)
with open(path, "rb") as f:
    data = f.read()
with open(path, "r+b") as f:
    f.write(data)
os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))
"""


def test_a_copy_over_that_keeps_size_and_time_still_changes_the_stamp(tmp_path: Path) -> None:
    session = tmp_path / "s.tbsession"
    new_session(session)
    before = session_stamp(session)
    subprocess.run([sys.executable, "-c", COPY_KEEPING_TIME, str(session)], check=True)
    after = session_stamp(session)
    assert after[0] is not None and before[0] is not None
    assert after[0][:4] == before[0][:4]  # the same file, size and modification time
    assert after != before
