"""The run log follows the run and its redraws stay bounded (audit a6w, findings 1 and 2).

A 108-case run ended with the log's bottom at its 31st case: ``Log`` scrolls only when at its end as it
writes, and a batch written before the last scroll landed, or while another view was shown, left it behind
for good. Scrolled up on purpose, the log stays there and a mark says new lines are below; End follows again.
After 754 cases F2 and a resize re-wrapped every line of the day (3–5 s): the log keeps its last lines.
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

from test_tui_helpers import make_app

from testbench.tui import run_log
from testbench.tui.run_log import RunLog

TITLE = "un titre assez long pour être replié sur deux lignes dans une vue de quatre-vingts colonnes"


def bottom_rows(log: RunLog) -> list[str]:
    return [row for y in range(log.size.height) if (row := log.render_line(y).text.rstrip())]


def test_the_run_log_shows_its_last_line_after_fast_batches_and_a_view_switch(tmp_path: Path) -> None:
    seen: dict[str, object] = {}

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press("2")
            await pilot.pause()
            for i in range(300):  # batches faster than the screen refreshes, as a fast run's flushes
                app.log_line(f"▶ CASE-{i:03d} ({i + 1}/300) — {TITLE}")
                app.log_line(f"  ✔ étape {i}")
                if i % 7 == 0:
                    await asyncio.sleep(0)
                if i == 100:
                    await pilot.press("1")  # lines written while another view is shown
                if i == 200:
                    await pilot.press("2")
            await pilot.pause()
            await pilot.pause()
            log = app.query_one("#run-log", RunLog)
            seen["rows"] = bottom_rows(log)
            seen["at_end"] = log.scroll_y == log.max_scroll_y

    asyncio.run(scenario())
    assert seen["at_end"]
    assert seen["rows"][-1] == "  ✔ étape 299"  # type: ignore[index]


def test_scrolled_up_the_log_stays_says_new_lines_are_below_and_end_follows_again(tmp_path: Path) -> None:
    seen: dict[str, object] = {}

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press("2")
            await pilot.pause()
            log = app.query_one("#run-log", RunLog)
            app.log_line("\n".join(f"ligne {i}" for i in range(100)))
            await pilot.pause()
            log.focus()
            await pilot.press("pageup")
            await pilot.pause()
            kept = log.scroll_y
            app.log_line("ligne 100")
            await pilot.pause()
            seen["stayed"] = log.scroll_y == kept and not log.following
            seen["mark"] = str(log.border_subtitle)
            await pilot.press("end")
            await pilot.pause()
            app.log_line("ligne 101")
            await pilot.pause()
            seen["end_rows"] = bottom_rows(log)
            seen["mark_after"] = str(log.border_subtitle)

    asyncio.run(scenario())
    assert seen["stayed"]
    assert "nouvelles lignes plus bas" in str(seen["mark"])
    assert seen["end_rows"][-1] == "ligne 101"  # type: ignore[index]
    assert seen["mark_after"] == ""


def test_the_log_keeps_its_last_lines_and_says_where_the_earlier_ones_are(tmp_path: Path) -> None:
    seen: dict[str, object] = {}
    drawings = [0]

    def counted(i: int):  # a line drawn in the language shown: each redraw draws it again
        def draw() -> str:
            drawings[0] += 1
            return f"  ✔ étape {i} — {TITLE}"

        return draw

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press("2")
            await pilot.pause()
            log = app.query_one("#run-log", RunLog)
            for start in range(0, 6000, 500):  # ≈ 754 cases' worth of lines, in the batches a run flushes
                log.write_lines([counted(i) for i in range(start, start + 500)])
            await pilot.pause()
            seen["kept"] = len(log.lines)
            seen["first"] = log.lines[0]
            drawings[0] = 0
            await pilot.press("f2")
            await pilot.pause()
            seen["drawn_again"] = drawings[0]
            seen["top"] = log._lines[0]  # the first row drawn: the line about the earlier ones, in English now
            seen["rows"] = bottom_rows(log)

    asyncio.run(scenario())
    assert int(seen["kept"]) <= run_log.KEPT + run_log.KEPT // 2  # type: ignore[call-overload]
    assert seen["first"] != f"  ✔ étape 0 — {TITLE}"
    assert int(seen["drawn_again"]) <= run_log.KEPT + run_log.KEPT // 2  # type: ignore[call-overload]
    assert "earlier lines" in str(seen["top"]), seen["top"]
    assert str(seen["rows"][-1]).strip().endswith("colonnes")  # type: ignore[index]
