"""A review that **accepts** a failure confirms the recorded verdict (audit s22): the case stays a failure,
« échec (accepté en revue) », listed to redo; the scope is not « prêt pour le pré-examen » and the requirements
it tests are not « couverte, réussie ». An accepted pass is a pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.casebook.loader import load_casebooks
from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.runner.campaign import record_casebooks
from testbench.scope.coverage import session_coverage
from testbench.scope.text import coverage_text
from testbench.signing import init_key
from testbench.store.session import SessionStore

PLAN = CASEBOOKS_DIR / "plans" / "demo-plan.toml"
FAILED = "DEMO-FSE-001"


@pytest.fixture
def session(tmp_path: Path) -> Path:
    """Every demo case run: passed, but DEMO-FSE-001 failed (DEMO-FSE-099 is excluded by the plan)."""
    path = tmp_path / "s.tbsession"
    with SessionStore.open(path) as store:
        record_casebooks(store, load_casebooks([CASEBOOKS_DIR / "demo.xml"]))
        run_id = store.begin_run(["run"], {}, {})
        for sha, case_id in store.conn.execute("SELECT casebook_sha, case_id FROM cases").fetchall():
            attempt = store.start_attempt(run_id, sha, case_id)
            store.finish_attempt(attempt, "fail" if case_id == FAILED else "pass", "montant faux" * (case_id == FAILED))
        store.end_run(run_id)
    return path


def review(session: Path, tmp_path: Path, case_id: str) -> None:
    key = tmp_path / "k.pem"
    if not key.exists():
        init_key(key)
    assert main(["review", str(session), case_id, "--accept", "--reason", "vu", "--key", str(key)]) == 0


def test_an_accepted_failure_is_not_ready(session: Path, tmp_path: Path) -> None:
    review(session, tmp_path, FAILED)
    result = session_coverage(session, PLAN)
    assert not result.ready
    assert result.counts == {"passed": 20, "accepted": 1, "open": 0, "not-run": 0}
    tested = [r for r in result.requirements if any(c.case_id == FAILED for c in r.cases)]
    assert tested and all(r.status == "open" for r in tested)
    text = coverage_text(result.as_dict())
    assert "Prêt pour le pré-examen : non — 1 cas non réussi accepté en revue" in text
    assert f"  {FAILED} : échec (accepté en revue)" in text  # listed to redo
    english = coverage_text(result.as_dict(), "en")
    assert "Ready for the pre-exam: no — 1 case not passed, accepted in review" in english
    assert f"{FAILED}: failed (accepted in review)" in english


def test_an_accepted_pass_is_ready(session: Path, tmp_path: Path) -> None:
    review(session, tmp_path, "DEMO-FSE-002")
    with SessionStore.open(session) as store:  # the failure passes on a rerun
        sha, = store.conn.execute("SELECT casebook_sha FROM cases WHERE case_id = ?", (FAILED,)).fetchone()
        run_id = store.begin_run(["run"], {}, {})
        store.finish_attempt(store.start_attempt(run_id, sha, FAILED), "pass", "")
        store.end_run(run_id)
    result = session_coverage(session, PLAN)
    assert result.ready and result.counts["passed"] == 21


def test_the_book_coverage_page_says_the_failure_was_accepted(session: Path, tmp_path: Path) -> None:
    """The book's coverage page says it as the CLI does, in its redo list and its requirements' cases."""
    review(session, tmp_path, FAILED)
    out = tmp_path / "book"
    assert main(["report", str(session), "-o", str(out), "--plan", str(PLAN)]) in (0, 1)
    html = (out / "index.html").read_text(encoding="utf-8")
    redo = html.split('id="coverage-redo"', 1)[1].split("</ul>", 1)[0]
    assert "échec (accepté en revue)" in redo
    requirements = html.split('id="coverage"', 1)[1].split("</section>", 1)[0]
    assert requirements.count("échec (accepté en revue)") >= 2  # the redo list and a requirement's cases
