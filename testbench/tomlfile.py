"""Reading our configuration files: each within a size (:func:`read_config`), the TOML ones (application
profile, mapping, exam plan) with their syntax errors placed.

``tomllib`` only says where it stopped inside its English message, and says "at end of document" rather
than a line when the text ends too early; every TOML file of ours is read here so that each names the
same place (line and column, 1-based) for the same mistake. A utility: it imports no layer.
"""

from __future__ import annotations

import errno
import functools
import re
from pathlib import Path
from typing import Any

from testbench.i18n import _t

#: A configuration file of ours is a few kilobytes: past this it is another file (or a device, /dev/zero,
#: read without end), refused as « fichier trop grand » (testbench.fmt.os_reason)
MAX_BYTES = 4 << 20

_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


#: A Windows path written between double quotes: TOML reads ``\t``, ``\f``, ``\b``, ``\n``, ``\r`` in it as
#: escapes (``"D:\tmp\fse"`` reads D:, a tab, mp, a form feed, se) and refuses most other backslashes
WINDOWS_PATH_HINT = _t("chemin Windows entre guillemets doubles : écrivez-le entre apostrophes ('C:\\…') ou avec des /")


class TomlSyntaxError(ValueError):
    """The text is not TOML; ``line`` and ``col`` (1-based) are where the parser stopped; ``hint`` (French,
    :data:`WINDOWS_PATH_HINT`) when that line looks like a Windows path between double quotes, else None;
    ``reason`` (French, a catalogue text) what the parser found wrong there, when it is one we word."""

    def __init__(self, line: int, col: int, hint: str | None = None, reason: str | None = None) -> None:
        super().__init__(f"invalid TOML syntax at line {line}, column {col}")
        self.line, self.col, self.hint, self.reason = line, col, hint, reason

    def said(self) -> tuple[str, dict[str, str]]:
        """The French template and its part, as every reader of a TOML file of ours says this error after the
        file's place: the hint first (the likely cause), else the parser's reason, else the bare words."""
        if self.hint is not None:
            return _t("syntaxe TOML invalide ; {reason}"), {"reason": self.hint}
        if self.reason is not None:
            return _t("syntaxe TOML invalide : {reason}"), {"reason": self.reason}
        return _t("syntaxe TOML invalide"), {}


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
        raise TomlSyntaxError(line, col, _hint(text, line), _reason(str(exc))) from None
    except RecursionError:  # arrays or inline tables nested by the thousand: no file of ours is
        raise TomlSyntaxError(*_deepest(text)) from None


#: tomllib's reasons (Python 3.11 to 3.13), in French; one not listed is left out rather than said in English
_TOML_REASONS = {
    "Unclosed array": _t("tableau non fermé (« ] » manquant)"),
    "Unclosed inline table": _t("table en ligne non fermée (« } » manquant)"),
    "Unterminated string": _t("chaîne non terminée (guillemet fermant manquant)"),
    "Illegal character '\\n'": _t("chaîne non terminée (guillemet fermant manquant)"),  # a line ends inside it
    "Invalid value": _t("valeur invalide (texte entre guillemets, nombre, booléen, date, [liste] ou {table})"),
    "Invalid statement": _t("ligne invalide (clé = valeur, [table] ou [[tableau de tables]] attendu)"),
    "Expected '=' after a key in a key/value pair": _t("« = » attendu après la clé"),
    "Expected ']' at the end of a table declaration": _t("« ] » attendu à la fin de l'en-tête de table"),
    "Expected ']]' at the end of an array declaration": _t("« ]] » attendu à la fin de l'en-tête [[…]]"),
    "Expected newline or end of document after a statement": _t("fin de ligne attendue après la valeur"),
    "Invalid date or datetime": _t("date invalide"),
    "Invalid hex value": _t("échappement \\u invalide"),
    "Escaped character is not a Unicode scalar value": _t("échappement \\u invalide"),
    "Invalid initial character for a key part": _t("clé invalide (lettres, chiffres, - et _, ou entre guillemets)"),
    "Cannot overwrite a value": _t("clé déjà définie"),
    "Unescaped '\\' in a string": _t("barre oblique inverse (\\) seule dans une chaîne entre guillemets doubles"),
}
#: the start of tomllib's reasons that name a key or a character
_TOML_REASON_STARTS = (
    ("Cannot declare ", _t("table déclarée deux fois")),
    ("Cannot redefine namespace ", _t("table déjà définie")),
    ("Cannot mutate immutable namespace ", _t("table déjà définie")),
    ("Duplicate inline table key ", _t("clé en double dans une table en ligne")),
    ("Illegal character ", _t("caractère interdit")),
    ("Found invalid character ", _t("caractère interdit")),
)
_REASON_PLACE = re.compile(r"\s*\((?:at line \d+, column \d+|at end of document)\)\s*$")


