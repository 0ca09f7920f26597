"""The UI during a long run: key press → frame while 700 cases run in the worker (fake bench).

Run: .venv/bin/python benchmarks/tui_run.py   (target: key → frame ≤ 50 ms while running)
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from tui_common import FrameClock, casebook, ms


async def measure() -> None:
    from test_tui_helpers import fake_bench

    from testbench.tui.app import WorkstationApp
    from testbench.tui.config import Settings
    from testbench.tui.workstation import Workstation

    with tempfile.TemporaryDirectory() as tmp:
        cb = casebook(Path(tmp), 700)
        clock = FrameClock()
        app = WorkstationApp(
            Workstation([cb], Path(tmp) / "s.tbsession"), bench_factory=fake_bench, settings=Settings()
        )
        clock.install(app)
        async with app.run_test(size=(160, 50)) as pilot:
            await pilot.pause()
            started = time.perf_counter()
            await pilot.press("x")
            latencies = []
            while app.running:
                t = time.perf_counter()
                app.simulate_key("1" if len(latencies) % 2 else "2")  # switch views while it runs
                await asyncio.sleep(0.1)  # no wait-for-idle: the run keeps the process busy
                frame = clock.first_after(t)
                if frame is not None and app.running:
                    latencies.append(frame - t)
            await app.workers.wait_for_complete()
            await pilot.pause()
            done = time.perf_counter() - started
            final = sum(1 for e in app.ws.entries if e.is_final)
        print(f"run of 700 cases (fake bench) from the UI: {done:.1f} s, {final} final verdicts")
        if latencies:
            print(
                f"view switch while running ×{len(latencies)}: median {ms(statistics.median(latencies))},"
                f" max {ms(max(latencies))}"
            )


if __name__ == "__main__":
    asyncio.run(measure())
