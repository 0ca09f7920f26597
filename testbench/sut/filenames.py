"""Which file names in the application's output folders are documents, and which are still being written.

One rule for every watcher of those folders — the extractors' folders and globs (:mod:`testbench.sut.profile`)
and operator mode's ``--watch`` capture (:mod:`testbench.engines.operator.engine`) — so a temporary file is
never read nor captured as evidence by one and skipped by the other. Kept apart from the profile's reader so
that the capture imports no TOML, trace or extractor module.
"""

from __future__ import annotations

import fnmatch
import re
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


def readable_name(text: str) -> str:
    """``text`` (a file name, or a line that holds one) as a person reads it and the session stores it: a name the
    file system gave in bytes that are not UTF-8 (an application naming its FSE in its Windows code page,
    « FSE_H\\xe9l\\xe8ne.xml ») comes with Python's surrogates, which neither SQLite nor a screen takes; each such
    byte is read as cp1252 instead (« FSE_Hélène.xml »), one cp1252 leaves undefined as « \ufffd ». The rest of the
    text is left as it is; the file itself is still opened at its real path."""
    return _ESCAPED.sub(_as_cp1252, text)


#: a byte of a file name that was not UTF-8, as Python's ``surrogateescape`` gives it
_ESCAPED = re.compile("[\udc80-\udcff]+")


def _as_cp1252(escaped: re.Match[str]) -> str:
    return bytes(ord(char) - 0xDC00 for char in escaped.group()).decode("cp1252", "replace")
