"""Session-store figures for the traces issue.

- 100,000 trace lines captured (through the bench's recorder) and stored — target ≤ 2 s;
- one durable journal event (its own committed transaction, WAL + synchronous=FULL) — target ≤ 1 ms p99;
- slicing one case out of a 1,000,000-line session — target ≤ 100 ms.

Usage: .venv/bin/python benchmarks/store_traces.py [--lines 100000] [--big 1000000] [--events 2000]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from testbench.runner.tracing import TraceRecorder
from testbench.store.read import read_session
from testbench.store.session import SessionStore
from testbench.traces.model import TraceLine


def capture_and_store(folder: Path, n: int) -> float:
    with SessionStore.open(folder / "capture.tbsession") as store:
        run = store.begin_run([], {}, {})
        attempt = store.start_attempt(run, "sha", "C1")
        recorder = TraceRecorder(writer=store.add_trace_lines, flush_every=5000)
        recorder.set_context(attempt, "s1")
        start = time.perf_counter()
        for i in range(n):
            recorder.emit("app", f"2026-11-25 10:00:00,000 INFO appli ligne {i} montant=33.60 code=1241763")
        recorder.flush()
        elapsed = time.perf_counter() - start
        stored = store.conn.execute("SELECT COUNT(*) FROM trace_lines").fetchone()[0]
        assert stored == n, stored
    return elapsed


def journal_events(folder: Path, n: int) -> list[float]:
    with SessionStore.open(folder / "journal.tbsession") as store:
        run = store.begin_run([], {}, {})
        attempt = store.start_attempt(run, "sha", "C1")
        timings = []
        for i in range(n):
            start = time.perf_counter()
            store.add_event("step-start", {"i": i}, attempt_id=attempt, step_id="s1")
            timings.append((time.perf_counter() - start) * 1000)
    return timings


def big_session(folder: Path, total: int, cases: int) -> tuple[float, int, float]:
    path = folder / "big.tbsession"
    per_case = total // cases
    with SessionStore.open(path) as store:
        run = store.begin_run([], {}, {})
        attempts = [store.start_attempt(run, "sha", f"C{i:04d}") for i in range(cases)]
        t0 = time.perf_counter()
        mono = 0
        batch: list[TraceLine] = []
        for attempt in attempts:
            for j in range(per_case):
                mono += 1000
                batch.append(
                    TraceLine(
                        "app",
                        mono,
                        1.7e9 + mono / 1e9,
                        f"ligne {j} du cas {attempt}",
                        "app.log",
                        None,
                        "INFO",
                        attempt,
                        f"s{j % 5}",
                    )
                )
                if len(batch) >= 50_000:
                    store.add_trace_lines(batch)
                    batch = []
        store.add_trace_lines(batch)
        fill = time.perf_counter() - t0
    middle = attempts[len(attempts) // 2]
    with read_session(path) as view:
        timings = []
        for _ in range(5):
            start = time.perf_counter()
            lines = view.trace_lines(middle)
            timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings), len(lines), fill


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--big", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=700)
    parser.add_argument("--events", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        elapsed = capture_and_store(folder, args.lines)
        print(f"capture + store of {args.lines:,} trace lines: {elapsed:.2f} s (target ≤ 2 s)")
        timings = sorted(journal_events(folder, args.events))
        p50 = timings[len(timings) // 2]
        p99 = timings[int(len(timings) * 0.99) - 1]
        print(
            f"durable journal event ({args.events} events, WAL + synchronous=FULL): "
            f"median {p50:.3f} ms, p99 {p99:.3f} ms (target p99 ≤ 1 ms)"
        )
        median, count, fill = big_session(folder, args.big, args.cases)
        print(
            f"slice one case ({count:,} lines) out of a {args.big:,}-line session: median {median:.1f} ms "
            f"(target ≤ 100 ms; session filled in {fill:.1f} s)"
        )


if __name__ == "__main__":
    main()
