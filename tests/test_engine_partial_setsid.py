"""A child of the engine that called ``setsid()`` left the engine's process group, and the group's kill (a timeout,
a ^C, the end of the run) left it running: on Linux the bench now finds the engine's descendants in /proc while the
engine still lives, and kills those outside its group too. Elsewhere the limit stands (docs/engine-protocol.md).
Real processes: an engine started through ``sh`` whose child escapes, then the engine times out, is closed or is
killed as on ^C."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from testbench.engines.api import EngineTimeout
from testbench.engines.protocol import process
from testbench.engines.protocol.client import SubprocessEngine

FAULT_ENGINE = Path(__file__).parent / "data" / "engines" / "fault_engine.py"

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc: Linux only")

#: leaves the engine's group (``setsid``), starts a child of its own there (``grandchild``), writes both pids
_ESCAPER = """
import os, sys, time
os.setsid()
child = os.fork()
if child == 0:
    time.sleep(60)
    os._exit(0)
with open(os.path.join(sys.argv[1], "pids.tmp"), "w") as out:
    out.write(f"{os.getpid()} {child}")
os.rename(os.path.join(sys.argv[1], "pids.tmp"), os.path.join(sys.argv[1], "pids"))
time.sleep(60)
"""


def _alive(pid: int) -> bool:
    """Whether ``pid`` still runs (a zombie waiting for its reaper does not)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            raw = stat.read()
    except OSError:
        return False
    return raw[raw.rfind(b")") + 2 :].split()[0] not in (b"Z", b"X")


def _gone(pids: list[int], within: float = 5.0) -> bool:
    deadline = time.monotonic() + within
    while any(_alive(pid) for pid in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


@pytest.fixture(params=[True, False], ids=["polled", "threads"])
def escaping(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[
    tuple[SubprocessEngine, list[int]]
]:
    """An engine whose child left its group, started and answering; the escaped pids; each killed at the end."""
    monkeypatch.setattr(process, "POLL_PIPES", request.param)
    escaper = tmp_path / "escaper.py"
    escaper.write_text(_ESCAPER, encoding="utf-8")
    py = sys.executable
    wait = f"while [ ! -e {tmp_path}/pids ]; do sleep 0.01; done"  # the engine starts once its child escaped
    script = f"{py} {escaper} {tmp_path} & {wait}; exec {py} {FAULT_ENGINE}"
    engine = SubprocessEngine(["sh", "-c", script], timeout=0.5, start_timeout=20)
    pids: list[int] = []
    try:
        assert engine.call("ping", {})["ok"] is True
        pids = [int(word) for word in (tmp_path / "pids").read_text(encoding="utf-8").split()]
        assert all(_alive(pid) for pid in pids)
        assert os.getpgid(pids[0]) == pids[0] != engine.pid  # it did leave the engine's group
        yield engine, pids
    finally:
        engine.kill()
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


def test_a_timeout_kills_the_child_that_left_the_engines_group(escaping: tuple[SubprocessEngine, list[int]]) -> None:
    engine, escaped = escaping
    with pytest.raises(EngineTimeout):
        engine.call("ping", {"fault": "hang"})
    assert _gone(escaped), "a child that called setsid() outlived the engine's kill"
    assert engine.call("ping", {})["ok"] is True  # the next call: a fresh engine


def test_an_interrupt_s_kill_reaches_it_too(escaping: tuple[SubprocessEngine, list[int]]) -> None:
    """^C or a CI's cancel: the client kills the group from the interrupted thread (``abort``)."""
    engine, escaped = escaping
    engine.abort()
    assert _gone(escaped)


def test_an_engine_already_reaped_is_not_searched(monkeypatch: pytest.MonkeyPatch) -> None:
    """Its pid may be another process's by then: its « descendants » would be strangers."""
    import subprocess

    popen = subprocess.Popen([sys.executable, "-c", "pass"])
    popen.wait()
    searched: list[int] = []
    monkeypatch.setattr(process, "_escaped", lambda root: searched.append(root) or set())
    process._kill_escaped(popen)
    assert searched == []
