"""A review refused for its case (absent, never run, awaiting a manual step) leaves the session file as it was
(session 22 leftover): the command opened the file to write before add_annotation refused, which recorded the
review process as the session's writer and chained that meta entry — a refused review changed the file."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from testbench.casebook.loader import load_casebooks
from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.runner.campaign import record_casebooks
from testbench.signing import init_key
from testbench.store.session import SessionStore

PENDING, NEVER_RUN = "DEMO-FSE-030", "DEMO-FSE-001"


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture
def session(tmp_path: Path) -> Path:
    folder = tmp_path / "s"
    folder.mkdir()
    path = folder / "s.tbsession"
    with SessionStore.open(path) as store:
        record_casebooks(store, load_casebooks([CASEBOOKS_DIR / "demo.xml"]))
        sha, = store.conn.execute("SELECT casebook_sha FROM cases WHERE case_id = ?", (PENDING,)).fetchone()
        run_id = store.begin_run(["run"], {}, {})
        store.finish_attempt(store.start_attempt(run_id, sha, PENDING), "pending", "étape manuelle en attente")
        store.end_run(run_id)
    return path


@pytest.mark.parametrize(
    ("case", "action", "said"),
    [
        ("NOPE", ("--comment",), "cas NOPE absent de la session"),
        (NEVER_RUN, ("--accept",), "n'a jamais été exécuté"),
        (PENDING, ("--override", "réussi"), "est en attente"),
    ],
)
def test_a_refused_review_writes_nothing(
    session: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str, action: tuple[str, ...], said: str
) -> None:
    key = tmp_path / "k.pem"
    init_key(key)
    before = _digest(session.parent)
    assert main(["review", str(session), case, "--reason", "vu", "--key", str(key), *action]) == 3
    assert said in capsys.readouterr().err
    assert _digest(session.parent) == before


def test_a_comment_on_a_never_run_case_is_still_taken(session: Path, tmp_path: Path) -> None:
    key = tmp_path / "k.pem"
    init_key(key)
    assert main(["review", str(session), NEVER_RUN, "--comment", "--reason", "vu", "--key", str(key)]) == 0
