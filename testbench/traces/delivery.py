"""How a trace source hands its lines on: batches to a callback, errors reported, never raised.

A source thread must survive whatever its consumer does, so a failing callback is reported through
``on_error`` (itself guarded) and the source goes on.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from testbench.traces.clock import RawLine

LineCallback = Callable[[list[RawLine]], None]
ErrorCallback = Callable[[str, BaseException], None]


class Delivery:
    """Base of the tailer and the syslog receiver: ``on_lines`` gets batches, ``delivered`` counts them."""

    def __init__(self, on_lines: LineCallback, on_error: ErrorCallback | None) -> None:
        self.on_lines = on_lines
        self.on_error = on_error
        self.delivered = 0

    def _deliver(self, batch: list[RawLine]) -> None:
        if not batch:
            return
        self.delivered += len(batch)
        try:
            self.on_lines(batch)
        except Exception as exc:
            self._report("callback", exc)

    def _report(self, where: str, exc: BaseException) -> None:
        if self.on_error is not None:
            with contextlib.suppress(Exception):
                self.on_error(where, exc)
