"""An interrupt (^C, or SIGTERM, which the bench turns into KeyboardInterrupt) that lands while a child process
is starting, after its Popen and before its owner holds it, ends that child: no one else would (audit s25, a
hanging engine left running in its own session after an interrupted ``testbench engine check``).

Thread.start waits for the new thread to run, and Popen for the child to exec, which take long on a loaded
machine: the interrupt made to land there for certain.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from testbench.cards.emulator_control import ProcessCard
from testbench.cards.reader_pools import ReaderSpec
from testbench.demoapp.driver import DemoApp
from testbench.engines.protocol.client import SubprocessEngine
from testbench.engines.protocol.process import EngineProcess

HANGING = [sys.executable, "-c", "import time; time.sleep(60)"]


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[subprocess.Popen[Any]]]:
    """The Popen objects made meanwhile, kept even when Popen itself is interrupted (their children killed at the
    end whatever the test found)."""
    made: list[subprocess.Popen[Any]] = []
    original = subprocess.Popen.__init__

    def recording(self: subprocess.Popen[Any], *args: Any, **kwargs: Any) -> None:
        made.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(subprocess.Popen, "__init__", recording)
    yield made
    for popen in made:
        if getattr(popen, "_child_created", False) and popen.poll() is None:
            popen.kill()
            popen.wait()


def _interrupted(monkeypatch: pytest.MonkeyPatch, start: Callable[[], object]) -> None:
    """Run ``start`` with the interrupt landing in Thread.start, as the bench's signal handler raises it."""

    def interrupted(self: threading.Thread) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(threading.Thread, "start", interrupted)
        with pytest.raises(KeyboardInterrupt):
            start()


def _all_ended(made: list[subprocess.Popen[Any]]) -> bool:
    children = [popen for popen in made if getattr(popen, "_child_created", False)]
    return bool(children) and all(popen.returncode is not None for popen in children)


def test_an_engine_interrupted_while_its_pipes_are_served_is_killed(
    monkeypatch: pytest.MonkeyPatch, started: list[subprocess.Popen[Any]]
) -> None:
    _interrupted(monkeypatch, lambda: EngineProcess(HANGING, 1024, None, None))
    assert _all_ended(started)


def test_an_engine_interrupted_in_its_thread_mode_is_killed(
    monkeypatch: pytest.MonkeyPatch, started: list[subprocess.Popen[Any]]
) -> None:
    """The Windows shape: three pump threads."""
    _interrupted(monkeypatch, lambda: EngineProcess(HANGING, 1024, None, None, poll_pipes=False))
    assert _all_ended(started)


def test_an_engine_call_interrupted_while_the_engine_starts_leaves_no_engine(
    monkeypatch: pytest.MonkeyPatch, started: list[subprocess.Popen[Any]]
) -> None:
    engine = SubprocessEngine(HANGING, timeout=5.0)
    try:
        _interrupted(monkeypatch, lambda: engine.call("ping", {}))
        assert _all_ended(started)
    finally:
        engine.close()


def test_a_card_emulator_interrupted_while_it_starts_is_killed(
    monkeypatch: pytest.MonkeyPatch, started: list[subprocess.Popen[Any]]
) -> None:
    spec = ReaderSpec("Virtual PCD 00 00", 1)  # never reached: the emulator is ended before it connects
    _interrupted(monkeypatch, lambda: ProcessCard(None, spec, "vitale", None, sys.executable))
    assert _all_ended(started)


def test_the_demo_application_interrupted_while_it_starts_is_killed(
    monkeypatch: pytest.MonkeyPatch, started: list[subprocess.Popen[Any]], tmp_path: Path
) -> None:
    _interrupted(monkeypatch, lambda: DemoApp(tmp_path / "demo"))
    assert _all_ended(started)


@pytest.fixture
def forked(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """^C lands inside Popen right after the fork, before Popen notes the child's pid (seen under load): the
    pids forked meanwhile (killed at the end whatever the test found)."""
    pids: list[int] = []
    real = subprocess._fork_exec  # type: ignore[attr-defined]

    def interrupted(*args: Any) -> int:
        pids.append(real(*args))
        signal.raise_signal(signal.SIGINT)
        return pids[-1]

    monkeypatch.setattr(subprocess, "_fork_exec", interrupted)
    yield pids
    for pid in pids:
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


_FORKS = pytest.mark.skipif(not hasattr(subprocess, "_fork_exec"), reason="POSIX: Popen forks")


@_FORKS
def test_an_engine_interrupted_inside_popen_is_killed(forked: list[int]) -> None:
    with pytest.raises(KeyboardInterrupt):
        EngineProcess(HANGING, 1024, None, None)
    assert forked and not any(_alive(pid) for pid in forked)


@_FORKS
def test_a_card_emulator_interrupted_inside_popen_is_killed(forked: list[int]) -> None:
    with pytest.raises(KeyboardInterrupt):
        ProcessCard(None, ReaderSpec("Virtual PCD 00 00", 1), "vitale", None, sys.executable)
    assert forked and not any(_alive(pid) for pid in forked)


@_FORKS
def test_the_demo_application_interrupted_inside_popen_is_killed(forked: list[int], tmp_path: Path) -> None:
    with pytest.raises(KeyboardInterrupt):
        DemoApp(tmp_path / "demo")
    assert forked and not any(_alive(pid) for pid in forked)
