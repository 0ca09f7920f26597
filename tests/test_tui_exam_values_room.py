"""At 80×24 the exam view gives the expected values the rows an empty application log does not need: the six
values of the bundled exam case all in sight, the log kept as its frame (« 0 ligne »)."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

from test_tui_exam import plain
from test_tui_helpers import fake_bench

from testbench.casebook.loader import load_casebooks
from testbench.paths import CASEBOOKS_DIR
from testbench.tui.app import WorkstationApp
from testbench.tui.config import Settings, UiState
from testbench.tui.workstation import Workstation


def test_the_six_expected_values_fit_at_80x24_with_an_empty_log(tmp_path: Path) -> None:
    seen: dict[str, int] = {}

    async def scenario() -> None:
        ws = Workstation(load_casebooks([CASEBOOKS_DIR / "exam-demo.xml"]), tmp_path / "exam.tbsession")
        app = WorkstationApp(ws, bench_factory=fake_bench, settings=Settings(), state=UiState(tmp_path / "cfg"))
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press("7")
            await pilot.pause()
            box = app.query_one("#exam-values-box")
            seen["hidden"] = box.max_scroll_y
            seen["shown"] = box.scrollable_content_region.height
            seen["log"] = app.query_one("#exam-app-log").outer_size.height

    asyncio.run(scenario())
    assert seen["hidden"] == 0 and seen["shown"] >= 7, seen  # the columns' heading and six values
    assert seen["log"] == 2, seen


def test_the_patient_and_first_step_show_under_the_header_only_where_the_view_has_the_rows(tmp_path: Path) -> None:
    """At 80×24 they give their rows to the expected values (the case view and the step's window name the patient);
    at 120×40 the case never run says its first step and its patient under the header."""
    from textual.widgets import Static

    shown: dict[tuple[int, int], tuple[bool, str]] = {}

    async def scenario(size: tuple[int, int]) -> None:
        ws = Workstation(load_casebooks([CASEBOOKS_DIR / "exam-demo.xml"]), tmp_path / f"{size[1]}.tbsession")
        app = WorkstationApp(ws, bench_factory=fake_bench, settings=Settings(), state=UiState(tmp_path / "cfg"))
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await pilot.press("7")
            await pilot.pause()
            ahead = app.query_one("#exam-ahead", Static)
            shown[size] = (ahead.display, plain(ahead.content, size[0]))

    for size in ((80, 24), (120, 40)):
        asyncio.run(scenario(size))
    assert shown[(80, 24)][0] is False
    displayed, text = shown[(120, 40)]
    assert displayed and "Première étape : " in text and "Patient : " in text, text
