"""The workstation's traces view draws the bench's own lines in the language shown (F2), the others as recorded."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

from test_tui_helpers import demo_app, make_app, run_and_open_traces

from testbench.tui.traceview import TraceView

SIZE = (130, 40)


def drawn(view: TraceView, y: int = 0) -> str:
    return "".join(segment.text for segment in view.render_line(y))


def test_after_f2_the_bench_lines_of_the_traces_view_are_english(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            panes = await run_and_open_traces(app, pilot, "TC-OK-001")
            bench, engine = panes.view("bench"), panes.view("engine")
            assert "début du cas TC-OK-001" in drawn(bench)
            engine_line = drawn(engine)
            await pilot.press("f2")
            await pilot.pause()
            assert "start of case TC-OK-001" in drawn(bench)
            assert "début du cas" not in drawn(bench)
            assert drawn(engine) == engine_line  # the engine's line is evidence: as recorded
            assert "lines" in str(bench.border_subtitle)
            last = len(bench) - 1
            assert bench.index is not None and bench.index.row(last).text.startswith("fin du cas TC-OK-001 : ")
            bench.go(last)
            await pilot.pause()
            assert "end of case TC-OK-001: passed" in drawn(bench, last - bench.scroll_offset.y)
            await pilot.press("f2")  # French again
            await pilot.pause()
            assert "fin du cas TC-OK-001 : réussi" in drawn(bench, last - bench.scroll_offset.y)

    asyncio.run(scenario())


def test_after_f2_the_apdu_lines_say_their_status_word_in_english(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = demo_app(tmp_path)  # the real bench in process: its cards answer APDUs
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            apdu = (await run_and_open_traces(app, pilot, "DEMO-FSE-001")).view("apdu")
            assert apdu.index is not None
            rows = range(min(len(apdu), SIZE[1] // 2))  # the lines the pane draws at once
            recorded = [apdu.index.row(y).text for y in rows]
            assert any(" 9000 succès " in text for text in recorded)
            french = [drawn(apdu, y) for y in rows]
            await pilot.press("f2")
            await pilot.pause()
            english = [drawn(apdu, y) for y in rows]
            assert any(" 9000 success " in line for line in english)
            assert [line for line in english if "succès" in line or "octets de réponse" in line] == []
            # the bytes, the duration and the reader as recorded: only the status word's meaning changed
            assert [line.split(" A<< ")[0] for line in english] == [line.split(" A<< ")[0] for line in french]
            await pilot.press("f2")  # French again
            await pilot.pause()
            assert [drawn(apdu, y) for y in rows] == french

    asyncio.run(scenario())
