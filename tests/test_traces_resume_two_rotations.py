"""Resume after two rotations while the bench was closed: the file between the resumed one and the followed
path (``app.log.1`` when the resumed file is now ``app.log.2``) is read whole, in order, as ``app.log``."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from testbench.traces.clock import RawLine
from testbench.traces.followed import FilePosition
from testbench.traces.tail import FileTailer


class Collector:
    def __init__(self) -> None:
        self.lines: list[RawLine] = []
        self._lock = threading.Lock()

    def __call__(self, batch: list[RawLine]) -> None:
        with self._lock:
            self.lines.extend(batch)

    @property
    def texts(self) -> list[str]:
        with self._lock:
            return [line.text for line in self.lines]

    def wait_for(self, count: int, timeout: float = 5.0) -> list[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and len(self.texts) < count:
            time.sleep(0.01)
        return self.texts


def append(path: Path, text: str) -> None:
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(text)


def rotate(log: Path, keep: int) -> None:
    """What a numbering rotation does: app.log.N-1 -> app.log.N ... app.log -> app.log.1, a new app.log."""
    for n in range(keep - 1, 0, -1):
        older = log.with_name(f"{log.name}.{n}")
        if older.exists():
            os.replace(older, log.with_name(f"{log.name}.{n + 1}"))
    os.replace(log, log.with_name(f"{log.name}.1"))
    log.touch()


def saved_positions(log: Path, use_inode: bool) -> list[FilePosition]:
    """Follow ``log`` a while, then stop as the bench does when it is closed; its last saved position."""
    first = Collector()
    with FileTailer([log], first, poll_interval=0.01, use_inode=use_inode):
        append(log, "seen before closing\n")
        assert first.wait_for(1) == ["seen before closing"]
    return [line.position for line in first.lines if line.position is not None][-1:]


@pytest.mark.parametrize("use_inode", [True, False], ids=["inode", "first-bytes"])
def test_the_file_between_two_rotations_is_read_on_resume(tmp_path: Path, use_inode: bool) -> None:
    log = tmp_path / "Journaux" / "app.log"
    log.parent.mkdir()
    append(log, "already there\n")
    saved = saved_positions(log, use_inode)
    old = log.with_name("app.log.3")  # an older rotated file, already read before: not read again
    append(old, "older rotation\n")
    os.utime(old, ns=(1, 1))
    append(log.with_name("app.err"), "another log of the folder\n")  # not a rotated name of app.log
    # while the bench is closed: lines A, a rotation (B in the new file), another rotation (C)
    append(log, "A 1\nA 2\n")
    time.sleep(0.02)
    rotate(log, keep=3)
    append(log, "B Rotation du journal effectuée\n")
    time.sleep(0.02)
    rotate(log, keep=3)
    append(log, "C Rotation du journal effectuée\n")
    log.with_name("app.log.4.gz").write_bytes(b"\x1f\x8b\x08\x00 compressed")  # a compressed rotation: no text
    assert log.with_name("app.log.2").read_text(encoding="utf-8").endswith("A 2\n")
    second = Collector()
    with FileTailer([log], second, poll_interval=0.01, use_inode=use_inode, resume=saved):
        append(log, "after restart\n")
        second.wait_for(5)
        time.sleep(0.05)
    assert second.texts == ["A 1", "A 2", "B Rotation du journal effectuée", "C Rotation du journal effectuée",
                            "after restart"]
    assert [line.live for line in second.lines] == [False, False, False, False, True]
    assert {line.source for line in second.lines} == {str(log)}


def test_normal_polling_does_not_read_rotated_names_outside_the_patterns(tmp_path: Path) -> None:
    """Without a resume, a file at a rotated name that was never followed stays unread (unchanged behaviour)."""
    log = tmp_path / "app.log"
    append(log, "start\n")
    append(log.with_name("app.log.1"), "never followed\n")
    got = Collector()
    with FileTailer([log], got, poll_interval=0.01):
        append(log, "live 1\n")
        got.wait_for(1)
        time.sleep(0.05)
    assert got.texts == ["live 1"]
