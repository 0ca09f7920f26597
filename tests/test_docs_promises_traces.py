"""docs/traces.md's promises that no other test held: what the capture gives up when its writer keeps failing
(« past max_pending lines the oldest are dropped and reported »), a bad custom format refused when the source is
added, and « the capture removes PINs only »: a real session file on disk keeps the evidence, never the PIN, and
only the export redacts the rest.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from testbench.store.read import read_session
from testbench.store.session import SessionStore
from testbench.traces.capture import TraceCapture
from testbench.traces.model import TraceLine
from testbench.traces.redact import Redactor, for_export


class LockedThenFree:
    """A writer that fails as a locked database does until ``free()``, then keeps what it is given."""

    def __init__(self) -> None:
        self.locked = True
        self.lines: list[TraceLine] = []
        self._lock = threading.Lock()

    def __call__(self, batch: Sequence[TraceLine]) -> None:
        with self._lock:
            if self.locked:
                raise sqlite3.OperationalError("database is locked")
            self.lines.extend(batch)

    def free(self) -> None:
        with self._lock:
            self.locked = False


def _wait_for(predicate: object, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_past_max_pending_the_oldest_lines_are_dropped_counted_and_reported(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text("", encoding="utf-8")
    writer = LockedThenFree()
    errors: list[tuple[str, str]] = []
    capture = TraceCapture(
        writer,
        poll_interval=0.01,
        flush_interval=0.02,
        max_pending=20,
        on_error=lambda where, exc: errors.append((where, str(exc))),
    )
    with capture:
        capture.add_files(log)
        with log.open("a", encoding="utf-8") as handle:
            for i in range(50):
                handle.write(f"ligne {i}\n")
        _wait_for(lambda: capture.stats().captured == 50 and capture.stats().write_failures >= 1)
        stats = capture.stats()
        assert (stats.dropped, stats.pending, stats.written) == (30, 20, 0)
        writer.free()
        assert capture.flush(timeout=5)
    # the newest lines are kept, once each and in order; the oldest are the ones given up
    assert [line.text for line in writer.lines] == [f"ligne {i}" for i in range(30, 50)]
    assert capture.stats().dropped == 30
    dropped = [text for where, text in errors if where == "capture"]
    assert dropped and all(text.endswith("lignes de trace abandonnées (écriture en échec)") for text in dropped)
    assert sum(int(text.split()[0]) for text in dropped) == 30  # each loss said, none twice
    assert any(where == "writer" for where, _text in errors)


@pytest.mark.parametrize(
    "fmt",
    [
        {"name": "sans-msg", "pattern": r"^(?P<ts>\S+) (?P<level>\w+)"},
        {"name": "regex-cassee", "pattern": r"^(?P<ts>\S+ (?P<msg>.*$"},
    ],
    ids=["no-msg-group", "bad-regex"],
)
def test_a_bad_custom_format_is_refused_when_the_source_is_added(tmp_path: Path, fmt: dict[str, str]) -> None:
    log = tmp_path / "app.log"
    log.write_text("2026-11-25T10:00:00Z INFO déjà là\n", encoding="utf-8")
    capture = TraceCapture(lambda batch: None)
    with pytest.raises((ValueError, re.error)):  # the regex's own error, said when the source is added
        capture.add_files(log, fmt=fmt)
    assert capture.tailers == []  # nothing followed: no line ever met the broken format


NIR_BODY = "1850575123456"
NIR = NIR_BODY + f"{97 - int(NIR_BODY) % 97:02d}"
PIN = "93718264"
PIN_HEX = " ".join(f"{ord(c):02X}" for c in PIN)  # 39 33 37 31 38 32 36 34: a VERIFY's data bytes


def test_the_session_file_keeps_the_evidence_but_never_a_pin_and_the_export_redacts(tmp_path: Path) -> None:
    """« PINs never reach the session file »; « the capture removes PINs only … so that --no-redact can give it
    back »; « redacted on export, by default »; ``redact=False`` keeps the data, PINs still removed."""
    log = tmp_path / "app.log"
    log.write_text("", encoding="utf-8")
    session = tmp_path / "s.tbsession"
    store = SessionStore.open(session)
    try:
        with TraceCapture(store.add_trace_lines, poll_interval=0.02) as capture:
            capture.add_files(log, fmt="iso8601")
            with log.open("a", encoding="utf-8") as handle:
                handle.write(f"2026-11-25T10:00:00Z INFO patient NIR {NIR} code porteur : {PIN}\n")
                handle.write(f"2026-11-25T10:00:01Z INFO VERIFY 00 20 00 81 08 {PIN_HEX}\n")
            capture.add_line("bench", f"PIN={PIN} saisi pour {NIR}")
    finally:
        store.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("s.tbsession"))
    assert PIN.encode() not in raw and PIN_HEX.encode() not in raw  # nor in hex, in the file or its journal
    assert NIR.encode() in raw  # the evidence stays
    with read_session(session) as view:
        texts = [line.text for line in view.iter_trace_lines()]
    assert len(texts) == 3 and all("‹PIN›" in text for text in texts), texts
    exported = [for_export(text, Redactor()) for text in texts]
    assert not any(NIR in text for text in exported) and any("‹NIR›" in text for text in exported), exported
    kept = [for_export(text, Redactor(), redact=False) for text in texts]
    assert sum(NIR in text for text in kept) == 2 and not any(PIN in text for text in kept), kept
