"""Shared test configuration. Layer-specific fixtures live in the files named conftest_*.py."""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

# ---- card layer (owner: cards helper): pcscd + vpcd fixtures, see tests/conftest_cards.py
from conftest_cards import pcsc_bay, pcsc_stack, vpcd_lock  # noqa: F401

# ---- the demo's exam books in French and English, built once for the tests that read them (tests/demo_books.py)
from demo_books import demo_books, demo_session  # noqa: F401

# ---- the demo application's exam rehearsal, as shipped and flawed, run once (tests/demo_exams.py)
from demo_exams import demo_exam, demo_exam_flawed, demo_exam_runs  # noqa: F401

# ---- a local TCP server hostile XML points at (tests/listener.py)
from listener import listener  # noqa: F401

# the suite's compiled report templates go to a folder of its own, never the user's cache (inherited by the
# processes the tests start; platformdirs reads it on Linux, where CI runs)
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="testbench-tests-cache-")
atexit.register(shutil.rmtree, os.environ["XDG_CACHE_HOME"], ignore_errors=True)

# a suite started in the background by a shell without job control (« cmd & » in a script) ignores ^C, and every
# command a test starts inherits it: a test that sends ^C to a command would then wait for ever. The commands meet
# ^C as from a terminal (that a command started ignoring it keeps ignoring it is tested on its own)
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups into the tests' ids
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests on the vpcd readers share the xdist group ``vpcd``: one worker runs them one after the other, as
    ``vpcd_lock`` would make them anyway, while the other worker goes on with the rest instead of waiting for the
    lock (scripts/test.sh distributes with ``loadgroup``). One in another group would wait for the lock on the
    other worker, which takes it again test after test (its 120 s run out): refused as the suite is collected."""
    for item in items:
        if "vpcd_lock" not in getattr(item, "fixturenames", ()):
            continue
        groups = {mark.args[0] for mark in item.iter_markers("xdist_group")}
        if groups - {"vpcd"}:
            raise pytest.UsageError(f"{item.nodeid}: takes the vpcd readers, so its xdist group must be « vpcd »")
        if not groups:
            item.add_marker(pytest.mark.xdist_group("vpcd"))


@pytest.fixture
def paris(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The machine in Paris (a French workstation's local time is not UTC), put back after."""
    monkeypatch.setenv("TZ", "Europe/Paris")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture(autouse=True)
def workstation_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests drive the workstation through Textual's pilot (or replace its run): they are its terminal.
    ``testbench ui`` without one is refused (tests/test_ui_no_terminal.py starts it without one)."""
    monkeypatch.setattr("testbench.cli.ui_cmd.has_terminal", lambda: True)


@pytest.fixture
def writers() -> Iterator[list[subprocess.Popen[str]]]:
    """Processes a test starts to hold a session for writing (a long ``testbench run``): killed at its end."""
    started: list[subprocess.Popen[str]] = []
    yield started
    for writer in started:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
