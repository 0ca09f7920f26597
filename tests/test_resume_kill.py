"""kill -9 during ``testbench run``, then ``--resume``: nothing recorded is lost, nothing is run twice."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from testbench.paths import CASEBOOKS_DIR

CASEBOOK = CASEBOOKS_DIR / "billing.xml"


def finished(session: Path) -> list[tuple[str, int, str]]:
    if not session.exists():
        return []
    try:
        conn = sqlite3.connect(f"{session.resolve().as_uri()}?mode=ro", uri=True)
        rows = conn.execute(
            "SELECT case_id, number, verdict FROM attempts WHERE ended_wall IS NOT NULL AND verdict != 'none'"
            " ORDER BY id"
        ).fetchall()
        conn.close()
        return [(r[0], r[1], r[2]) for r in rows]
    except sqlite3.OperationalError:  # schema not created yet
        return []


def run_cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "testbench", *args], capture_output=True, text=True, timeout=timeout)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="kill -9 is a POSIX signal")
def test_kill_then_resume_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    session = tmp_path / "campaign.tbsession"
    args = ["run", str(CASEBOOK), "--session", str(session), "--cards", "inprocess"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "testbench", *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    while len(finished(session)) < 8 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    assert proc.poll() is None, "the run ended before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    before = finished(session)
    assert len(before) >= 8

    # without --resume the session is not silently run again
    refused = run_cli(*args)
    assert refused.returncode == 3 and "--resume" in refused.stderr

    resumed = run_cli(*args, "--resume")
    assert resumed.returncode in (0, 1, 2), resumed.stderr
    assert "Traceback" not in resumed.stderr
    after = finished(session)
    assert after[: len(before)] == before  # every verdict recorded before the kill is still there, unchanged

    conn = sqlite3.connect(session)
    selected = {r[0] for r in conn.execute("SELECT case_id FROM selection")}
    final = conn.execute(
        "SELECT case_id, COUNT(*) FROM attempts WHERE verdict NOT IN ('none', 'pending') GROUP BY case_id"
    ).fetchall()
    interrupted = conn.execute("SELECT COUNT(*) FROM attempts WHERE reason LIKE 'tentative interrompue%'").fetchone()[0]
    conn.close()
    assert {case for case, _ in final} == selected  # every case has a final verdict
    assert all(count == 1 for _, count in final), "a case with a final verdict was run again"
    assert interrupted <= 1  # the attempt under way at the kill stays in the history, marked


def test_resume_report_after_kill_is_rebuilt_from_the_session(tmp_path: Path) -> None:
    session = tmp_path / "s.tbsession"
    done = run_cli("run", str(CASEBOOK), "--session", str(session), "--cards", "inprocess", "-k", "TB-LPP-001")
    assert done.returncode in (0, 1), done.stderr
    out = run_cli("report", str(session), "-o", str(tmp_path / "r"))
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "r" / "index.html").read_text(encoding="utf-8").count("TB-LPP-001") >= 1


def test_bad_selection_expression_is_a_usage_error(tmp_path: Path) -> None:
    out = run_cli("run", str(CASEBOOK), "--session", str(tmp_path / "s.tbsession"), "-k", "LPP and (")
    assert out.returncode == 3
    assert "-k" in out.stderr and "Traceback" not in out.stderr


def test_full_disk_stops_cleanly_and_resume_completes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A full disk (SQLite's own size cap stands in for it) ends the run with a clear message; nothing
    recorded is lost and --resume finishes the campaign once there is room again."""
    from testbench.runner.campaign import CampaignError, RunRequest, run_campaign
    from testbench.runner.options import BenchOptions, CampaignOptions
    from testbench.store.session import SessionStore

    session = tmp_path / "full.tbsession"
    options = CampaignOptions(BenchOptions(cards="inprocess", engine="inprocess"))
    request = RunRequest(casebooks=[CASEBOOK], session=session, options=options)
    real_open = SessionStore.open

    def cramped_open(path: Path, *, create: bool = True) -> SessionStore:
        store = real_open(path, create=create)
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages + 250}")  # room for a few cases only
        return store

    monkeypatch.setattr(SessionStore, "open", cramped_open)
    with pytest.raises(CampaignError) as caught:
        run_campaign(request)
    assert caught.value.exit_code == 2
    assert "--resume" in str(caught.value) and "intacte" in str(caught.value)
    before = finished(session)
    assert 0 < len(before) < 57

    monkeypatch.setattr(SessionStore, "open", real_open)
    request.resume = True
    result = run_campaign(request)
    after = finished(session)
    assert after[: len(before)] == before
    assert len(result.final_verdicts) == 57 and "none" not in result.final_verdicts


@pytest.mark.parametrize(
    ("lang", "says"),
    [
        ("fr", "1 tentative interrompue conservée dans l'historique : DEMO-FSE-001"),  # the case it was in
        ("en", "1 interrupted attempt kept in the history: DEMO-FSE-001"),
    ],
)
def test_resume_says_the_interrupted_attempts_agreeing_with_their_count(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, says: str
) -> None:
    """A run stopped in its first case's third step leaves one attempt without a verdict; ``--resume`` says so
    in the command's language, the noun agreeing with 1 (no « tentative(s) »)."""
    from shard_content import BENCH, DEMO

    from testbench.cli.main import main
    from testbench.runner.campaign import RunRequest, run_campaign
    from testbench.runner.events import RunEvent, StepStarted
    from testbench.runner.options import BenchOptions, CampaignOptions

    session = tmp_path / "s.tbsession"
    steps: list[RunEvent] = []

    def stop_at_the_third_step(event: RunEvent) -> None:
        if isinstance(event, StepStarted):
            steps.append(event)
            if len(steps) == 3:
                raise KeyboardInterrupt

    options = CampaignOptions(BenchOptions(cards="inprocess", engine="inprocess"))
    with pytest.raises(KeyboardInterrupt):
        run_campaign(RunRequest([DEMO], session, options), listener=stop_at_the_third_step)
    assert main(["run", str(DEMO), "--session", str(session), *BENCH, "--resume", "--lang", lang]) in (0, 1)
    assert f"\n{says}\n" in "\n" + capsys.readouterr().err
