"""A review recorded by an older version on a pending attempt (« en attente ») — refused when written since
audit s22 — decides nothing when read either (audit s22-verify1 residual 1): the retained verdict stays
« en attente » and the case stays one to redo, so the scope is not « prêt » on a manual check never made."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.casebook.loader import load_casebooks
from testbench.paths import CASEBOOKS_DIR
from testbench.runner.campaign import record_casebooks
from testbench.scope.coverage import OPEN, case_status
from testbench.signing import init_key, load_signer
from testbench.store import annotations
from testbench.store.read import CaseView, read_session
from testbench.store.session import SessionStore
from testbench.store.verdicts import deciding_review

CASE = "DEMO-FSE-030"


def _legacy_review(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, verdict: str, *action: str) -> Path:
    """A session whose latest attempt of CASE ended ``verdict``, reviewed as an older version allowed."""
    path = tmp_path / "s.tbsession"
    key = tmp_path / "k.pem"
    init_key(key)
    monkeypatch.setattr(annotations, "_check_reviewable", lambda *_: None)  # the old build did not refuse
    with SessionStore.open(path) as store:
        record_casebooks(store, load_casebooks([CASEBOOKS_DIR / "demo.xml"]))
        (sha,) = store.conn.execute("SELECT casebook_sha FROM cases WHERE case_id = ?", (CASE,)).fetchone()
        run_id = store.begin_run(["run"], {}, {})
        store.finish_attempt(store.start_attempt(run_id, sha, CASE), verdict, "étape manuelle m-paper en attente")
        store.end_run(run_id)
        act, *given = action
        verdict_given = given[0] if given else None
        annotations.add_annotation(store, load_signer(key), CASE, act, "vu", "Dr X", verdict=verdict_given)
    return path


def _case(path: Path) -> CaseView:
    with read_session(path) as session:
        return next(c for c in session.cases if c.case_id == CASE)


@pytest.mark.parametrize("action", [("override", "pass"), ("accept",)])
def test_a_review_of_a_pending_attempt_decides_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, action: tuple[str, ...]
) -> None:
    view = _case(_legacy_review(tmp_path, monkeypatch, "pending", *action))
    assert len(view.annotations) == 1 and view.annotations[0].valid  # listed, signed, but without effect
    assert view.retained_verdict == "pending"
    assert deciding_review(view.latest.number, view.annotations, view.verdict) is None
    assert case_status(view) == OPEN


def test_a_review_of_a_finished_attempt_still_decides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    view = _case(_legacy_review(tmp_path, monkeypatch, "fail", "override", "pass"))
    assert view.retained_verdict == "pass"
    assert case_status(view) == "passed"


def test_the_case_view_says_no_review_decides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The book reads ``CaseView.deciding_review``: « en attente — verdict accepté » was shown beside it."""
    view = _case(_legacy_review(tmp_path, monkeypatch, "pending", "accept"))
    assert view.deciding_review is None
