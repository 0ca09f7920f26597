"""Day-first timestamps (audit s23-operator F6): an application logging « 06/12/2026 08:31:54,170 [INFO ] … », as
French Windows software often does, was read by no preset; ``sut init`` then proposed an example pattern that did not
read it either, and the day's lines got no application time (no clock offset measured). The ``dmy`` preset reads it
and ``auto`` chooses it."""

from __future__ import annotations

import time
from datetime import datetime

import pytest

from testbench.traces.parsers import PRESETS, LineParser, detect_format

LINES = [
    "06/12/2026 08:31:54,170 [INFO ] Carte Vitale lue",
    "06/12/2026 08:31:55.5 [WARN ] lecteur lent",
    "06/12/2026 08:31:56 ERROR facture refusée",
    "06/12/2026 08:31:57 sans niveau",
]


def test_auto_detection_chooses_it() -> None:
    assert detect_format(LINES).name == "dmy"


@pytest.mark.parametrize(
    ("line", "level", "msg", "wall"),
    [
        (LINES[0], "INFO", "Carte Vitale lue", datetime(2026, 12, 6, 8, 31, 54, 170000)),
        (LINES[1], "WARN", "lecteur lent", datetime(2026, 12, 6, 8, 31, 55, 500000)),
        (LINES[2], "ERROR", "facture refusée", datetime(2026, 12, 6, 8, 31, 56)),
        (LINES[3], None, "sans niveau", datetime(2026, 12, 6, 8, 31, 57)),
    ],
)
def test_each_line_is_read_day_first_in_local_time(line: str, level: str | None, msg: str, wall: datetime) -> None:
    parser = LineParser(PRESETS["dmy"])
    parsed = parser.match(line)
    assert parsed is not None and (parsed.level, parsed.msg) == (level, msg)
    assert parser.to_epoch(parsed.ts) == pytest.approx(time.mktime(wall.timetuple()) + wall.microsecond / 1e6)


def test_an_impossible_date_has_no_time() -> None:
    parser = LineParser(PRESETS["dmy"])
    parsed = parser.match("31/02/2026 08:00:00 INFO x")
    assert parsed is not None and parser.to_epoch(parsed.ts) is None


def test_iso_lines_still_go_to_their_presets() -> None:
    assert detect_format(["2026-11-25T10:00:00.123+01:00 WARN x"] * 3).name == "iso8601"
    assert detect_format(["2026-11-25 10:00:00,123 [main] INFO  com.x.Y - m"] * 3).name == "log4j"
