"""APDU trace records: one JSON object per exchange (channel ``apdu``), PIN already masked.

Used by the emulator's trace file, the bay's sinks and the recorder, so every APDU trace in the
project has the same shape.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from testbench.i18n import t

from .apdu import mask_pin
from .api import ApduExchange
from .sw import sw_meaning


def exchange_record(ex: ApduExchange) -> dict[str, Any]:
    return {
        "ts": datetime.now(UTC).isoformat(timespec="microseconds"),
        "reader": ex.reader,
        "slot": ex.slot,
        "command": mask_pin(ex.command).hex().upper(),  # masked again: sinks are the last line of defence
        "response": ex.response.hex().upper(),
        "sw": f"{ex.sw:04X}",
        "meaning": sw_meaning(ex.sw, ex.command),
        "duration_us": ex.duration_us,
    }


def format_exchange(ex: ApduExchange) -> str:
    """One human line in GlobalPlatformPro's shape: ``A>> … / A<< … (µs)``, the status word's meaning in the
    language in use (the JSON records above keep the French of testbench.cards.sw)."""
    cmd = mask_pin(ex.command).hex(" ").upper()
    rsp = (ex.response.hex(" ").upper() + " " if ex.response else "") + f"{ex.sw:04X}"
    return f"[{ex.slot}] A>> {cmd}\n[{ex.slot}] A<< {rsp} ({ex.duration_us} µs) {t(sw_meaning(ex.sw, ex.command))}"


class JsonlSink:
    """An :data:`ApduSink` appending JSON lines to a file or stream (thread-safe, flushed per line)."""

    def __init__(self, target: Path | TextIO) -> None:
        self._own = isinstance(target, Path)
        self._fh: TextIO = open(target, "a", encoding="utf-8") if isinstance(target, Path) else target  # noqa: SIM115
        self._lock = threading.Lock()

    def __call__(self, ex: ApduExchange) -> None:
        line = json.dumps(exchange_record(ex), ensure_ascii=False)
        with self._lock:
            self._fh.write(line + "\n")
            self._fh.flush()

    def close(self) -> None:
        if self._own:
            self._fh.close()
