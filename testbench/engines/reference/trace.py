"""The engine's own trace lines, in a log4crc-like "dated" layout (the FSV traces through log4crc).

``20240604 10:15:02.123 INFO     testbench.reference - create_invoice ...``. The stamp is in UTC, as
log4c's dated layout writes it and as every other bench trace reads: a line and its attempt share one
clock whatever the host's time zone. Never a PIN: the engine never handles one, and card reads only log
identifiers already printed on the card.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from testbench.engines.api import TraceSink

CATEGORY = "testbench.reference"


def utc_now() -> datetime:
    """The trace clock: aware UTC."""
    return datetime.now(UTC)


class EngineTracer:
    def __init__(self, sink: TraceSink | None, clock: Callable[[], datetime] = utc_now) -> None:
        self.sink = sink
        self.clock = clock

    def __call__(self, message: str, level: str = "INFO") -> None:
        if self.sink is None:
            return
        # A naive clock (the engine's default ``datetime.now``) is local time: astimezone reads it so.
        now = self.clock().astimezone(UTC)
        stamp = now.strftime("%Y%m%d %H:%M:%S.") + f"{now.microsecond // 1000:03d}"
        self.sink(f"{stamp} {level:<8} {CATEGORY} - {message}")
