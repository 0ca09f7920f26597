"""``validate --watch`` (and the workstation's reload) lost a casebook whose folder was removed and made again (a
branch checked out without it, then back): the watch went with the folder, and every later save of the file was
never seen — the author kept reading « fichier introuvable ». The folder is watched again when it comes back."""

from __future__ import annotations

import queue
import shutil
import threading
from pathlib import Path

from testbench.casebook.watch import watch_files


def _watch(paths: list[Path], stop: threading.Event, ready: threading.Event, out: queue.Queue) -> None:
    for changed in watch_files(paths, stop, debounce_ms=50, ready=ready):
        out.put(changed)
    out.put(None)


def test_a_folder_removed_and_made_again_is_watched_again(tmp_path: Path) -> None:
    folder = tmp_path / "cahiers"
    folder.mkdir()
    watched = folder / "a.xml"
    watched.write_text("1", encoding="utf-8")
    stop, ready = threading.Event(), threading.Event()
    out: queue.Queue = queue.Queue()
    thread = threading.Thread(target=_watch, args=([watched], stop, ready, out), daemon=True)
    thread.start()
    try:
        assert ready.wait(10)
        shutil.rmtree(folder)
        assert out.get(timeout=10) == {watched}  # gone: said once
        folder.mkdir()
        watched.write_text("back", encoding="utf-8")
        _saved_after(watched, out)
    finally:
        stop.set()
        thread.join(5)
    assert not thread.is_alive()


def test_a_folder_made_again_at_once_is_watched_again(tmp_path: Path) -> None:
    folder = tmp_path / "cahiers"
    folder.mkdir()
    watched = folder / "a.xml"
    watched.write_text("1", encoding="utf-8")
    stop, ready = threading.Event(), threading.Event()
    out: queue.Queue = queue.Queue()
    thread = threading.Thread(target=_watch, args=([watched], stop, ready, out), daemon=True)
    thread.start()
    try:
        assert ready.wait(10)
        shutil.rmtree(folder)
        folder.mkdir()  # before the watcher looks: the same path, another folder
        watched.write_text("back", encoding="utf-8")
        _saved_after(watched, out)
    finally:
        stop.set()
        thread.join(5)
    assert not thread.is_alive()


def _saved_after(watched: Path, out: queue.Queue) -> None:
    """The file back is said changed, then a save of it is seen: its folder is watched again."""
    assert out.get(timeout=10) == {watched}
    while True:  # the removal and the creation may each be said: until the watcher is quiet
        try:
            assert out.get(timeout=1) == {watched}
        except queue.Empty:
            break
    watched.write_text("saved", encoding="utf-8")
    assert out.get(timeout=10) == {watched}


def test_a_folder_moved_away_is_said_as_the_file_gone(tmp_path: Path) -> None:
    folder = tmp_path / "cahiers"
    folder.mkdir()
    watched = folder / "a.xml"
    watched.write_text("1", encoding="utf-8")
    stop, ready = threading.Event(), threading.Event()
    out: queue.Queue = queue.Queue()
    thread = threading.Thread(target=_watch, args=([watched], stop, ready, out), daemon=True)
    thread.start()
    try:
        assert ready.wait(10)
        folder.rename(tmp_path / "ailleurs")  # no event for the file itself: its folder's absence says it
        assert out.get(timeout=10) == {watched}
    finally:
        stop.set()
        thread.join(5)
    assert not thread.is_alive()
