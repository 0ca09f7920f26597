"""The command line's words, one language at a time: argparse's own messages in French, and the English
of every help text (French is the source text, as everywhere in testbench).

Both come from the message catalogue (``testbench/locale``): the help texts are entries of the ``cli``
context of the ``testbench`` domain (metavars: ``metavar``), argparse's words the ``argparse`` domain
(msgid in argparse's English). argparse looks its words up through the module-level ``_`` and ``ngettext`` it
imported from :mod:`gettext`, when it builds a parser, formats help and reports an error.
:func:`argparse_words` points those two names at the catalogue for the duration of one command (and
restores them), instead of installing a process-wide catalogue: nothing else in the process is affected.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import re
from collections.abc import Callable, Iterator, Mapping

from testbench.i18n import default_language, translator
from testbench.locale import CONTEXT, catalogue, entries

#: argparse's messages (msgid → French); every one argparse can show is listed (tests check it). A plural
#: pair is two entries, chosen by each language's rule (English: 1 is singular; French: 0 and 1 are).
ARGPARSE_FR: Mapping[str, str] = entries("argparse", "fr")

#: argparse's English words that would show a raw Python name (``invalid int value``)
ARGPARSE_EN: Mapping[str, str] = entries("argparse", "en")


@functools.cache
def help_english() -> Mapping[str, str]:
    """The English of every help text, description and group title of the sub-commands (French → English).

    Read when asked (the tests), not at import: a command in French never reads the English catalogue.
    """
    prefix = "cli" + CONTEXT
    return {k.partition(CONTEXT)[2]: v for k, v in entries("testbench", "en").items() if k.startswith(prefix)}


def cli_translator(lang: str | None = None) -> Callable[[str], str]:
    """``t(text)`` for the command line: help texts first, then the core words (verdicts, report)."""
    return translator(lang, "cli")


class HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, with every help text, description and section title in the active language."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._t = cli_translator()
        self._metavar = translator(None, "metavar")
        self._before_colon = " " if default_language() == "fr" else ""  # « options : », "options:"

    def _get_help_string(self, action: argparse.Action) -> str | None:
        return self._t(action.help) if action.help else action.help

    def add_text(self, text: str | None) -> None:
        super().add_text(self._t(text) if text and text is not argparse.SUPPRESS else text)

    def start_section(self, heading: str | None) -> None:
        super().start_section(self._t(heading) + self._before_colon if heading else heading)

    def _split_lines(self, text: str, width: int) -> list[str]:
        return [_spaced(line) for line in super()._split_lines(_held(text), width)]

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return _spaced(super()._fill_text(_held(text), width, indent))

    def _metavar_formatter(self, action: argparse.Action, default_metavar: str) -> Callable[[int], tuple[str, ...]]:
        """Metavars in the active language too (« --sut NOM », "--sut NAME")."""
        format_ = super()._metavar_formatter(action, default_metavar)
        return lambda size: tuple(self._metavar(word) if word else word for word in format_(size))


#: the spaces French typography keeps with their punctuation (« options : », « « non lue » »): a help text wraps
#: elsewhere, never leaving a « : » or « ; » at a line's start (argparse and textwrap break at ASCII spaces only)
_FRENCH_SPACE = re.compile(r" (?=[:;?!»])|(?<=«) ")


def _held(text: str) -> str:
    """``text`` with the spaces of its French punctuation made unbreakable for the wrapping."""
    return _FRENCH_SPACE.sub("\u00a0", text)


def _spaced(text: str) -> str:
    """The wrapped ``text`` as printed: every space an ordinary one again."""
    return text.replace("\u00a0", " ")


def argparse_word(msgid: str, lang: str | None = None) -> str:
    """One of argparse's messages in ``lang`` (the active language by default), a value it shows as Python's repr
    (``%r``: ``--resume=yes`` was « argument explicite ignoré : 'yes' ») between the language's quotes instead."""
    lang = lang or default_language()
    return _quoted(catalogue("argparse", lang).gettext(msgid), lang)


#: argparse's placeholders for a value shown as Python's repr: ``%r`` and ``%(name)r``
_REPR = re.compile(r"%(\(\w+\))?r")


def _quoted(word: str, lang: str) -> str:
    """``word`` with each ``%r`` as ``« %s »`` in French, ``“%s”`` in English (the quotes of the bench's texts)."""
    opening, closing = ("“", "”") if lang == "en" else ("« ", " »")
    return _REPR.sub(lambda found: f"{opening}%{found[1] or ''}s{closing}", word)


@contextlib.contextmanager
def argparse_words(lang: str | None = None) -> Iterator[None]:
    """argparse speaks ``lang`` (the active language by default) until the block ends.

    English is argparse's own, whatever gettext catalogue the system may hold for it.
    """
    lang = lang or default_language()
    module = vars(argparse)
    saved = module["_"], module["ngettext"], module["_get_action_name"]
    module["_"] = lambda msgid: argparse_word(msgid, lang)
    module["ngettext"] = lambda one, many, n: argparse_word(one if (n <= 1 if lang == "fr" else n == 1) else many, lang)
    module["_get_action_name"] = _action_name(saved[2], translator(lang, "metavar"))
    try:
        yield
    finally:
        module["_"], module["ngettext"], module["_get_action_name"] = saved


def _action_name(
    name: Callable[[argparse.Action | None], str | None], metavar: Callable[[str], str]
) -> Callable[[argparse.Action | None], str | None]:
    """argparse's name of an argument in its errors (« arguments obligatoires manquants : CAHIER »), a
    positional's metavar in the language of the help, as :class:`HelpFormatter` shows it."""

    def named(argument: argparse.Action | None) -> str | None:
        found = name(argument)
        if argument is not None and not argument.option_strings and found and found == argument.metavar:
            return metavar(found)
        return found

    return named
