"""The message catalogues: gettext ``.po`` sources and the compiled ``.mo`` files read at run time.

Two domains, each in ``<lang>/LC_MESSAGES/``:

- ``testbench``: every word the bench shows. The msgid is the French source text (sessions store it,
  and French is the default language), the ``en`` catalogue holds its English. Entries without a
  context are shared (and those with ``{name}`` parts read composed sentences back); a context keeps
  what reads differently by place or must not serve as a generic template: ``tui`` (the workstation:
  « Synthèse » is its "Overview" tab, the report's "Summary"), ``cli`` (help texts), ``metavar``,
  ``card`` (the pieces of card descriptions and guard sentences, ``testbench.cards.messages``).
- ``argparse``: argparse's own messages, msgid in argparse's English, in French (``fr``) and the
  few English ones that would show a Python type name (``en``).

The ``.mo`` files are committed beside their ``.po`` (no build step, and the run time needs only the
standard library's :mod:`gettext`). After editing a ``.po``, recompile with Babel (a dev dependency)::

    pybabel compile -d testbench/locale -D testbench
    pybabel compile -d testbench/locale -D argparse

``tests/test_catalogue.py`` fails when a committed ``.mo`` does not hold what its ``.po`` says.
Extraction: ``pybabel extract -F babel.cfg -k t -k _t -k english -k tn:1,2 -o testbench.pot testbench``.
A message that shows a count is a plural entry (``msgid_plural``, ``msgstr[0]``/``[1]``; see
:func:`testbench.i18n.tn`).
"""

from __future__ import annotations

import functools
import gettext
import io
import struct
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

FOLDER = Path(__file__).parent
DOMAINS = ("testbench", "argparse")
CONTEXT = "\x04"  # how gettext joins a context and a msgid in a compiled catalogue


class Catalogue(gettext.GNUTranslations):
    """A compiled catalogue that also lists its entries (the read-back of composed sentences needs them)."""

    plural_ids: Mapping[str, str] = MappingProxyType({})

    def _parse(self, fp: io.BufferedIOBase) -> None:  # type: ignore[override]
        """gettext's parse, keeping what it drops: each plural entry's ``msgid_plural`` (the French plural)."""
        data = fp.read()
        super()._parse(io.BytesIO(data))  # type: ignore[misc]
        self.plural_ids = MappingProxyType(_plural_ids(data))

    def entries(self) -> Mapping[str, str]:
        """msgid → msgstr of the singular entries; a context entry's key is ``context + CONTEXT + msgid``."""
        return {k: v for k, v in self._catalog.items() if isinstance(k, str) and k}

    def plurals(self) -> Mapping[str, tuple[str, tuple[str, ...]]]:
        """French singular → (French plural, the English forms) of the plural entries (``msgid_plural``)."""
        forms: dict[str, dict[int, str]] = {}
        for key, text in self._catalog.items():
            if isinstance(key, tuple):
                forms.setdefault(key[0], {})[key[1]] = text
        return {
            k: (self.plural_ids[k], tuple(v[i] for i in sorted(v))) for k, v in forms.items() if k in self.plural_ids
        }


def _plural_ids(data: bytes) -> dict[str, str]:
    """msgid → msgid_plural of a compiled catalogue's plural entries (the .mo format's table of originals)."""
    order = "<" if data[:4] == b"\xde\x12\x04\x95" else ">"
    count, originals = struct.unpack(order + "4x4xII", data[:16])
    found = {}
    for i in range(count):
        length, offset = struct.unpack(order + "II", data[originals + 8 * i : originals + 8 * i + 8])
        singular, _, plural = data[offset : offset + length].partition(b"\x00")
        if plural:
            found[singular.decode()] = plural.decode()
    return found


@functools.cache
def catalogue(domain: str, lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``domain`` in ``lang``; an empty one (the msgid itself) if there is none."""
    return gettext.translation(domain, FOLDER, languages=[lang], fallback=True, class_=Catalogue)


@functools.cache
def plurals(domain: str, lang: str) -> Mapping[str, tuple[str, tuple[str, ...]]]:
    """The plural entries of a catalogue: French singular → (French plural, the language's forms)."""
    found = catalogue(domain, lang)
    return MappingProxyType(dict(found.plurals()) if isinstance(found, Catalogue) else {})


@functools.cache
def entries(domain: str, lang: str) -> Mapping[str, str]:
    """The singular entries of a catalogue (empty when the language has none: French is the source)."""
    found = catalogue(domain, lang)
    return MappingProxyType(dict(found.entries()) if isinstance(found, Catalogue) else {})
