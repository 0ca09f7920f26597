"""Problems found in a casebook, and the exception that carries all of them at once."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from testbench.casebook.model import SourceRef
from testbench.i18n import default_language, translator


@dataclass(frozen=True)
class Problem:
    """One problem, located so an editor can jump to it (``file:line:col: message``).

    ``message`` is French; ``english`` is given where the message was composed from parts (a
    schema error, an OS error), otherwise the translator's word for ``message`` is used.
    """

    source: SourceRef
    message: str
    english: str | None = None

    @classmethod
    def of(cls, source: SourceRef, template: str, **fields: object) -> Problem:
        """A problem worded from a French template (its English in testbench.i18n) and its fields.

        A field may itself be worded in each language: a callable given the translator (``regex_reason``).
        """
        message, english = in_both(
            lambda t: t(template).format(**{k: v(t) if callable(v) else v for k, v in fields.items()})
        )
        return cls(source, message, english)

    def __str__(self) -> str:
        return f"{self.source}: {self.message}"

    def text(self, lang: str | None = None) -> str:
        """``file:line:col: message`` in ``lang`` (the default language when None)."""
        if self.english is not None and (lang or default_language()) == "en":
            return f"{self.source}: {self.english}"
        return f"{self.source}: {translator(lang)(self.message)}"


class CasebookError(Exception):
    """A casebook (or several) could not be loaded; ``problems`` lists every problem found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def in_both(render: Callable[[Callable[[str], str]], str]) -> tuple[str, str]:
    """A message composed by ``render(t)``, in French and in English (for :class:`Problem`)."""
    return render(translator("fr")), render(translator("en"))


#: invisible characters a person cannot tell from a space or from nothing, by name (others by their code)
_INVISIBLE_NAMES = {
    "\u00a0": "espace insécable",
    "\u202f": "espace fine insécable",
    "\u2007": "espace tabulaire",
    "\u200b": "espace sans chasse",
    "\u200c": "antiliant sans chasse",
    "\u200d": "liant sans chasse",
    "\u2060": "gluon de mots",
    "\ufeff": "indicateur d'ordre des octets",
}
_AFTER = "caractère invisible après « {before} » : {name} (U+{code}), à retirer ou remplacer"
_AT_START = "caractère invisible en début de valeur : {name} (U+{code}), à retirer ou remplacer"
_UNNAMED = "caractère de format ou espace spéciale"
#: Unicode categories of the characters that show as a space or as nothing
_HIDDEN = frozenset({"Zs", "Zl", "Zp", "Cf", "Cc"})


def _invisible(text: str) -> int:
    """Where the first invisible character of ``text`` is (not a plain space, tab or line end), or -1."""
    for at, char in enumerate(text):
        if char in _INVISIBLE_NAMES or (char not in " \t\n\r" and unicodedata.category(char) in _HIDDEN):
            return at
    return -1


def naming_invisible(problem: Problem) -> Problem:
    """``problem`` with the invisible character its message quotes named and placed: « AMI​ » ne respecte pas
    le motif… looked like a contradiction (a zero-width space follows AMI)."""
    at = _invisible(problem.message)
    if at < 0:
        return problem
    char = problem.message[at]
    start = problem.message.rfind("« ", 0, at)
    before = problem.message[start + 2 : at] if start >= 0 else problem.message[max(0, at - 20) : at].lstrip()

    def note(t: Callable[[str], str]) -> str:
        name, code = t(_INVISIBLE_NAMES.get(char, _UNNAMED)), f"{ord(char):04X}"
        if before:
            return t(_AFTER).format(before=before, name=name, code=code)
        return t(_AT_START).format(name=name, code=code)

    french, english = in_both(note)
    said = problem.english if problem.english is not None else translator("en")(problem.message)
    return Problem(problem.source, f"{problem.message} — {french}", f"{said} — {english}")
