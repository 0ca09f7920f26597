"""A case runs while another process writes a rotating log and sends syslog: the case's slice holds
every line once, in order, attributed to the step during which it was written."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from testbench.paths import CASEBOOKS_DIR
from testbench.runner.campaign import RunRequest, run_campaign
from testbench.runner.events import StepStarted
from testbench.runner.options import BenchOptions, CampaignOptions, CaptureOptions, Selection
from testbench.store.read import read_session

WRITER = Path(__file__).parent / "data" / "traces" / "step_writer.py"
STEPS = ("s-vitale", "s-invoice", "s-secure")


def test_application_traces_are_sliced_by_step(tmp_path: Path) -> None:
    log = tmp_path / "appli.log"
    log.write_text("", encoding="cp1252")
    session = tmp_path / "s.tbsession"
    notes: list[str] = []
    writer: subprocess.Popen[str] | None = None

    def notify(message: str) -> None:
        nonlocal writer
        notes.append(message)
        match = re.search(r"UDP (\d+) / TCP (\d+)", message)
        if match and writer is None:
            writer = subprocess.Popen(
                [sys.executable, str(WRITER), str(log), match.group(1), match.group(2)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )

    def listener(event: object) -> None:
        if isinstance(event, StepStarted) and event.step.id in STEPS:
            assert writer is not None and writer.stdin is not None and writer.stdout is not None
            writer.stdin.write(f"STEP {event.step.id}\n")
            writer.stdin.flush()
            assert writer.stdout.readline().strip() == "done"

    request = RunRequest(
        casebooks=[CASEBOOKS_DIR / "demo.xml"],
        session=session,
        options=CampaignOptions(
            BenchOptions(cards="inprocess", engine="inprocess"),
            CaptureOptions(app_logs=[f"{log};format=log4j;encoding=cp1252"], syslog_port=0),
            selection=Selection("DEMO-FSE-001"),
        ),
    )
    try:
        result = run_campaign(request, listener=listener, notify=notify)
    finally:
        if writer is not None:
            writer.kill()
            writer.wait()
    assert result.final_verdicts == ["pass"]

    with read_session(session) as view:
        attempt = view.cases[0].latest
        lines = view.trace_lines(attempt.id, "app")
    for step in STEPS:
        mine = [line for line in lines if f" {step} " in f" {line.text} "]
        assert {line.step_id for line in mine} == {step}, f"lines of {step} attributed elsewhere"
        app = [line.text for line in mine if " app ligne " in line.text]
        assert app == [f"{step} app ligne {i:02d} é" for i in range(40)] or app == [
            f"2026-11-25 10:00:00,000 INFO {step} app ligne {i:02d} é" for i in range(40)
        ], app[:3]
        for proto in ("udp", "tcp"):
            got = [int(line.text.rsplit(" ", 1)[1]) for line in mine if f" {proto} " in line.text]
            assert got == list(range(5)), (step, proto, got)
    assert all(line.mono_ns > 0 and line.wall > 0 for line in lines)