def _reason(message: str) -> str | None:
    """tomllib's reason in French, or None for one not listed."""
    said = _REASON_PLACE.sub("", message)
    return _TOML_REASONS.get(said) or next((r for start, r in _TOML_REASON_STARTS if said.startswith(start)), None)


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


# --- where a key is written ------------------------------------------------------------------------

#: A key's path in a TOML document: table keys, and the 0-based rank of an element of an array (of tables, or
#: inline: ``("extractors", 1, "fields", "amo")`` is the ``amo`` entry of the second ``[[extractors]]``'s fields)
KeyPath = tuple[str | int, ...]
_BARE = re.compile(r"[A-Za-z0-9_-]+")
_BLANK = " \t"


def place(text: str, path: KeyPath, *, key: bool = False) -> tuple[int, int] | None:
    """Line and column (1-based) where ``path`` is written in ``text`` (a document :func:`parse_toml` reads): the
    start of its value, or with ``key`` that of its key (an array's element, a table's ``[header]``, has one
    place). A path not written as such (a key left out, a table written in a way this does not follow) is placed
    at the nearest table or key that holds it; None when not even its first key is found.

    The bench's errors on a file's meaning (an unknown extractor kind, an XPath that reads nothing) thus name
    the line, as its syntax errors do."""
    places = _places(text.removeprefix("\ufeff"))
    if places is None:  # a text this does not follow: no place rather than a wrong one
        return None
    for end in range(len(path), 0, -1):
        found = places.get(path[:end])
        if found is not None:
            offset = found[0] if key or end < len(path) else found[1]
            return _line_col(text.removeprefix("\ufeff"), offset)
    return None


