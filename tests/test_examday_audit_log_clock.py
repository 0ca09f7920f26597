"""The exam view's application log says which of its two times is the bench's.

Each line shows the time the bench captured it (the bench's clock, in UTC) and then the line's own timestamp (the
application's clock and time zone). In Paris in winter they read « 03:22:57.443 » beside « 04:22:57,400 »: without
the pane saying the first is the bench's in UTC, an examiner reads an hour's gap as a fault. The traces view says it
in its header; the exam view's log pane says it in its title, in the workstation's language (F2 switches it).
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR


def test_the_exam_view_s_log_pane_says_its_first_time_is_the_bench_s_in_utc(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from testbench.tui.app import WorkstationApp
    from testbench.tui.traceview import TraceView

    monkeypatch.setenv("TESTBENCH_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    log = tmp_path / "erp.log"
    log.write_text("", encoding="utf-8")
    titles: list[str] = []

    async def scenario(app: WorkstationApp) -> None:
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            await pilot.press("7")
            await pilot.pause()
            titles.append(str(app.query_one("#exam-app-log", TraceView).border_title))
            await pilot.press("f2")
            await pilot.pause(0.3)
            titles.append(str(app.query_one("#exam-app-log", TraceView).border_title))

    def drive(self: WorkstationApp, *args: object, **kwargs: object) -> int:
        asyncio.run(scenario(self))
        return 0

    monkeypatch.setattr(WorkstationApp, "run", drive)
    argv = ["ui", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(tmp_path / "exam.tbsession")]
    argv += ["--app-log", f"{log};format=log4j", "--engine", "inprocess", "--cards", "inprocess"]
    assert main(argv) == 0
    assert titles == ["Journal de l'application — heure du banc (UTC)", "Application log — bench time (UTC)"], titles
