"""Problems found in a casebook, and the exception that carries all of them at once."""

from __future__ import annotations

import errno
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
        """A problem worded from a French template (its English in testbench.i18n) and its fields."""
        message, english = in_both(lambda t: t(template).format(**fields))
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


#: What the OS said, in French (its own words, ``strerror``, are in the system's language).
_OS_REASONS = {
    errno.ENAMETOOLONG: "nom trop long pour le système de fichiers",
    errno.ENOENT: "introuvable",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.EACCES: "accès refusé (droits insuffisants)",
    errno.EPERM: "accès refusé (droits insuffisants)",
    errno.ELOOP: "trop de liens symboliques",
    errno.EIO: "erreur d'entrée-sortie du disque",
    errno.EINVAL: "chemin invalide",
}


def os_reason(exc: OSError | ValueError, t: Callable[[str], str] | None = None) -> str:
    """Why a path could not be checked or read, worded by ``t`` (French by default)."""
    t = t or translator("fr")
    code = exc.errno if isinstance(exc, OSError) else None
    if code in _OS_REASONS:
        return t(_OS_REASONS[code])
    if code:
        return t("erreur système {code}").format(code=errno.errorcode.get(code, code))
    return t("chemin invalide")


def in_both(render: Callable[[Callable[[str], str]], str]) -> tuple[str, str]:
    """A message composed by ``render(t)``, in French and in English (for :class:`Problem`)."""
    return render(translator("fr")), render(translator("en"))
