"""An engine's stderr flood (audit s24, F7): between two calls the bench keeps at most 5,000 lines and about a
million characters of it (a log without newlines is read in 4 KiB pieces), the oldest dropped, and the case's
trace says how many were dropped where they were, instead of starting silently in the middle. What the engine
wrote just before its answer is in that call's trace, not a later one's (audit s25: it was still in the pipe).

A real process: a standard-library engine that writes, during ``create_invoice``, the stderr it is told to.
"""

from __future__ import annotations

import sys
from pathlib import Path

from testbench.engines.protocol.client import SubprocessEngine
from testbench.engines.protocol.process import STDERR_KEPT, STDERR_KEPT_CHARS

_ENGINE = """
import json, sys

lines, blob = int(sys.argv[1]), int(sys.argv[2])
for raw in sys.stdin:
    msg = json.loads(raw)
    if msg.get("method") == "initialize":
        engine = {"name": "bavard", "version": "0", "capabilities": []}
        result = {"protocol_version": "1", "engine": engine}
    elif msg.get("method") == "ping":
        for n in range(lines):
            sys.stderr.write(f"log {n}\\n")
        sys.stderr.write("x" * blob)
        sys.stderr.flush()
        result = {}
    else:
        result = {}
    sys.stdout.write(json.dumps({"jsonrpc": "2.0", "id": msg["id"], "result": result}) + "\\n")
    sys.stdout.flush()
"""


def _trace(tmp_path: Path, lines: int, blob: int) -> list[str]:
    script = tmp_path / "bavard_engine.py"
    script.write_text(_ENGINE, encoding="utf-8")
    trace: list[str] = []
    engine = SubprocessEngine([sys.executable, str(script), str(lines), str(blob)], timeout=20.0, trace=trace.append)
    try:
        engine.call("ping", {})
        return list(trace)  # that call's own trace: nothing of it left for the next call
    finally:
        engine.close()


def test_the_lines_dropped_from_a_flood_are_counted_where_they_were(tmp_path: Path) -> None:
    trace = _trace(tmp_path, STDERR_KEPT + 1000, 0)
    assert trace[0] == "stderr : 1000 lignes plus anciennes omises (trop de lignes entre deux appels)", trace[:2]
    assert trace[1] == "stderr : log 1000" and trace[-1] == f"stderr : log {STDERR_KEPT + 999}"


def test_a_log_without_newlines_adds_a_bounded_amount_to_the_trace(tmp_path: Path) -> None:
    trace = _trace(tmp_path, 0, 3 * STDERR_KEPT_CHARS)
    assert sum(len(line) for line in trace) < STDERR_KEPT_CHARS + 100_000
    assert trace[0].startswith("stderr : ") and trace[0].endswith(" lignes plus anciennes omises (trop de lignes"
                                                                    " entre deux appels)"), trace[0][:200]


def test_a_line_logged_just_before_the_answer_is_in_that_calls_trace(tmp_path: Path) -> None:
    script = tmp_path / "logging_engine.py"
    script.write_text(_ENGINE, encoding="utf-8")
    trace: list[str] = []
    engine = SubprocessEngine([sys.executable, str(script), "1", "0"], timeout=20.0, trace=trace.append)
    try:
        for call in range(100):
            engine.call("ping", {})
            assert trace == ["stderr : log 0"], f"call {call}: {trace}"
            trace.clear()
    finally:
        engine.close()
