"""Which file names in the application's output folders are documents, and which are still being written.

One rule for every watcher of those folders — the extractors' folders and globs (:mod:`testbench.sut.profile`)
and operator mode's ``--watch`` capture (:mod:`testbench.engines.operator.engine`) — so a temporary file is
never read nor captured as evidence by one and skipped by the other. Kept apart from the profile's reader so
that the capture imports no TOML, trace or extractor module.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable

#: Names of a file still being written, or set aside, that no watcher reads: a write-then-rename temporary
#: (« FSE_0001.xml.tmp »), a partial download or copy, an editor's or office suite's lock or backup, a hidden file.
PARTIAL_NAMES = (
    "*.tmp", "*.temp", "*.part", "*.partial", "*.filepart", "*.crdownload", "*.download", "*.swp", "*.lock",
    "*.$$$", "*~", "~$*", ".*",
)  # fmt: skip


def named(name: str, patterns: Iterable[str]) -> bool:
    """Whether ``name`` matches one of ``patterns``, whatever the case (« FSE_0001.XML » on Windows)."""
    lowered = name.lower()
    return any(fnmatch.fnmatchcase(lowered, pattern.lower()) for pattern in patterns)


def partial(name: str) -> bool:
    """Whether ``name`` is that of a file still being written or set aside (:data:`PARTIAL_NAMES`)."""
    return named(name, PARTIAL_NAMES)
