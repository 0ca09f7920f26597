"""A command line typed on one line (an external engine's ``--engine``, the workstation's command and path
fields), split into words as the system does, and joined back.

POSIX: the shell's rules (:func:`shlex.split`): a backslash escapes, single and double quotes group.
Windows: the rules a program's C runtime applies to its command line (``CommandLineToArgvW``): backslashes
are literal (``C:\\Editeur\\moteur.exe`` stays whole) unless they come before a double quote, double quotes
group words with spaces and are removed, single quotes are ordinary characters. :func:`join` is the inverse
(``shlex.join`` on POSIX, ``subprocess.list2cmdline`` on Windows). A utility: it imports no layer.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Iterable

_BLANKS = " \t"


def on_windows(windows: bool | None = None) -> bool:
    """``windows`` when given, else whether this system is Windows (read at each call: tests patch it)."""
    return os.name == "nt" if windows is None else windows


def split(text: str, *, windows: bool | None = None) -> list[str]:
    """``text`` as the system splits a command line into words; ``ValueError`` when a quote is left open
    (or, on POSIX, the line ends with a lone backslash): a typo said rather than a word silently cut."""
    return _split_windows(text) if on_windows(windows) else shlex.split(text)


def join(words: Iterable[str], *, windows: bool | None = None) -> str:
    """The inverse of :func:`split`: a line the person can read and edit, and that splits back to ``words``."""
    words = list(words)
    return subprocess.list2cmdline(words) if on_windows(windows) else shlex.join(words)


def _split_windows(text: str) -> list[str]:
    """The Microsoft C runtime's rules for arguments: blanks (space, tab) separate words outside double
    quotes; ``2n`` backslashes before a ``"`` give ``n`` backslashes and the quote opens or closes a quoted
    part, ``2n+1`` give ``n`` backslashes and a literal ``"``; other backslashes are literal; inside quotes,
    ``""`` is a literal ``"``. Unlike Windows, a quote left open is refused (``ValueError``)."""
    words: list[str] = []
    word: list[str] = []
    in_word = quoted = False
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            j = i
            while j < n and text[j] == "\\":
                j += 1
            count = j - i
            if j < n and text[j] == '"':
                word.append("\\" * (count // 2))
                if count % 2:
                    word.append('"')
                    j += 1
                # an even count leaves the quote to the next turn, which opens or closes a quoted part
            else:
                word.append("\\" * count)
            in_word, i = True, j
        elif c == '"':
            if quoted and i + 1 < n and text[i + 1] == '"':
                word.append('"')
                i += 2
            else:
                quoted, in_word = not quoted, True
                i += 1
        elif c in _BLANKS and not quoted:
            if in_word:
                words.append("".join(word))
                word, in_word = [], False
            i += 1
        else:
            word.append(c)
            in_word, i = True, i + 1
    if quoted:
        raise ValueError("No closing quotation")
    if in_word:
        words.append("".join(word))
    return words
