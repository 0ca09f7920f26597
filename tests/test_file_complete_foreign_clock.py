"""A file whose modification time is ahead of the bench's clock (a network share's clock) is ready once its size
and time have held still for ``stable_for`` on the bench's own clock, not once the bench's clock catches up."""

from __future__ import annotations

import os
import time
from pathlib import Path

from testbench.extract.complete import file_complete, wait_complete


def _ahead(path: Path, data: bytes, seconds: float = 120.0) -> None:
    path.write_bytes(data)
    future = time.time() + seconds
    os.utime(path, (future, future))


def test_a_file_stamped_two_minutes_ahead_is_ready_once_it_holds_still(tmp_path: Path) -> None:
    path = tmp_path / "lot.b2"
    _ahead(path, b"RSP00001000000005001234\n")
    assert not file_complete(path, stable_for=0.2)  # just seen: it may still be written
    time.sleep(0.3)
    assert file_complete(path, stable_for=0.2)


def test_a_file_stamped_ahead_that_changes_waits_again(tmp_path: Path) -> None:
    path = tmp_path / "lot.b2"
    _ahead(path, b"RSP1\n")
    file_complete(path, stable_for=0.2)
    time.sleep(0.3)
    _ahead(path, b"RSP1\nRSP2\n", 125.0)
    assert not file_complete(path, stable_for=0.2)


def test_wait_complete_returns_within_the_wait_for_a_file_stamped_ahead(tmp_path: Path) -> None:
    path = tmp_path / "fse.xml"
    _ahead(path, b"<fse>" + b" " * (2 << 20) + b"</fse>")  # past 1 MB: ready by its stability alone
    start = time.monotonic()
    assert wait_complete(path, timeout=5.0, stable_for=0.2)
    assert time.monotonic() - start < 2.0


def test_a_file_written_long_ago_is_ready_at_once(tmp_path: Path) -> None:
    path = tmp_path / "old.b2"
    path.write_bytes(b"RSP1\n")
    past = time.time() - 60
    os.utime(path, (past, past))
    assert file_complete(path, stable_for=5.0)
