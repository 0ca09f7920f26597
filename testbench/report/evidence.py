"""The evidence folder beside the HTML: large blobs go there, linked by relative path and SHA-256.

Keeping them out of the HTML keeps the page small enough to open at campaign scale (pytest-html and
Allure single-file reports break past tens of MB); hashing them at export lets a reader check a file
without testbench.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from queue import Queue

from testbench.integrity.manifest import EVIDENCE

QUEUED = 64  # files waiting for the writer thread at most
#: the longest name a file or folder of the evidence gets: Windows without long paths refuses a whole path
#: past 260 characters (MAX_PATH), and the report folder's own path comes first; an application's file
#: named longer is cut, its extension kept, and marked with its name's hash so that two stay distinct
MAX_NAME = 96


def short_name(name: str) -> str:
    """``name`` as the evidence folder writes it: itself up to :data:`MAX_NAME` characters, else its start,
    ``~`` and 8 hex digits of its SHA-256, then its extension (a short one: « .xml », « .b2 »)."""
    if len(name) <= MAX_NAME:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or len(ext) > 8:
        stem, ext = name, ""
    mark = "~" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    tail = f".{ext}" if ext else ""
    return stem[: MAX_NAME - len(mark) - len(tail)] + mark + tail


class Evidence:
    """Writes files under ``root/evidence`` (or only hashes them when ``root`` is None).

    The files are created by one thread of their own while the report goes on gathering: creating a
    file is a system call that waits on the file system (about 0.25 ms each on an ordinary disk, 700 of
    them a campaign) and releases the interpreter meanwhile. :meth:`finish` waits for the last one and
    raises the first error (a full disk…), so nothing reads the folder before it is whole."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self.written: dict[str, str] = {}
        self._names: set[str] = set()  # the written paths, casefolded
        self._made: set[Path] = set()
        # bounded: on a slow disk (a network share) the gathering waits rather than holding every file
        self._queue: Queue[tuple[Path, bytes] | None] = Queue(maxsize=QUEUED)
        self._writer: threading.Thread | None = None
        self._failure: Exception | None = None

    def add(self, relative: str, data: bytes, media_type: str) -> dict[str, object]:
        path = "/".join([EVIDENCE, *map(short_name, relative.split("/"))])
        # same name twice in one report: keep both, deterministically; names are compared as Windows and
        # macOS do (case-insensitively: ``FSE-01a`` and ``FSE-01A`` would be one file there)
        if path.casefold() in self._names:
            head, _, name = path.rpartition("/")
            stem, dot, ext = name.partition(".")
            n = 2
            while f"{head}/{stem}-{n}{dot}{ext}".casefold() in self._names:
                n += 1
            path = f"{head}/{stem}-{n}{dot}{ext}"
        sha = hashlib.sha256(data).hexdigest()
        self.written[path] = sha
        self._names.add(path.casefold())
        if self.root is not None:
            target = self.root / path
            if target.parent not in self._made:
                target.parent.mkdir(parents=True, exist_ok=True)
                self._made.add(target.parent)
            if self._writer is None:
                self._writer = threading.Thread(target=self._write_queued, name="evidence", daemon=True)
                self._writer.start()
            self._queue.put((target, data))
        return {"path": path, "sha256": sha, "size": len(data), "media_type": media_type}

    def __enter__(self) -> Evidence:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *_exc: object) -> None:
        try:
            self.finish()  # a failed build waits for its files too: no thread left writing into the folder
        except Exception:
            if exc_type is None:  # else the build's own failure is the one to tell
                raise

    def finish(self) -> None:
        """Wait until every file is on disk; the first failure is raised here. Safe to call twice."""
        if self._writer is not None:
            self._queue.put(None)
            self._writer.join()
            self._writer = None
        if self._failure is not None:
            failure, self._failure = self._failure, None
            raise failure

    def _write_queued(self) -> None:
        """The writer thread: each queued file in turn until ``None``; after a failure, the rest is dropped
        (the build fails as a whole)."""
        while (item := self._queue.get()) is not None:
            if self._failure is None:
                try:
                    item[0].write_bytes(item[1])
                except Exception as exc:  # handed to the building thread by finish()
                    self._failure = exc