def _line_col(text: str, offset: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - start + 1


@functools.lru_cache(maxsize=8)
def _places(text: str) -> dict[KeyPath, tuple[int, int]] | None:
    """Where each key path of ``text`` is written, None for a text this does not follow; read once per text, since a
    file's checks place one key after another (an import mapping placed each key by reading it again: 11 reads a
    mapping). Read, never changed, by the callers."""
    try:
        return _Places(text).run()
    except (ValueError, IndexError, RecursionError):
        return None


class _Places:
    """The offsets of every key and value of a TOML text: (key's offset, value's offset) by :data:`KeyPath`."""

    def __init__(self, text: str) -> None:
        self.text, self.at = text, 0
        self.places: dict[KeyPath, tuple[int, int]] = {}
        self.arrays: dict[KeyPath, int] = {}  # arrays of tables: how many elements so far

    def run(self) -> dict[KeyPath, tuple[int, int]]:
        table: KeyPath = ()
        text = self.text
        while True:
            self._skip_space(newlines=True)
            if self.at >= len(text):
                return self.places
            start = self.at
            if text.startswith("[[", start):
                self.at += 2
                keys = self._key("]")
                self.at = text.index("]]", self.at) + 2
                array = (*self._resolved(keys[:-1]), keys[-1])
                rank = self.arrays.get(array, 0)
                self.arrays[array] = rank + 1
                table = (*array, rank)
                self._dotted(array, start)
                self.places[table] = (start, start)
            elif text.startswith("[", start):
                self.at += 1
                keys = self._key("]")
                self.at = text.index("]", self.at) + 1
                table = self._resolved(keys)
                self._dotted(table, start)
            else:
                keys = self._key("=")
                self.at = text.index("=", self.at) + 1
                self._skip_space()
                self._dotted((*table, *keys)[:-1], start, since=len(table))
                self._value((*table, *keys), start)

    def _dotted(self, path: KeyPath, start: int, since: int = 0) -> None:
        """``path`` and the tables its dotted key opens (``[a.b]`` and ``[[a.b]]`` open ``a``; ``a.b = 1`` in ``[t]``
        opens ``t.a``) placed at ``start`` unless written before: an unknown ``[a.b]`` is then named at its line."""
        for end in range(max(since, 1), len(path) + 1):
            self.places.setdefault(path[:end], (start, start))

    def _resolved(self, keys: KeyPath) -> KeyPath:
        """A header's keys with the rank of the last element of each array of tables they go through."""
        out: KeyPath = ()
        for name in keys:
            out = (*out, name)
            if out in self.arrays:
                out = (*out, self.arrays[out] - 1)
        return out

    def _skip_space(self, *, newlines: bool = False) -> None:
        text = self.text
        while self.at < len(text):
            char = text[self.at]
            if char in _BLANK or (newlines and char in "\r\n"):
                self.at += 1
            elif char == "#":
                end = text.find("\n", self.at)
                self.at = len(text) if end < 0 else end
            else:
                return

    def _key(self, stop: str) -> KeyPath:
        """A dotted key, up to ``stop`` (left unread)."""
        keys: list[str] = []
        text = self.text
        while True:
            self._skip_space()
            char = text[self.at]
            if char in "\"'":
                end = self._string_end(self.at)
                keys.append(_decoded_key(text[self.at : end]))
                self.at = end
            else:
                found = _BARE.match(text, self.at)
                if found is None:
                    raise ValueError("no key")
                keys.append(found.group())
                self.at = found.end()
            self._skip_space()
            if text[self.at] != ".":
                if text[self.at] != stop:
                    raise ValueError("no key")
                return tuple(keys)
            self.at += 1

    def _string_end(self, start: int) -> int:
        """The offset just past the string starting at ``start`` (basic, literal, multi-line)."""
        text = self.text
        quote = text[start]
        if text.startswith(quote * 3, start):
            end = start + 3
            while True:
                end = text.index(quote * 3, end)
                if quote == '"' and _escaped(text, end):
                    end += 1
                    continue
                while text.startswith(quote, end + 3):  # up to two quotes may end the string's content
                    end += 1
                return end + 3
        end = start + 1
        while True:
            end = text.index(quote, end)
            if quote == '"' and _escaped(text, end):
                end += 1
                continue
            return end + 1

    def _value(self, path: KeyPath, key_at: int) -> None:
        """Read the value at the current offset, recording its place and those of what it holds."""
        text = self.text
        start = self.at
        self.places[path] = (key_at, start)
        char = text[start]
        if char in "\"'":
            self.at = self._string_end(start)
        elif char == "[":
            self.at += 1
            rank = 0
            while True:
                self._skip_space(newlines=True)
                if text[self.at] == "]":
                    self.at += 1
                    return
                if text[self.at] == ",":
                    self.at += 1
                    continue
                self._value((*path, rank), self.at)
                rank += 1
        elif char == "{":
            self.at += 1
            while True:
                self._skip_space()
                if text[self.at] == "}":
                    self.at += 1
                    return
                if text[self.at] == ",":
                    self.at += 1
                    continue
                at = self.at
                keys = self._key("=")
                self.at = text.index("=", self.at) + 1
                self._skip_space()
                self._value((*path, *keys), at)
        else:  # a number, a date, a boolean: up to what ends it
            while self.at < len(text) and text[self.at] not in ",]}#\r\n":
                self.at += 1


def _escaped(text: str, quote_at: int) -> bool:
    """Whether the quote at ``quote_at`` is escaped (an odd number of backslashes before it)."""
    count = 0
    while quote_at - count - 1 >= 0 and text[quote_at - count - 1] == "\\":
        count += 1
    return count % 2 == 1


def _decoded_key(token: str) -> str:
    """A quoted key as TOML reads it (its escapes decoded)."""
    import tomllib

    return str(next(iter(tomllib.loads(f"{token} = 0"))))
