"""A trace line: one event of any channel, on the bench's one clock."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Channel(StrEnum):
    APDU = "apdu"  # card layer
    ENGINE = "engine"  # engine adapter
    APP = "app"  # the application under test (log files, syslog)
    HTTP = "http"  # the simulated téléservices' exchanges (testbench.services)
    BENCH = "bench"  # case and step boundaries, operator actions, card insertions and removals


@dataclass(frozen=True, slots=True)
class TraceLine:
    """One line of a trace channel, on the bench's clock (monotonic for order, wall for people)."""

    channel: str
    mono_ns: int  # time.monotonic_ns() at capture: orders lines across channels
    wall: float  # time.time() at capture: what a person reads
    text: str
    source: str = ""  # file path, "syslog:udp", reader name…
    source_ts: str | None = None  # the source's own timestamp, as written
    level: str | None = None
    attempt_id: int | None = None
    step_id: str | None = None
