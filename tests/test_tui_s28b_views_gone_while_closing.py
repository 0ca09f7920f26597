"""A run message handled while the workstation is torn down is left unread. Textual stops the app (``is_running``
false), then removes its widgets one by one; the run panel's timer firing in between found ``#views`` still there
and ``#run-log`` gone, and ended on a traceback (``NoMatches: No nodes match '#run-log'``, seen in
tests/test_tui_notice_over_window.py under load: the pilot tears the app down while its quit still waits for the
case under way). Once the app has stopped running, the views count as gone."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

from test_tui_helpers import make_app
from test_tui_notice_over_window import _manual_step
from textual.widget import Widget


def test_the_views_count_as_gone_once_the_workstation_stops_with_a_case_under_way(tmp_path: Path) -> None:
    seen: list[tuple[bool, bool]] = []

    class Witness(Widget):
        """Removed with the run view as the workstation is torn down: what a run message would find then."""

        def on_unmount(self) -> None:
            seen.append((self.app.is_running, self.app.views_gone()))

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            log = app.query_one("#run-log")
            await log.parent.mount(Witness(), after=log)
            await _manual_step(pilot)  # a case under way, its manual step's window open, as the app is torn down
            assert not app.views_gone()  # open: a run's messages are read

    asyncio.run(scenario())
    assert seen == [(False, True)]
