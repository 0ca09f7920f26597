"""Watching casebook files for saves (``validate --watch``, the workstation's reload).

Editors save in different ways: written in place, or written beside and renamed over the file
(the inode changes). Watching the file itself loses the second kind after the first save, so the
*folders* holding the files are watched (not recursively) and the events are filtered down to the
files asked for. watchfiles does the portable part (inotify, FSEvents, ReadDirectoryChangesW) and
the debouncing: one burst of writes of one save is one yield.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Generator, Iterator, Sequence
from pathlib import Path

import watchfiles


def _key(path: Path | str) -> str:
    """One spelling per file, whatever the caller or the OS wrote (relative, symlinked folder)."""
    return str(Path(path).resolve())


#: How long the watcher waits for a change before it hands control back (to set ``ready``).
_WAKE_MS = 200


def watch_files(
    paths: Sequence[Path],
    stop: threading.Event,
    debounce_ms: int = 200,
    ready: threading.Event | None = None,
) -> Iterator[set[Path]]:
    """Yield the set of changed paths (among ``paths``, as given) after each save; return when
    ``stop`` is set (checked every 50 ms).

    A file written, replaced by a rename, created or deleted counts as changed. ``ready``, when
    given, is set once the watch is in place (a save from then on is seen; the watch starts at the
    iterator's first step, so a save before ``ready`` may be missed). Ctrl-C in the main thread
    raises ``KeyboardInterrupt``. Raises ``FileNotFoundError`` when a file's folder does not exist.
    A folder removed meanwhile (a branch checked out without it) and made again is watched again, since its
    watch went with it: its files count as changed when it goes (unless their removal was seen) and comes back.
    """
    wanted = {_key(path): Path(path) for path in paths}
    if not wanted:
        return
    folders = sorted({str(Path(key).parent) for key in wanted})
    pending: set[Path] = set()
    while True:
        moved = yield from _watch_round(folders, wanted, stop, debounce_ms, ready, pending)
        if moved is None:
            return
        folders, pending = moved


def _existing(wanted: dict[str, Path]) -> list[str]:
    """The folders of the wanted files that exist now."""
    return sorted({folder for folder in (str(Path(key).parent) for key in wanted) if os.path.isdir(folder)})


def _watch_round(
    folders: list[str],
    wanted: dict[str, Path],
    stop: threading.Event,
    debounce_ms: int,
    ready: threading.Event | None,
    pending: set[Path],
) -> Generator[set[Path], None, tuple[list[str], set[Path]] | None]:
    """Watch ``folders`` until ``stop`` (returns None) or until a folder went, came back or was made again — its
    watch gone with it (returns the folders that exist, and their files to say changed but those already said
    gone). The ``pending`` files are said changed once the watch is in place: a save right after is seen."""
    if not folders:  # every folder gone: nothing to watch, until one comes back
        if pending:
            yield pending
        while not stop.wait(_WAKE_MS / 1000):
            back = _existing(wanted)
            if back:
                return back, _in_folders(wanted, set(back))
        return None
    gone: set[Path] = set()  # files said changed and absent since: a folder's removal already said for them
    itself = {_key(folder): folder for folder in folders}  # a watched folder itself removed: its watch goes too

    def only_ours(_change: watchfiles.Change, name: str) -> bool:
        return _key(name) in wanted or _key(name) in itself

    for changes in watchfiles.watch(
        *folders,
        watch_filter=only_ours,
        debounce=debounce_ms,
        stop_event=stop,
        recursive=False,
        rust_timeout=_WAKE_MS,
        yield_on_timeout=True,
    ):
        if ready is not None:
            ready.set()
        names = {_key(name) for _change, name in changes}
        changed = pending | {wanted[name] for name in names if name in wanted}
        pending = set()
        if changed:
            yield changed
            gone = {path for path in gone | changed if not path.exists()}
        if stop.is_set():
            return None
        now = _existing(wanted)
        removed = {_key(name) for change, name in changes if change is watchfiles.Change.deleted}
        touched = {itself[name] for name in removed if name in itself} | (set(now) ^ set(folders))
        if touched:
            return now, {path for path in _in_folders(wanted, touched) if path.exists() or path not in gone}
    return None


def _in_folders(wanted: dict[str, Path], folders: set[str]) -> set[Path]:
    return {path for key, path in wanted.items() if str(Path(key).parent) in folders}
