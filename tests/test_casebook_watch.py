"""watch_files: a save (in place or by rename) of a watched file is yielded, others are not."""

from __future__ import annotations

import os
import queue
import threading
from pathlib import Path

import pytest

from testbench.casebook.watch import watch_files


def _watch(paths: list[Path], stop: threading.Event, ready: threading.Event, out: queue.Queue) -> None:
    for changed in watch_files(paths, stop, debounce_ms=50, ready=ready):
        out.put(changed)
    out.put(None)


def test_saves_in_place_and_by_rename_are_seen_and_other_files_ignored(tmp_path: Path) -> None:
    watched = tmp_path / "a.xml"
    other = tmp_path / "b.xml"
    watched.write_text("1", encoding="utf-8")
    other.write_text("1", encoding="utf-8")
    stop, ready = threading.Event(), threading.Event()
    out: queue.Queue = queue.Queue()
    thread = threading.Thread(target=_watch, args=([watched], stop, ready, out), daemon=True)
    thread.start()
    assert ready.wait(10)
    other.write_text("2", encoding="utf-8")
    watched.write_text("in place", encoding="utf-8")
    assert out.get(timeout=10) == {watched}
    temporary = tmp_path / ".a.xml.tmp"
    temporary.write_text("renamed over", encoding="utf-8")
    os.replace(temporary, watched)
    assert out.get(timeout=10) == {watched}
    other.write_text("3", encoding="utf-8")  # not watched: the next thing seen is the stop
    stop.set()
    assert out.get(timeout=10) is None
    thread.join(5)
    assert not thread.is_alive()


def test_a_missing_folder_is_said(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        next(watch_files([tmp_path / "absent" / "a.xml"], threading.Event()))
