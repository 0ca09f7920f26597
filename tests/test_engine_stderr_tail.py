"""The stderr tail of an engine that crashed is complete: the reader thread is given a short time to drain the
pipe once the process is known dead (engine audit A: 3 runs in 12 lost it, the reader not yet scheduled)."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import pytest

from testbench.engines.api import EngineCrash
from testbench.engines.protocol import process
from testbench.engines.protocol.client import SubprocessEngine

ENGINE = Path(__file__).parent / "data" / "engines" / "audit_engine.py"


@pytest.fixture
def slow_stderr_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    """A reader thread scheduled late, as on a loaded machine: the race made certain."""
    pump = process._pump_stderr

    def late(stream: Any, tail: Any, lines: Any) -> None:
        time.sleep(0.15)
        pump(stream, tail, lines)

    monkeypatch.setattr(process, "_pump_stderr", late)


@pytest.mark.usefixtures("slow_stderr_reader")
def test_a_crash_reason_holds_what_the_engine_wrote_to_stderr_before_it_died() -> None:
    engine = SubprocessEngine([sys.executable, str(ENGINE), "stderr-crash"], timeout=20)
    try:
        with pytest.raises(EngineCrash) as crash:
            engine.call("create_invoice", {})
    finally:
        engine.close()
    assert str(crash.value) == (
        "create_invoice : le moteur s'est arrêté (code 2) ; stderr : ligne une | derniere ligne"
    )


@pytest.mark.usefixtures("slow_stderr_reader")
def test_the_tail_of_a_dead_process_waits_for_its_reader_but_a_bounded_time() -> None:
    proc = process.EngineProcess([sys.executable, "-c", "import sys; sys.stderr.write('boom\\n')"], 1024, None, None)
    try:
        proc.popen.wait(timeout=20)
        started = time.monotonic()
        assert proc.stderr_tail() == " ; stderr : boom"
        assert time.monotonic() - started < process.STDERR_SETTLE + 0.5
    finally:
        proc.kill()
