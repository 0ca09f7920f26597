"""The reference engine stamps its trace lines in UTC, like every other bench trace (docs/traces.md)."""

from __future__ import annotations

from datetime import UTC, datetime

from testbench.engines.reference.engine import ReferenceEngine
from testbench.engines.reference.trace import EngineTracer


def stamp_hour(line: str) -> int:
    return int(line.split()[1][:2])


def test_default_engine_clock_is_utc_on_a_paris_host(paris) -> None:
    lines: list[str] = []
    before = datetime.now(UTC)
    ReferenceEngine(trace=lines.append).trace("x")
    after = datetime.now(UTC)
    assert stamp_hour(lines[0]) in {before.hour, after.hour}


def test_a_naive_local_clock_is_converted(paris) -> None:
    lines: list[str] = []
    EngineTracer(lines.append, clock=lambda: datetime(2026, 12, 6, 12, 24, 42, 388000))("read_cps")
    assert lines == ["20261206 11:24:42.388 INFO     testbench.reference - read_cps"]


def test_an_aware_clock_is_kept_in_utc() -> None:
    lines: list[str] = []
    EngineTracer(lines.append, clock=lambda: datetime(2026, 7, 1, 8, 0, 0, tzinfo=UTC))("x", "WARN")
    assert lines == ["20260701 08:00:00.000 WARN     testbench.reference - x"]
