"""The coverage of a session a run writes now (the workstation running a case, or ``testbench run`` under way)
tells the case under way from one cut: its attempt without a verdict is ``running`` while its run holds the
session, and only an attempt whose run ended without its verdict (killed, ^C) reads as cut."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.scope.coverage import session_coverage
from testbench.store.session import SessionStore

DEMO = CASEBOOKS_DIR / "demo.xml"
PLAN = CASEBOOKS_DIR / "plans" / "demo-plan.toml"
RUNNING = "DEMO-FSE-030"


@pytest.fixture
def session(tmp_path: Path) -> Path:
    """The demo's DEMO-FSE-001 run to its verdict, its plan recorded."""
    path = tmp_path / "s.tbsession"
    bench = ["--cards", "inprocess", "--engine", "inprocess", "--plan", str(PLAN)]
    assert main(["run", str(DEMO), "--session", str(path), *bench, "-k", "id:DEMO-FSE-001"]) in (0, 1)
    return path


def _start(store: SessionStore) -> None:
    """A new run that starts RUNNING and has not ended it (nor itself)."""
    sha = next(iter(store.recorded_casebooks()))
    run = store.begin_run(["testbench", "ui", str(DEMO)], {}, {})
    store.start_attempt(run, sha, RUNNING)
    store.commit()


def _case(data: dict, case_id: str) -> dict:
    return next(c for c in data["cases"] if c["case_id"] == case_id)


def test_the_case_a_live_run_runs_is_running_not_cut(session: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = SessionStore.open(session, create=False)
    try:
        _start(store)
        data = session_coverage(session).as_dict(detail=True)
        assert _case(data, RUNNING)["running"] is True
        assert _case(data, RUNNING)["status"] == "open"  # not ready while it runs
        assert _case(data, "DEMO-FSE-001")["running"] is False
        req = next(r for r in data["requirements"] if r["id"] == "RG_VF644")
        assert next(c for c in req["cases"] if c["case_id"] == RUNNING)["running"] is True
        capsys.readouterr()
        assert main(["coverage", str(session), "--format", "json"]) == 1  # what a script reads meanwhile
        assert _case(json.loads(capsys.readouterr().out), RUNNING)["running"] is True
    finally:
        store.close()
    # its run never ended and nobody writes the session any more: killed, the attempt cut
    data = session_coverage(session).as_dict(detail=True)
    assert _case(data, RUNNING)["running"] is False and _case(data, RUNNING)["verdict"] == "none"


def test_the_report_shape_has_no_running_key(session: Path) -> None:
    """report.json's coverage section keeps its published schema (no key added)."""
    data = session_coverage(session).as_dict()
    assert "running" not in _case(data, "DEMO-FSE-001")
    assert all("running" not in c for r in data["requirements"] for c in r["cases"])


def test_the_running_case_reads_en_cours(session: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = SessionStore.open(session, create=False)
    try:
        _start(store)
        capsys.readouterr()
        main(["coverage", str(session)])
        out = capsys.readouterr().out
        assert f"  {RUNNING} : en cours\n" in out and f"{RUNNING} en cours" in out and "interrompue" not in out
        main(["coverage", str(session), "--lang", "en"])
        assert f"  {RUNNING}: running\n" in capsys.readouterr().out
    finally:
        store.close()
    capsys.readouterr()
    main(["coverage", str(session)])
    assert f"  {RUNNING} : interrompue\n" in capsys.readouterr().out  # killed: cut
