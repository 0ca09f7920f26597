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
Extraction: ``pybabel extract -F babel.cfg -k t -k _t -k english -o testbench.pot testbench``.
"""

from __future__ import annotations

import functools
import gettext
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

FOLDER = Path(__file__).parent
DOMAINS = ("testbench", "argparse")
CONTEXT = "\x04"  # how gettext joins a context and a msgid in a compiled catalogue


class Catalogue(gettext.GNUTranslations):
    """A compiled catalogue that also lists its entries (the read-back of composed sentences needs them)."""

    def entries(self) -> Mapping[str, str]:
        """msgid → msgstr of the singular entries; a context entry's key is ``context + CONTEXT + msgid``."""
        return {k: v for k, v in self._catalog.items() if isinstance(k, str) and k}


@functools.cache
def catalogue(domain: str, lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``domain`` in ``lang``; an empty one (the msgid itself) if there is none."""
    return gettext.translation(domain, FOLDER, languages=[lang], fallback=True, class_=Catalogue)


@functools.cache
def entries(domain: str, lang: str) -> Mapping[str, str]:
    """The singular entries of a catalogue (empty when the language has none: French is the source)."""
    found = catalogue(domain, lang)
    return MappingProxyType(dict(found.entries()) if isinstance(found, Catalogue) else {})
