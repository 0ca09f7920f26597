"""Watching casebook files for saves (``validate --watch``, the workstation's reload).

Editors save in different ways: written in place, or written beside and renamed over the file
(the inode changes). Watching the file itself loses the second kind after the first save, so the
*folders* holding the files are watched (not recursively) and the events are filtered down to the
files asked for. watchfiles does the portable part (inotify, FSEvents, ReadDirectoryChangesW) and
the debouncing: one burst of writes of one save is one yield.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
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
    """
    wanted = {_key(path): Path(path) for path in paths}
    if not wanted:
        return
    folders = sorted({str(Path(key).parent) for key in wanted})

    def only_ours(_change: watchfiles.Change, name: str) -> bool:
        return _key(name) in wanted

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
        changed = {wanted[_key(name)] for _change, name in changes if _key(name) in wanted}
        if changed:
            yield changed
        if stop.is_set():
            return
