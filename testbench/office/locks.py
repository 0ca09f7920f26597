"""The lock file a spreadsheet keeps beside a workbook it has open: the export refuses to replace such a file
(the spreadsheet would save over it, Windows would refuse the rename) and says a document read while open (what
is not saved in it is not read)."""

from __future__ import annotations

import os
from pathlib import Path


def spreadsheet_lock(path: Path) -> Path | None:
    """The lock file beside ``path`` (LibreOffice ``.~lock.NAME#``, Excel ``~$NAME``, the name's first two
    characters replaced when long), or None."""
    name = path.name
    candidates = [f".~lock.{name}#", f"~${name}"] + ([f"~${name[2:]}"] if len(path.stem) >= 7 else [])
    for candidate in candidates:
        if os.path.lexists(path.parent / candidate):
            return path.parent / candidate
    return None
