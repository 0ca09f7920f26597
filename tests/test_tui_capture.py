"""``testbench ui CASEBOOK --session S --app-log PATH``: the workstation follows the application's log.

The workstation runs cases through the same campaign as ``testbench run``, so it takes the same
options (generated from one place) and captures the application's traces: the app pane fills while
the case runs, and the report built from the session holds those lines, attributed to their step.
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from testbench.cli.main import build_parser, main
from testbench.paths import CASEBOOKS_DIR
from testbench.runner.options import option_flags

CASE = "DEMO-FSE-030"  # ends with a manual step (m-paper): the case waits for the examiner there
LINES = 12
#: the application under test, in a process of its own, appending to its log while the case waits
APPLICATION = f"""
import sys
with open(sys.argv[1], "a", encoding="utf-8") as log:
    for i in range({LINES}):
        log.write(f"2026-11-25 10:00:00,000 INFO feuille papier ligne {{i:02d}} editee\\n")
        log.flush()
"""


def _help(command: str) -> str:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices[command]
    return sub.format_help()


def _offered(command: str) -> set[str]:
    return set(re.findall(r"(?<![\w-])(--[a-z][a-z-]+)", _help(command)))


def test_run_ui_and_demo_offer_the_same_bench_capture_and_identity_options() -> None:
    shared = {
        "--engine",
        "--engine-timeout",
        "--engine-cards",
        "--cards",
        "--allow-real-cards",
        "--watch",
        "--sut-profile",
        "--app-log",
        "--syslog",
        "--sut",
        "--sut-version",
        "--agrement",
        "--operator",
        "--lang",
    }
    # the workstation: every bench, capture and identity option, the exam plan it records and its parallel
    # benches (run's too)
    assert set(option_flags("ui")) == shared | {"--plan", "--workers"}
    assert "--plan" in _offered("run")
    for command in ("run", "ui", "demo"):
        assert shared <= _offered(command), (command, sorted(shared - _offered(command)))
    # the same words everywhere: each option's help is generated once
    for flag in ("--app-log", "--syslog", "--watch", "--engine", "--sut", "--sut-profile"):
        lines = {c: _option_help(_help(c), flag) for c in ("run", "ui", "demo")}
        assert len(set(lines.values())) == 1, lines
    assert {"--report", "--junit", "--tag", "--attestations"} <= _offered("run")
    assert not {"--report", "--junit", "--tag", "--attestations"} & _offered("ui")


def _option_help(text: str, flag: str) -> str:
    """The help paragraph of ``flag`` in an argparse help text (up to the next option)."""
    block = re.search(rf"\n  {re.escape(flag)}\b(.*?)(?=\n  -|\Z)", text, re.S)
    assert block, flag
    return " ".join(block.group(1).split())


async def _until(pilot, condition, what: str, tries: int = 400) -> None:
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.025)
    pytest.fail(f"never happened: {what}")


def test_ui_app_log_fills_the_app_pane_live_and_the_report_attributes_the_lines(tmp_path: Path, monkeypatch) -> None:
    from test_tui_helpers import wait_run

    from testbench.report.build import BuildOptions, build_report
    from testbench.tui.app import WorkstationApp
    from testbench.tui.screens import AttestScreen
    from testbench.tui.traceview import TracePanes

    monkeypatch.setenv("TESTBENCH_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    log = tmp_path / "appli.log"
    log.write_text("", encoding="utf-8")
    session = tmp_path / "exam.tbsession"
    seen: dict[str, object] = {}

    def app_lines(panes: TracePanes) -> list[str]:
        view = panes.view("app")
        return [view.index.row(i).text for i in range(len(view))] if view.index is not None else []

    async def scenario(app: WorkstationApp) -> None:
        async with app.run_test(size=(130, 40)) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find(CASE).key)
            await pilot.pause()
            panes = app.query_one("#trace-panes", TracePanes)
            await pilot.press("4")  # the traces view, open while the case runs
            await pilot.press("r")
            await _until(pilot, lambda: isinstance(app.screen, AttestScreen), "the manual step asks the examiner")
            assert app_lines(panes) == []  # the application has written nothing yet
            subprocess.run([sys.executable, "-c", APPLICATION, str(log)], check=True, timeout=60)
            await _until(pilot, lambda: len(app_lines(panes)) == LINES, "the app pane shows the application's lines")
            # live: the case is still running, waiting at its manual step
            assert app.running and isinstance(app.screen, AttestScreen)
            assert panes.attempt_id == app.running_attempt
            seen["live"] = app_lines(panes)
            await pilot.press(*"true", "tab", *"5.90")  # what the examiner reads on the paper sheet
            await pilot.press("ctrl+s")
            await wait_run(app, pilot)
            seen["verdict"] = app.ws.find(CASE).verdict

    def drive(self: WorkstationApp, *args: object, **kwargs: object) -> int:
        asyncio.run(scenario(self))  # the app exactly as ``testbench ui`` built it, driven by Pilot
        return 0

    monkeypatch.setattr(WorkstationApp, "run", drive)
    argv = ["ui", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(session)]
    argv += ["--app-log", f"{log};format=log4j", "--engine", "inprocess", "--cards", "inprocess"]
    argv += ["--sut", "Logiciel X"]
    assert main(argv) == 0
    live = seen["live"]
    assert isinstance(live, list) and all("feuille papier ligne" in line for line in live), live
    assert seen["verdict"] == "pass"

    folder = build_report(session, tmp_path / "report", BuildOptions(excerpt=10_000, junit=False)).folder
    data = json.loads((folder / "report.json").read_bytes())
    case = next(c for c in data["cases"] if c["key"]["case_id"] == CASE)
    app_rows = [row for row in case["trace"]["excerpt"] if row.get("channel") == "app"]
    assert [re.search(r"ligne (\d\d)", row["text"]).group(1) for row in app_rows] == [f"{i:02d}" for i in range(LINES)]
    assert {row["step"] for row in app_rows} == {"m-paper"}  # written while the case waited at that step
    assert "Logiciel X" in json.dumps(data["cover"], ensure_ascii=False)  # ui's identity options reach the cover
