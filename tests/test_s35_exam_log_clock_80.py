"""Exam day at 80x24: the exam view's application log says each line's capture time on the bench's clock, as its
title says (« Journal de l'application — heure du banc (UTC) »). Its lines hold no APDU, so the clock no longer waits
for an APDU's room: before, at 80 columns only the application's own timestamp showed under that title (Pilot).
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio

import pytest
from textual.app import App, ComposeResult

from testbench.tui.exam_view import ExamView
from testbench.tui.traceview import TraceView


class _OneView(App[None]):
    def compose(self) -> ComposeResult:
        yield ExamView(id="exam-view")


@pytest.mark.parametrize("size", [(56, 24), (80, 24), (120, 40)])  # 56: the view beside the case list at 80
def test_the_exam_logs_bench_clock_shows_at_80_columns(size: tuple[int, int]) -> None:
    seen: dict[str, object] = {}

    async def scenario() -> None:
        app = _OneView()
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            log = app.query_one("#exam-app-log", TraceView)
            seen["clock"], seen["prefix"] = log.clock, log.prefix_width

    asyncio.run(scenario())
    assert seen["clock"] is True, seen
    assert seen["prefix"] == 11 + 13, seen


def test_the_traces_panes_still_keep_an_apdus_room() -> None:
    seen: dict[str, object] = {}

    class _Traces(App[None]):
        def compose(self) -> ComposeResult:
            yield TraceView("apdu", id="apdu")

    async def scenario() -> None:
        app = _Traces()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            seen["clock"] = app.query_one("#apdu", TraceView).clock

    asyncio.run(scenario())
    assert seen["clock"] is False, seen
