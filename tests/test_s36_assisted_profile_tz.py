"""A log's time zone, as an editor writes it (audit s36): ``tz = "UTC"`` was refused (« « local » ou « utc » est
attendu »), and a ``ts_format`` reading the line's own offset (``%z``, « +0100 ») was refused as an invalid format —
the one way for a log to say its zone. Both are read now, the lines at their zone on the bench's one clock."""

from __future__ import annotations

import calendar
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from testbench.sut.profile import SutProfileError, load_profile
from testbench.traces.capture import TraceCapture
from testbench.traces.model import TraceLine
from testbench.traces.parsers import LineFormat, StreamParser

PROFILE = """[product]
name = "GestPSAD"

[[logs]]
path = "gestpsad.log"
pattern = '^(?P<ts>\\d{{2}}\\.\\d{{2}}\\.\\d{{4}} \\d{{2}}h\\d{{2}}m\\d{{2}}\\.\\d{{3}}) (?P<msg>.*)$'
ts_format = "%d.%m.%Y %Hh%Mm%S.%f"
tz = "{tz}"
"""


@pytest.mark.parametrize("tz", ["UTC", "Utc", "utc"])
def test_utc_in_any_case_reads_the_log_times_in_utc(tmp_path: Path, tz: str) -> None:
    (tmp_path / "sut.toml").write_text(PROFILE.format(tz=tz), encoding="utf-8")
    fmt = load_profile(tmp_path / "sut.toml").log_sources[0].fmt
    assert isinstance(fmt, LineFormat) and fmt.tz == "utc"
    parser = StreamParser(fmt)
    parsed = parser.parse("07.12.2026 09h14m02.123 Facture F0001 créée")
    assert parser.to_epoch(parsed.ts or "") == calendar.timegm((2026, 12, 7, 9, 14, 2)) + 0.123


def test_another_zone_is_still_refused_at_its_value(tmp_path: Path) -> None:
    (tmp_path / "sut.toml").write_text(PROFILE.format(tz="Europe/Paris"), encoding="utf-8")
    with pytest.raises(SutProfileError) as refused:
        load_profile(tmp_path / "sut.toml")
    assert refused.value.text("fr").endswith("sut.toml:8:6: [logs][1].tz : « local » ou « utc » est attendu")


ZONED = """[product]
name = "GestPSAD"

[[logs]]
path = "gestpsad.log"
encoding = "cp1252"
pattern = '^(?P<ts>\\S+ \\S+ [+-]\\d{4}) (?P<level>[A-Z]+) (?P<msg>.*)$'
ts_format = "%d/%m/%Y %H:%M:%S %z"
"""


def test_a_log_that_writes_its_own_offset_is_read_at_it_on_the_bench_clock(tmp_path: Path) -> None:
    """« 07/12/2026 10:14:02 +0100 »: the zone is in the line (``%z``), which the profile refused as an invalid
    timestamp format; its lines are now read at that offset, so the clock of a log written in Paris time on a bench
    in UTC is on time, not « décalée de +3600 s »."""
    (tmp_path / "gestpsad.log").write_bytes(b"")
    (tmp_path / "sut.toml").write_text(ZONED, encoding="utf-8")
    source = load_profile(tmp_path / "sut.toml").log_sources[0]
    stored: list[TraceLine] = []
    capture = TraceCapture(stored.extend)
    kwargs = source.capture_kwargs()
    capture.add_files(kwargs.pop("patterns"), **kwargs)
    paris = timezone(timedelta(hours=1))
    with capture:
        for i in range(3):
            stamp = datetime.now(paris).strftime("%d/%m/%Y %H:%M:%S %z")
            with (tmp_path / "gestpsad.log").open("ab") as log:
                log.write(f"{stamp} INFO Facture F000{i} créée\r\n".encode("cp1252"))
            time.sleep(0.12)
        assert capture.drain(5)
        [clock] = capture.clock_offsets()
    assert [line.level for line in stored if line.channel == "app"] == ["INFO"] * 3
    assert clock.offset_s is not None and abs(clock.offset_s) < 2, clock.describe_fr()
