"""100 injected engine faults through SubprocessEngine: typed errors, no hang, the next call works."""

from __future__ import annotations

import contextlib
import sys
import time
from pathlib import Path

import pytest

from testbench.domain.refusal import EngineError
from testbench.engines.api import EngineCrash, EngineProtocolError, EngineTimeout
from testbench.engines.protocol import process
from testbench.engines.protocol.client import SubprocessEngine

FAULT_ENGINE = Path(__file__).parent / "data" / "engines" / "fault_engine.py"
TIMEOUT = 0.4
EXPECTED: dict[str, type[EngineError]] = {
    "exit": EngineCrash,
    "sigkill": EngineCrash,
    "hang": EngineTimeout,
    "garbage": EngineProtocolError,
    "huge": EngineProtocolError,
}


@pytest.fixture(params=["polled", "threads"])
def pipes(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways of serving the pipes: polled by the caller (POSIX), or pump threads (Windows; here too)."""
    if request.param == "polled" and not process.POLL_PIPES:
        pytest.skip("pipes cannot be polled on this system")
    monkeypatch.setattr(process, "POLL_PIPES", request.param == "polled")
    return str(request.param)


@pytest.mark.slow
def test_hundred_faults_are_typed_and_recovered(pipes: str) -> None:
    engine = SubprocessEngine([sys.executable, str(FAULT_ENGINE)], timeout=TIMEOUT, start_timeout=20)
    kinds = list(EXPECTED)
    rounds = 100 if pipes == "polled" else 25  # the threads are the Windows way: five of each fault here
    seen: dict[str, int] = dict.fromkeys(kinds, 0)
    try:
        for i in range(rounds):
            kind = kinds[i % len(kinds)]
            pid_before = engine.call("ping", {})["pid"]
            started = time.monotonic()
            with pytest.raises(EngineError) as info:
                engine.call("ping", {"fault": kind})
            elapsed = time.monotonic() - started
            assert type(info.value) is EXPECTED[kind], (i, kind, info.value)
            assert elapsed < TIMEOUT + 5, (kind, elapsed)  # no hang beyond the timeout (+ kill/reap)
            assert engine.pid is None  # the faulty process was killed and dropped
            after = engine.call("ping", {})  # the campaign goes on with a fresh engine
            assert after["ok"] is True and after["pid"] != pid_before
            seen[kind] += 1
    finally:
        engine.close()
    assert seen == dict.fromkeys(kinds, rounds // len(kinds))
    assert engine.restarts == rounds


def test_unstartable_engine_is_unavailable() -> None:
    from testbench.engines.api import EngineUnavailable

    with pytest.raises(EngineUnavailable):
        SubprocessEngine(["/nonexistent/engine-binary"], timeout=1).describe()
    with pytest.raises(EngineUnavailable):
        SubprocessEngine([sys.executable, "-c", "import sys; sys.exit(2)"], timeout=1, start_timeout=5).describe()


def test_engine_that_stops_reading_cannot_block_a_large_request(pipes: str) -> None:
    engine = SubprocessEngine([sys.executable, str(FAULT_ENGINE)], timeout=TIMEOUT, start_timeout=20)
    try:
        assert engine.call("ping", {"fault": "deaf"})["ok"] is True
        started = time.monotonic()
        with pytest.raises(EngineTimeout):
            engine.call("ping", {"pad": "x" * (20 * 1024 * 1024)})  # far more than a pipe buffer
        assert time.monotonic() - started < TIMEOUT + 5
        assert engine.call("ping", {})["ok"] is True
    finally:
        engine.close()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX shell and setsid")
def test_a_process_that_escaped_the_engines_group_holding_its_pipes_cannot_block_the_caller(
    pipes: str, tmp_path: Path
) -> None:
    """A descendant of the engine that left its process group (setsid) after its own parent ended — the init
    process's child by then, which even Linux's search of the engine's descendants cannot find — survives the kill
    and keeps the engine's stdout and stdin open: the timeout is still said in time, and the next call gets a fresh
    engine. (One whose parent still lives is killed: tests/test_engine_partial_setsid.py.)"""
    import os
    import signal

    escaped = tmp_path / "escaped"
    escaped.mkdir()
    escaper = tmp_path / "escaper.py"
    escaper.write_text(
        "import os, sys, time\nif os.fork():\n    os._exit(0)\nos.setsid()\n"
        "open(os.path.join(sys.argv[1], str(os.getpid())), 'w').close()\ntime.sleep(30)\n",
        encoding="utf-8",
    )
    py = sys.executable
    wait = f'while [ -z "$(ls {escaped})" ]; do sleep 0.01; done'  # the engine starts once its child escaped
    script = f"{py} {escaper} {escaped}; {wait}; exec {py} {FAULT_ENGINE}"
    engine = SubprocessEngine(["sh", "-c", script], timeout=TIMEOUT, start_timeout=20)
    try:
        engine.call("ping", {})
        started = time.monotonic()
        with pytest.raises(EngineTimeout):
            engine.call("ping", {"fault": "hang"})
        assert time.monotonic() - started < TIMEOUT + 4  # the kill, the reap, a pump thread left behind
        (survivor,) = (int(p.name) for p in escaped.iterdir())
        os.kill(survivor, 0)  # it did escape the kill, the engine's pipes still open in it
        assert engine.call("ping", {})["ok"] is True
    finally:
        engine.close()
        for pid in escaped.iterdir():
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pid.name), signal.SIGKILL)
