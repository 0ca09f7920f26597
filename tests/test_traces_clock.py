"""Source clocks: median offset, sampling rate, configured offsets, the operator's sentence."""

from __future__ import annotations

import pytest

from testbench.traces.clock import ClockBook, ClockOffset, SourceClock


def test_offset_is_the_median_of_recent_samples() -> None:
    clock = SourceClock("C:/logs/app.log", window=5, sample_every_s=0)
    assert clock.offset_s is None
    for i, delta in enumerate([2.0, 2.1, 50.0, 2.2, 1.9]):  # one outlier (a late flush)
        clock.observe(1000.0 + delta, 1000.0, i)
    assert clock.offset_s == pytest.approx(2.1)
    assert clock.to_bench(1002.1) == pytest.approx(1000.0)
    for i in range(5):  # the window slides: the source's clock was fixed
        clock.observe(2000.0, 2000.0, 10 + i)
    assert clock.offset_s == 0.0


def test_sampling_is_rate_limited_and_off_when_configured() -> None:
    clock = SourceClock("app.log", sample_every_s=0.05)
    assert clock.wants_sample(0)
    clock.observe(1.0, 1.0, 1_000_000_000)
    assert not clock.wants_sample(1_000_000_000 + 10_000_000)
    assert clock.wants_sample(1_000_000_000 + 50_000_000)
    pinned = SourceClock("app.log", configured_offset_s=3.0)
    assert not pinned.wants_sample(0) and pinned.offset_s == 3.0


@pytest.mark.parametrize(
    ("offset", "configured", "expected"),
    [
        (None, False, "horloge de app.log : décalage pas encore mesuré"),
        (2.314, False, "horloge de app.log décalée de +2,31 s, corrigée"),
        (-0.7, False, "horloge de app.log décalée de -0,70 s, corrigée"),
        (0.02, False, "horloge de app.log à l'heure (écart +0,02 s)"),
        (-1.5, True, "horloge de app.log décalée de -1,50 s (valeur configurée), corrigée"),
    ],
)
def test_describe_fr(offset: float | None, configured: bool, expected: str) -> None:
    snapshot = ClockOffset("C:\\ProgramData\\editeur\\app.log", offset, configured, 10, 0.5)
    assert snapshot.describe_fr() == expected


def test_clock_book_keeps_configured_offsets() -> None:
    book = ClockBook()
    book.configure("syslog:udp", 1.0)
    assert book.get("syslog:udp").offset_s == 1.0
    assert book.get("new.log", 0.25).offset_s == 0.25
    assert book.get("other.log").offset_s is None
    assert {o.source for o in book.offsets()} == {"syslog:udp", "new.log", "other.log"}


def test_whole_hours_suggest_a_time_zone() -> None:
    snapshot = ClockOffset("engine.log", -3600.03, False, 10, 0.5)
    assert snapshot.describe_fr() == "horloge de engine.log décalée de -3600,03 s, corrigée (fuseau horaire -1 h ?)"


def test_the_bench_clock_reads_the_performance_counter_on_windows(monkeypatch) -> None:
    """docs/traces.md: before Python 3.13, ``time.monotonic`` ticks every 15.6 ms on Windows."""
    from testbench.traces import clock

    monkeypatch.setattr(clock.time, "perf_counter_ns", lambda: 7_000_000_000)
    monkeypatch.setattr(clock.time, "monotonic_ns", lambda: 5_000_000_000)
    monkeypatch.setattr(clock, "_offset_ns", 0)
    monkeypatch.setattr(clock, "_PERFORMANCE_COUNTER", True)
    assert clock.mono_ns() == 7_000_000_000
    monkeypatch.setattr(clock, "_PERFORMANCE_COUNTER", False)
    assert clock.mono_ns() == 5_000_000_000
    clock.continue_after(6_000_000_000)  # a session from before a reboot: the clock goes on past it
    assert clock.mono_ns() == 6_000_000_001
    clock.continue_after(1_000)  # within one boot: nothing changes
    assert clock.mono_ns() == 6_000_000_001
