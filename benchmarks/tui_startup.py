"""Start to interactive: in process (app built → first frame with the tree) and as a real program in tmux.

Run: .venv/bin/python benchmarks/tui_startup.py   (target ≤ 1 s)
"""

from __future__ import annotations

import asyncio
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tui_common import ROOT, FrameClock, casebook, ms


async def in_process(n_cases: int) -> tuple[float, float]:
    from test_tui_helpers import fake_bench

    from testbench.tui.app import WorkstationApp
    from testbench.tui.config import Settings
    from testbench.tui.workstation import Workstation

    with tempfile.TemporaryDirectory() as tmp:
        cb = casebook(Path(tmp), n_cases)
        clock = FrameClock()
        t0 = time.perf_counter()
        app = WorkstationApp(
            Workstation([cb], Path(tmp) / "s.tbsession"), bench_factory=fake_bench, settings=Settings()
        )
        clock.install(app)
        async with app.run_test(size=(140, 40)) as pilot:
            ready = time.perf_counter()
            await pilot.pause()
            assert len(app.nodes) == n_cases
            first = clock.first_after(t0)
        return ready - t0, (first or ready) - t0


def real_program(run: int = 0) -> float | None:
    if shutil.which("tmux") is None:
        return None
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as tmp:
        socket = f"{tmp}/tmux.sock"  # one private server per run, its socket removed with the folder
        cmd = (
            f"cd {ROOT} && env -u COLUMNS -u LINES TESTBENCH_CONFIG_DIR={tmp}/cfg {sys.executable} -m testbench ui"
            f" casebooks/demo.xml --session {tmp}/s.tbsession --cards inprocess --engine inprocess"
        )
        t0 = time.perf_counter()
        subprocess.run(
            ["tmux", "-S", socket, "new-session", "-d", "-s", "ui", "-x", "140", "-y", "40", cmd], check=True
        )
        try:
            while time.perf_counter() - t0 < 20:
                screen = subprocess.run(
                    ["tmux", "-S", socket, "capture-pane", "-p", "-t", "ui"], capture_output=True, text=True
                ).stdout
                if "22 cas" in screen and "DEMO-FSE-001" in screen:
                    return time.perf_counter() - t0
                time.sleep(0.005)
            return None
        finally:
            subprocess.run(["tmux", "-S", socket, "kill-server"], capture_output=True)


def main() -> None:
    for n in (22, 700):
        mounted, frame = asyncio.run(in_process(n))
        print(f"in process, {n} cases: mounted {ms(mounted)}, first frame {ms(frame)}")
    runs = [t for t in (real_program(n) for n in range(5)) if t is not None]
    if runs:
        print(
            "real program in tmux (python start, imports, demo casebook, first screen), 5 runs:"
            f" median {ms(statistics.median(runs))}, max {ms(max(runs))}"
        )
    print("target: ≤ 1000 ms")


if __name__ == "__main__":
    main()
