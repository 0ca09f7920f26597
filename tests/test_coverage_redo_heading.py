"""The « À reprendre » list counts the cases accepted in review too, which the counts line gives apart
(audit s22-verify1 residual 2: « accepté en revue 1, à reprendre 0 » then « À reprendre : 1 »): its heading
says so, in the text, in English and on the book's coverage page."""

from __future__ import annotations

from pathlib import Path

from testbench.casebook.loader import load_casebooks
from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.runner.campaign import record_casebooks
from testbench.scope.coverage import session_coverage
from testbench.scope.text import coverage_text
from testbench.signing import init_key
from testbench.store.session import SessionStore

PLAN = CASEBOOKS_DIR / "plans" / "demo-plan.toml"
FAILED = ("DEMO-FSE-001", "DEMO-FSE-002")


def _session(tmp_path: Path) -> Path:
    """Every demo case run, two failed; the first failure accepted in review."""
    path = tmp_path / "s.tbsession"
    with SessionStore.open(path) as store:
        record_casebooks(store, load_casebooks([CASEBOOKS_DIR / "demo.xml"]))
        run_id = store.begin_run(["run"], {}, {})
        for sha, case_id in store.conn.execute("SELECT casebook_sha, case_id FROM cases").fetchall():
            store.finish_attempt(store.start_attempt(run_id, sha, case_id), "fail" if case_id in FAILED else "pass", "")
        store.end_run(run_id)
    key = tmp_path / "k.pem"
    init_key(key)
    assert main(["review", str(path), FAILED[0], "--accept", "--reason", "vu", "--key", str(key)]) == 0
    return path


def test_the_heading_counts_the_accepted_cases_too(tmp_path: Path) -> None:
    data = session_coverage(_session(tmp_path), PLAN).as_dict()
    text = coverage_text(data)
    assert "accepté en revue 1, à reprendre 1" in text
    assert "\nÀ reprendre (cas acceptés en revue compris) : 2\n" in text
    assert "\nTo redo (cases accepted in review included): 2\n" in coverage_text(data, "en")


def test_without_accepted_cases_it_stays_short(tmp_path: Path) -> None:
    path = _session(tmp_path)
    data = session_coverage(path, PLAN).as_dict()
    data["counts"]["accepted"] = 0
    assert "\nÀ reprendre : 2\n" in coverage_text(data)


def test_the_book_says_it_too(tmp_path: Path) -> None:
    path = _session(tmp_path)
    headings = (
        ("fr", "À reprendre (cas acceptés en revue compris)"),
        ("en", "To redo (cases accepted in review included)"),
    )
    for lang, heading in headings:
        folder = tmp_path / lang
        assert main(["report", str(path), "-o", str(folder), "--plan", str(PLAN), "--lang", lang]) in (0, 1)
        assert f"<h3>{heading}</h3>" in (folder / "index.html").read_text(encoding="utf-8")
