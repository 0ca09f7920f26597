"""watch_files: a save (in place or by rename) of a watched file is yielded, others are not."""

from __future__ import annotations

import os
import queue
import threading
from pathlib import Path

from testbench.casebook.watch import watch_files


def _watch(paths: list[Path], stop: threading.Event, out: queue.Queue, ready: threading.Event) -> None:
    iterator = watch_files(paths, stop, debounce_ms=50)
    ready.set()
    for changed in iterator:
        out.put((changed, paths[0].read_text(encoding="utf-8")))
    out.put(None)


def test_saves_in_place_and_by_rename_are_seen_and_other_files_ignored(tmp_path: Path) -> None:
    watched = tmp_path / "a.xml"
    other = tmp_path / "b.xml"
    watched.write_text("1", encoding="utf-8")
    other.write_text("1", encoding="utf-8")
    stop = threading.Event()
    out: queue.Queue = queue.Queue()
    ready = threading.Event()
    # watchfiles starts watching at the generator's first step: prime it in the thread, then
    # write until the first event arrives (no sleep: the first write the watcher sees counts).
    thread = threading.Thread(target=_watch, args=([watched], stop, out, ready), daemon=True)
    thread.start()
    assert ready.wait(10)
    other.write_text("2", encoding="utf-8")
    first = None
    for attempt in range(100):
        last = f"in place {attempt}"
        watched.write_text(last, encoding="utf-8")
        try:
            first = out.get(timeout=0.2)
            break
        except queue.Empty:
            continue
    assert first is not None and first[0] == {watched}
    while first[1] != last:  # until the watcher has seen the last write of the priming loop
        first = out.get(timeout=10)
        assert first[0] == {watched}
    temporary = tmp_path / ".a.xml.tmp"
    temporary.write_text("renamed over", encoding="utf-8")
    os.replace(temporary, watched)
    assert out.get(timeout=10) == ({watched}, "renamed over")
    stop.set()
    assert out.get(timeout=10) is None
    thread.join(5)
    assert not thread.is_alive()
