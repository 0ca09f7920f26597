"""A failure the workstation did not expect, said to a person: one sentence, never a Python exception's class
name nor its repr (« KeyError: 'x' »), as the CLI's net under its commands says it (``testbench.cli.crash``).

A session file damaged on disk is said as such, a system error in the system's words; anything else is a
defect of the bench: the person reads « défaut du banc : … » and where its details were written (the
traceback, PINs masked, in a new file of the temporary folder), for the bug report. No Textual here: the
windows show the sentence, the run and the report write it to the log.
"""

from __future__ import annotations

from pathlib import Path

#: a defect, with where its details were written
BENCH_FAULT = "défaut du banc : erreur interne de testbench ; le détail, pour la signaler, est dans {path}"
#: a defect whose details could not be written (the temporary folder refused them)
BENCH_FAULT_UNWRITTEN = (
    "défaut du banc : erreur interne de testbench ; son détail n'a pas pu être écrit dans le dossier temporaire"
)
#: a system error (a folder, a disk), in the system's words
BENCH_FAULT_SYSTEM = "défaut du banc : {detail}"
#: what the system refused, and why (``fmt.os_reason``)
OS_REFUSED_PATH = "{path} : accès impossible ({reason})"
OS_REFUSED = "accès impossible ({reason})"


def fault_text(exc: BaseException, doing: str) -> str:
    """Why ``doing`` (French, « exécution des cas ») failed, in French (the workstation's translator reads it
    in English): the store's or the system's reason when it is one, else a defect whose details are written
    first, once."""
    known = known_reason(exc)
    return BENCH_FAULT_SYSTEM.format(detail=known) if known is not None else defect_text(exc, doing)


def known_reason(exc: BaseException) -> str | None:
    """A reason a person can act on, in French, as ``testbench verify`` and the CLI's net say it: a session file
    damaged on disk (the store's words), a file or folder the system refused (its path and the system's
    words); None for anything else (a defect)."""
    from testbench.fmt import os_reason
    from testbench.store.connection import damage_reason

    if (damage := damage_reason(exc)) is not None:
        return f"fichier de session endommagé ou illisible ({damage})"
    if isinstance(exc, OSError):
        if exc.filename:
            return OS_REFUSED_PATH.format(path=exc.filename, reason=os_reason(exc))
        return OS_REFUSED.format(reason=os_reason(exc))
    return None


def defect_text(exc: BaseException, doing: str) -> str:
    """« défaut du banc : … » and where the details of ``exc`` were written (written now)."""
    details = write_details(exc, doing)
    return BENCH_FAULT_UNWRITTEN if details is None else BENCH_FAULT.format(path=details)


def write_details(exc: BaseException, doing: str) -> Path | None:
    """The traceback in a new file of the temporary folder, as the CLI's (:mod:`testbench.tools.crash`); None
    when it cannot be written."""
    from testbench.tools.crash import write_details as write

    return write(exc, f"poste de travail (testbench ui) : {doing}")
