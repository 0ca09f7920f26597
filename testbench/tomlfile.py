"""Reading our configuration files: each within a size (:func:`read_config`), the TOML ones (application
profile, mapping, exam plan) with their syntax errors placed.

``tomllib`` only says where it stopped inside its English message, and says "at end of document" rather
than a line when the text ends too early; every TOML file of ours is read here so that each names the
same place (line and column, 1-based) for the same mistake. A utility: it imports no layer.
"""

from __future__ import annotations

import errno
import re
from pathlib import Path
from typing import Any

from testbench.i18n import _t

#: A configuration file of ours is a few kilobytes: past this it is another file (or a device, /dev/zero,
#: read without end), refused as « fichier trop gros » (testbench.fmt.os_reason)
MAX_BYTES = 4 << 20

_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


#: A Windows path written between double quotes: TOML reads ``\t``, ``\f``, ``\b``, ``\n``, ``\r`` in it as
#: escapes (``"D:\tmp\fse"`` reads D:, a tab, mp, a form feed, se) and refuses most other backslashes
WINDOWS_PATH_HINT = _t("chemin Windows entre guillemets doubles : écrivez-le entre apostrophes ('C:\\…') ou avec des /")


class TomlSyntaxError(ValueError):
    """The text is not TOML; ``line`` and ``col`` (1-based) are where the parser stopped; ``hint`` (French,
    :data:`WINDOWS_PATH_HINT`) when that line looks like a Windows path between double quotes, else None."""

    def __init__(self, line: int, col: int, hint: str | None = None) -> None:
        super().__init__(f"invalid TOML syntax at line {line}, column {col}")
        self.line, self.col, self.hint = line, col, hint


def path_problem(value: str) -> str | None:
    """:data:`WINDOWS_PATH_HINT` when ``value``, a path read from a TOML file, holds a control character (no
    path has one: a Windows path between double quotes read with its escapes), else None."""
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in value):
        return WINDOWS_PATH_HINT
    return None


def read_config(path: Path) -> bytes:
    """A configuration file's bytes (a TOML profile, mapping or plan, a key, prepared attestations), at most
    :data:`MAX_BYTES`; an
    ``OSError`` (``EFBIG`` past it) its reader already says in French."""
    with open(path, "rb") as f:
        data = f.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise OSError(errno.EFBIG, "file too large", str(path))
    return data


def parse_toml(text: str) -> dict[str, Any]:
    """``tomllib.loads(text)``, raising :class:`TomlSyntaxError` (placed) instead of its decode error. A
    byte-order mark at the start (Windows' Notepad wrote one before Windows 10 1903) is not part of the text:
    ``tomllib`` would stop on it at line 1, column 1, on a character nobody sees."""
    import tomllib  # here: a run that reads no TOML file (the signing key's reader is here too) does not load it

    text = text.removeprefix("\ufeff")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, col = _place(str(exc), text)
        raise TomlSyntaxError(line, col, _hint(text, line)) from None
    except RecursionError:  # arrays or inline tables nested by the thousand: no file of ours is
        raise TomlSyntaxError(*_deepest(text)) from None


def _hint(text: str, line: int) -> str | None:
    """:data:`WINDOWS_PATH_HINT` when the line the parser stopped at holds a double quote and a backslash."""
    lines = text.splitlines()
    found = lines[line - 1] if 0 < line <= len(lines) else ""
    return WINDOWS_PATH_HINT if '"' in found and "\\" in found else None


def _deepest(text: str) -> tuple[int, int]:
    """Where the nesting of ``[`` and ``{`` goes past a hundred levels (1-based line and column)."""
    depth, line, col = 0, 1, 0
    for char in text:
        col += 1
        if char == "\n":
            line, col = line + 1, 0
        elif char in "[{":
            depth += 1
            if depth > 100:
                return line, col
        elif char in "]}":
            depth -= 1
    return line, max(col, 1)


def _place(message: str, text: str) -> tuple[int, int]:
    found = _AT.search(message)
    if found:
        return int(found[1]), int(found[2])
    # "at end of document": the text stopped too early, so the last line that has text is the place.
    lines = text.rstrip().splitlines() or [""]
    return len(lines), len(lines[-1]) + 1
