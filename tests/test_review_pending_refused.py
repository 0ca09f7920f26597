"""A case whose latest attempt awaits a manual step (« en attente ») has no verdict to review (audit s22): an
override to « réussi » made the scope ready although the manual check never took place. Refused, saying to
finish the step or re-run the case first; a comment is still taken."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.casebook.loader import load_casebooks
from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.runner.campaign import record_casebooks
from testbench.signing import init_key
from testbench.store.annotations import review_refusal
from testbench.store.session import SessionStore

CASE = "DEMO-FSE-030"


@pytest.fixture
def session(tmp_path: Path) -> Path:
    path = tmp_path / "s.tbsession"
    with SessionStore.open(path) as store:
        record_casebooks(store, load_casebooks([CASEBOOKS_DIR / "demo.xml"]))
        sha, = store.conn.execute("SELECT casebook_sha FROM cases WHERE case_id = ?", (CASE,)).fetchone()
        run_id = store.begin_run(["run"], {}, {})
        store.finish_attempt(store.start_attempt(run_id, sha, CASE), "pending", "étape manuelle m-paper en attente")
        store.end_run(run_id)
    return path


def test_the_rule_refuses_a_pending_verdict() -> None:
    said = review_refusal(CASE, "pending", resume="run --resume")
    assert said is not None and "en attente" in said and "run --resume" in said
    assert review_refusal(CASE, "fail", resume="run --resume") is None


@pytest.mark.parametrize("action", [("--override", "réussi"), ("--accept",)])
def test_the_command_refuses_it(
    session: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], action: tuple[str, ...]
) -> None:
    key = tmp_path / "k.pem"
    init_key(key)
    review = ["review", str(session), CASE, "--reason", "vu", "--key", str(key)]
    assert main([*review, *action]) == 3
    err = capsys.readouterr().err
    assert err.startswith(f"testbench review : le cas {CASE} est en attente : ") and "terminez-la" in err
    assert main([*review, *action, "--lang", "en"]) == 3
    err = capsys.readouterr().err
    assert err.startswith(f"testbench review: case {CASE} is pending: ") and "finish it (run --resume)" in err
    with SessionStore.open(session) as store:
        assert store.conn.execute("SELECT COUNT(*) FROM annotations").fetchone()[0] == 0
    assert main([*review, "--comment"]) == 0
