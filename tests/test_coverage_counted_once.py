"""Two files of one plan-id and version in a session (a ``--rerun`` of an edited copy, a merge) hold the same
cases twice: coverage counts each case of the plan once, by (plan-id, case id), with the status of its latest
attempt across those files; excluded cases are listed once, requirements and domains name each case once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.scope.coverage import session_coverage
from testbench.scope.text import coverage_text

DEMO = CASEBOOKS_DIR / "demo.xml"
PLAN = CASEBOOKS_DIR / "plans" / "demo-plan.toml"
ATTESTATIONS = CASEBOOKS_DIR / "demo-attestations.json"
BENCH = ["--cards", "inprocess", "--engine", "inprocess", "--plan", str(PLAN)]


def _without(folder: Path, drop: str) -> Path:
    """demo.xml beside its cards, same plan-id and version, without the case ``drop``."""
    shutil.copytree(CASEBOOKS_DIR / "cards", folder / "cards", dirs_exist_ok=True)
    text = DEMO.read_text(encoding="utf-8")
    start = text.index(f'<case id="{drop}"')
    end = text.index("</case>", start) + len("</case>")
    path = folder / f"demo-without-{drop}.xml"
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    return path


def _run(casebook: Path, session: Path, *extra: str) -> None:
    assert main(["run", str(casebook), "--session", str(session), *BENCH, *extra]) in (0, 1, 2)


def _merge(tmp_path: Path, first: Path, second: Path) -> Path:
    merged = tmp_path / "m.tbsession"
    assert main(["merge", str(first), str(second), "-o", str(merged)]) == 0
    return merged


def _assert_counted_once(session: Path, *, ready: bool) -> None:
    coverage = session_coverage(session)
    data = coverage.as_dict()
    assert coverage.ready is ready
    assert data["total"] == 21 and len({c["case_id"] for c in data["cases"]}) == 21
    assert [c["case_id"] for c in data["out_of_scope"]] == ["DEMO-FSE-099"]
    for req in data["requirements"]:
        ids = [c["case_id"] for c in req["cases"]]
        assert len(ids) == len(set(ids)), req["id"]
    fse = next(d for d in data["domains"] if d["domain"] == "fse")
    assert fse["total"] == 18
    text = coverage_text(data)
    assert text.count("DEMO-FSE-099 exclu") == 1
    assert "Cas dans le périmètre : 21 — " in text and "Hors périmètre : 1\n" in text


@pytest.fixture(scope="module")
def pending(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo run without attestations: DEMO-FSE-030 pending, the rest passed (DEMO-FSE-099 excluded)."""
    session = tmp_path_factory.mktemp("pending") / "a.tbsession"
    _run(DEMO, session)
    return session


def test_a_rerun_of_an_edited_copy_counts_each_case_once(tmp_path: Path, pending: Path) -> None:
    session = tmp_path / "rr.tbsession"
    shutil.copy(pending, session)
    _run(_without(tmp_path, "DEMO-FSE-030"), session, "--rerun")
    # the edited copy (same plan-id) is the casebook's new version: the session follows it, and the original's
    # recorded cases are history (tests/test_run_follows_changed_casebook.py), its pending DEMO-FSE-030 with them
    coverage = session_coverage(session)
    assert coverage.ready is True
    assert coverage.counts == {"passed": 20, "accepted": 0, "open": 0, "not-run": 0}
    ids = [c["case_id"] for c in coverage.as_dict()["cases"]]
    assert len(ids) == len(set(ids)) == 20 and "DEMO-FSE-030" not in ids


def test_a_merge_counts_each_case_once_and_a_case_of_one_file_too(tmp_path: Path, pending: Path) -> None:
    edited = tmp_path / "b.tbsession"
    _run(_without(tmp_path, "DEMO-FSE-030"), edited)
    merged = _merge(tmp_path, pending, edited)
    _assert_counted_once(merged, ready=False)
    assert [c.case_id for c in session_coverage(merged).cases if c.status == "open"] == ["DEMO-FSE-030"]


def test_the_latest_attempt_across_the_files_decides(tmp_path: Path, pending: Path) -> None:
    later = tmp_path / "later.tbsession"  # DEMO-FSE-030 passed after it was left pending
    _run(_without(tmp_path, "DEMO-FSE-031"), later, "--attestations", str(ATTESTATIONS))
    _assert_counted_once(_merge(tmp_path, pending, later), ready=True)
    earlier = tmp_path / "earlier.tbsession"  # ... and left pending after it passed
    _run(_without(tmp_path, "DEMO-FSE-031"), earlier, "--attestations", str(ATTESTATIONS))
    again = tmp_path / "again.tbsession"
    _run(DEMO, again)
    (tmp_path / "m.tbsession").unlink()
    merged = _merge(tmp_path, earlier, again)
    _assert_counted_once(merged, ready=False)
    assert [c.case_id for c in session_coverage(merged).cases if c.status == "open"] == ["DEMO-FSE-030"]
