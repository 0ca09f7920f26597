"""Trace view at scale and key latency: open a 100,000-line trace, then key press → updated frame.

Run: .venv/bin/python benchmarks/tui_traces.py   (targets: open ≤ 100 ms, key → frame ≤ 50 ms)

"open" is measured from the key that shows the Traces view to the first frame that shows the
trace lines (a head query fills the first screen; the full index of ids/times follows from a worker,
timed separately). Key latencies are from the key being posted to the next frame handed to the driver.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from tui_common import FrameClock, casebook, ms, session_with_trace

LINES = 100_000


async def measure() -> None:
    from test_tui_helpers import fake_bench

    from testbench.tui.app import WorkstationApp
    from testbench.tui.config import Settings
    from testbench.tui.traceview import TracePanes
    from testbench.tui.workstation import Workstation

    with tempfile.TemporaryDirectory() as tmp:
        cb = casebook(Path(tmp), 700)
        session = session_with_trace(Path(tmp), cb, "TC-0000", LINES)
        clock = FrameClock()
        app = WorkstationApp(Workstation([cb], session), bench_factory=fake_bench, settings=Settings())
        clock.install(app)
        async with app.run_test(size=(160, 50)) as pilot:
            await pilot.pause()
            panes = app.query_one("#trace-panes", TracePanes)
            # reference: switching to a light view costs one full-screen repaint
            t0 = time.perf_counter()
            await pilot.press("5")
            print(f"reference: switch to the overview view, first frame {ms(clock.first_after(t0) - t0)}")
            await pilot.press("1")
            clock.probe = lambda: sum(len(v) for v in panes.views())
            t0 = time.perf_counter()
            await pilot.press("4")
            found = clock.first_with(t0, lambda n: bool(n))
            first, shown = found if found else (None, 0)
            await app.workers.wait_for_complete()
            full = time.perf_counter()
            await pilot.pause()
            total = sum(len(v) for v in panes.views())
            print(
                f"open {LINES} lines (4 channels): first frame with lines {ms(first and first - t0)}"
                f" ({shown} lines indexed for it); full index (worker thread) in {ms(full - t0)} ({total} lines)"
            )

            # the same trace shown again from scratch while the view is visible (case switch path)
            t0 = time.perf_counter()
            panes.show_attempt(panes.source, panes.attempt_id, force=True)
            await pilot.pause()
            found = clock.first_with(t0, lambda n: bool(n))
            print(f"re-open {LINES} lines in the visible view: first frame {ms(found and found[0] - t0)}")
            await app.workers.wait_for_complete()
            await pilot.pause()

            async def key_latency(key: str, n: int) -> list[float]:
                out = []
                for _ in range(n):
                    t = time.perf_counter()
                    await pilot.press(key)
                    frame = clock.first_after(t)
                    if frame is not None:
                        out.append(frame - t)
                return out

            apdu = panes.view("apdu")
            apdu.focus()
            await pilot.pause()
            for key, n in (("down", 30), ("pagedown", 30), ("end", 3), ("home", 3)):
                lat = await key_latency(key, n)
                print(
                    f"trace pane '{key}' ×{n} (linked panes follow): median {ms(statistics.median(lat))},"
                    f" max {ms(max(lat))}"
                )
            app.query_one("#tree").focus()
            await pilot.press("1")
            lat = await key_latency("down", 30)
            print(
                f"case tree 'down' ×30 (case view re-rendered): median {ms(statistics.median(lat))}, max {ms(max(lat))}"
            )
            await pilot.press("3")
            lat = await key_latency("down", 20)
            print(
                f"case tree 'down' ×20 on the expected/observed view: median {ms(statistics.median(lat))},"
                f" max {ms(max(lat))}"
            )
            # typing in the filter rebuilds the tree of 700 cases
            await pilot.press("slash")
            lat = await key_latency("7", 1) + await key_latency("backspace", 1) + await key_latency("9", 1)
            print(
                f"filter keystroke over 700 cases (tree rebuilt): median {ms(statistics.median(lat))},"
                f" max {ms(max(lat))}"
            )
    print("targets: open ≤ 100 ms; key → frame ≤ 50 ms")


if __name__ == "__main__":
    asyncio.run(measure())
