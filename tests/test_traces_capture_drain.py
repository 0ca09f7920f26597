"""TraceCapture.drain: every line a followed log holds now reaches the writer, even when one read cannot take it
all (a flood read chunk by chunk); within a bound, else False (the capture lags)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from testbench.traces import tail
from testbench.traces.capture import TraceCapture
from testbench.traces.model import TraceLine


def _capture(log: Path, written: list[TraceLine]) -> TraceCapture:
    log.write_text("", encoding="utf-8")
    capture = TraceCapture(written.extend, poll_interval=3600)  # the tailer's thread never polls in the test
    capture.add_files(str(log))
    return capture.start()


def test_drain_reads_the_log_to_its_size_then_in_as_many_reads_as_it_takes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tail, "MAX_READ_PER_POLL", 512)  # one read takes a few lines only
    written: list[TraceLine] = []
    log = tmp_path / "app.log"
    capture = _capture(log, written)
    try:
        with log.open("a", encoding="utf-8") as out:
            out.writelines(f"DEBUG boucle {i} calcul tarif ligne LPP 1241763\n" for i in range(400))
            out.write("Facture créée : reste à charge 22,40 EUR\n")
        assert capture.drain(5.0)
        assert written[-1].text == "Facture créée : reste à charge 22,40 EUR"
        assert len(written) == 401
    finally:
        capture.stop()


def test_drain_says_when_it_could_not_catch_up_in_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tail, "MAX_READ_PER_POLL", 512)
    written: list[TraceLine] = []
    log = tmp_path / "app.log"
    capture = _capture(log, written)
    try:
        log.write_text("".join(f"ligne {i} du flot de traces de l'application\n" for i in range(400)), encoding="utf-8")
        started = time.monotonic()
        assert capture.drain(0.0) is False
        assert time.monotonic() - started < 1.0
    finally:
        capture.stop()
