"""What a person sees when a command fails in a way it does not say itself: one sentence, never a traceback.

Every command says what it expects to go wrong (a file missing, a casebook invalid) in its own words; this is
the net under them. A session file damaged on disk (a bad sector, a copy cut short) is said as such, whatever
the command that met it, and exits 3 as every unreadable session does (README § Exit codes: invalid input);
anything else is testbench's own fault, exit 2: the person reads which kind and where the details were
written, for the bug report (the file holds the traceback and the command line, PINs masked).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from testbench.domain.teleservices import RegistryError
from testbench.i18n import colon, semicolon
from testbench.runner.exits import EXIT_ENVIRONMENT, EXIT_USAGE


def failure_code(exc: Exception) -> int:
    """The exit code for ``exc``: 3 for a session file damaged or unreadable (the input, as ``report``, ``diff``,
    ``coverage``, ``merge``, ``export`` and ``verify`` say of a session they cannot open), else 2 (the bench)."""
    from testbench.store.connection import damage_reason

    return EXIT_USAGE if damage_reason(exc) is not None else EXIT_ENVIRONMENT


def failure_text(exc: Exception, argv: Sequence[str], t: Callable[[str], str]) -> str:
    """The sentence for ``exc`` in the language of ``t``; a fault's details written to a file first."""
    from testbench.store.connection import damage_reason, damaged_sessions

    if (damage := damage_reason(exc)) is not None:
        # SQLite's error names no file: which of the command's sessions it is (diff and merge read two)
        said = damaged_sessions(argv) or [("", damage)]
        sentence = t("fichier de session endommagé ou illisible ({reason})")
        return semicolon().join((f"{path}{colon()}" if path else "") + sentence.format(reason=t(r)) for path, r in said)
    if isinstance(exc, RegistryError):  # the installed package's own file, edited or damaged: its place and why
        return t("testbench mal installé : {problem}").format(problem=t(str(exc)))
    details = write_details(exc, argv, t)
    if details is None:  # the defect's kind is in the details, never on a person's screen (a Python class name)
        return t("erreur interne de testbench ; son détail n'a pas pu être écrit dans le dossier temporaire")
    return t("erreur interne de testbench ; le détail, pour la signaler, est dans {path}").format(path=details)


def write_details(exc: BaseException, argv: Sequence[str], t: Callable[[str], str]) -> Path | None:
    """The traceback and the command line (:func:`testbench.tools.crash.write_details`), in the language of
    ``t``; None if unwritten."""
    from testbench.tools.crash import write_details as write

    return write(exc, t("commande : {command}").format(command=f"testbench {' '.join(argv)}"), t)
