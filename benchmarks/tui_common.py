"""Shared pieces of the TUI benchmarks: a casebook of N cases on fakes, a session with a big trace."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from fakes import invoice_step, make_case, make_casebook, value  # noqa: E402

from testbench.casebook.model import Casebook  # noqa: E402
from testbench.runner.campaign import record_casebooks  # noqa: E402
from testbench.store.session import SessionStore  # noqa: E402
from testbench.traces.model import TraceLine  # noqa: E402


def casebook(tmp: Path, n: int) -> Casebook:
    cases = tuple(
        make_case(f"TC-{i:04d}", (invoice_step(),), (value("e-amo", "invoice.totals.amo", "33.60"),)) for i in range(n)
    )
    return make_casebook(cases, tmp)


def session_with_trace(tmp: Path, cb: Casebook, case_id: str, lines: int) -> Path:
    """A session where ``case_id`` has one attempt holding ``lines`` trace lines over four channels."""
    path = tmp / "bench.tbsession"
    channels = ("apdu", "engine", "app", "bench")
    with SessionStore.open(path) as store:
        record_casebooks(store, [cb])
        store.set_selection([(cb.sha256, c.id) for c in cb.cases])
        run_id = store.begin_run(["bench"], {}, {})
        attempt = store.start_attempt(run_id, cb.sha256, case_id)
        t0 = time.monotonic_ns()
        store.add_trace_lines(
            [
                TraceLine(
                    channels[i % 4],
                    t0 + i * 1000,
                    time.time(),
                    f"{i:06d} A>> 80 CA 9F 7F 00  A<< 1E 2F EB 89 41 4C 90 00  (0.20 ms) [vitale@Lecteur virtuel]",
                    "bench",
                    None,
                    None,
                    attempt,
                    f"s{i // 10_000:02d}",
                )
                for i in range(lines)
            ]
        )
        store.finish_attempt(attempt, "pass", "")
    return path


class FrameClock:
    """Records when the app hands a finished frame to its driver (``App._display``)."""

    def __init__(self) -> None:
        self.frames: list[float] = []
        self.notes: list[object] = []
        self.probe = lambda: None  # called at each frame, e.g. to count the lines shown

    def install(self, app) -> None:
        original = app._display

        def display(screen, renderable):
            if renderable is not None:
                self.frames.append(time.perf_counter())
                self.notes.append(self.probe())
            return original(screen, renderable)

        app._display = display

    def first_after(self, t0: float) -> float | None:
        return next((t for t in self.frames if t >= t0), None)

    def first_with(self, t0: float, check) -> tuple[float, object] | None:
        """The first frame after ``t0`` whose probe value passes ``check``."""
        return next(((t, n) for t, n in zip(self.frames, self.notes, strict=True) if t >= t0 and check(n)), None)

    def note_at(self, t: float | None) -> object:
        return self.notes[self.frames.index(t)] if t in self.frames else None


def ms(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds * 1000:.1f} ms"
