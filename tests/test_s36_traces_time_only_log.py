"""A log whose lines carry the time alone (« 09:14:02,123 », ``ts_format = "%H:%M:%S,%f"``) or no year (audit s36):
strptime read it as 1 January 1900, and the exam book's cover said « horloge de gestpsad.log décalée de -4005590400
s, corrigée (fuseau horaire -1112664 h ?) ». Such a time is put on the day nearest now, a date without a year in the
year nearest now, as syslog's."""

from __future__ import annotations

import calendar
import time
from datetime import datetime
from pathlib import Path

import pytest

from testbench.sut.profile import load_profile
from testbench.traces.capture import TraceCapture
from testbench.traces.model import TraceLine
from testbench.traces.parsers import parse_timestamp


def utc(*fields: int) -> float:
    return float(calendar.timegm((*fields, 0, 0, 0)[:9]))


@pytest.mark.parametrize(
    ("ts", "now", "expected"),
    [
        ("09:14:02,123", utc(2026, 12, 7, 10, 0, 0), utc(2026, 12, 7, 9, 14, 2) + 0.123),
        ("23:59:58,000", utc(2026, 12, 8, 0, 0, 30), utc(2026, 12, 7, 23, 59, 58)),  # written before midnight
        ("00:00:01,000", utc(2026, 12, 7, 23, 59, 59), utc(2026, 12, 8, 0, 0, 1)),  # a clock a little ahead
    ],
)
def test_a_time_without_a_date_is_on_the_day_nearest_now(ts: str, now: float, expected: float) -> None:
    assert parse_timestamp(ts, "%H:%M:%S,%f", "utc", now=now) == pytest.approx(expected, abs=1e-6)


def test_a_local_time_without_a_date_is_within_twelve_hours_of_now() -> None:
    now = time.time()
    epoch = parse_timestamp("09:14:02,123", "%H:%M:%S,%f", "local", now=now)
    assert epoch is not None and abs(epoch - now) <= 12 * 3600
    assert datetime.fromtimestamp(epoch).strftime("%H:%M:%S,%f") == "09:14:02,123000"


def test_a_time_with_its_offset_but_no_date_is_near_now() -> None:
    now = utc(2026, 12, 7, 8, 30, 0)
    assert parse_timestamp("09:14:02 +0100", "%H:%M:%S %z", "local", now=now) == utc(2026, 12, 7, 8, 14, 2)


@pytest.mark.parametrize(
    ("ts", "now", "expected"),
    [
        ("31/12 23:59:59", utc(2027, 1, 1, 0, 0, 5), utc(2026, 12, 31, 23, 59, 59)),
        ("01/01 00:00:01", utc(2026, 12, 31, 23, 59, 59), utc(2027, 1, 1, 0, 0, 1)),
        ("29/02 12:00:00", utc(2028, 3, 1, 0, 0, 0), utc(2028, 2, 29, 12, 0, 0)),  # a leap day is read
    ],
)
def test_a_date_without_a_year_is_in_the_year_nearest_now(ts: str, now: float, expected: float) -> None:
    assert parse_timestamp(ts, "%d/%m %H:%M:%S", "utc", now=now) == expected


def test_a_format_with_a_year_is_read_as_written() -> None:
    assert parse_timestamp("07/12/1999 09:14:02", "%d/%m/%Y %H:%M:%S", "utc", now=utc(2026, 12, 7)) == utc(
        1999, 12, 7, 9, 14, 2
    )
    assert parse_timestamp("09:14", "%H:%M:%S", "utc") is None


PROFILE = """[product]
name = "GestPSAD"

[[logs]]
path = "gestpsad.log"
pattern = '^(?P<ts>\\d{2}:\\d{2}:\\d{2},\\d{3}) (?P<level>[A-Z]+) (?P<msg>.*)$'
ts_format = "%H:%M:%S,%f"
"""


def test_the_clock_of_a_log_that_writes_the_time_alone_is_on_time(tmp_path: Path) -> None:
    """The profile, the capture and the clock it measures, which the exam book's cover shows."""
    (tmp_path / "gestpsad.log").write_bytes(b"")
    (tmp_path / "sut.toml").write_text(PROFILE, encoding="utf-8")
    source = load_profile(tmp_path / "sut.toml").log_sources[0]
    stored: list[TraceLine] = []
    capture = TraceCapture(stored.extend)
    kwargs = source.capture_kwargs()
    capture.add_files(kwargs.pop("patterns"), **kwargs)
    with capture:
        for i in range(3):
            stamp = datetime.now().strftime("%H:%M:%S,%f")[:-3]
            with (tmp_path / "gestpsad.log").open("a", encoding="utf-8") as log:
                log.write(f"{stamp} INFO Facture F000{i} créée\n")
            time.sleep(0.12)
        assert capture.drain(5)
        [clock] = capture.clock_offsets()
    assert [line.level for line in stored if line.channel == "app"] == ["INFO"] * 3
    assert clock.offset_s is not None and abs(clock.offset_s) < 2, clock.describe_fr()
    assert "fuseau" not in clock.describe_fr()
