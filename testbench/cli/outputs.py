"""Where a command writes: refuse a path that would surprise a person before anything is written.

A report folder named like an existing file, or a session whose folder is missing (a USB stick that
is not mounted), must be said, not turned into a traceback or a file silently left on the local disk.
``os.path`` is used on purpose: it answers False, never raises, on a name too long or unreadable.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from testbench.fmt import os_reason
from testbench.i18n import translator
from testbench.tools.outputs import folder_problem, left_whole, output_problem


def output_dir_problem(path: Path, lang: str | None = None) -> str | None:
    """A folder to write into (created if missing): the sentence saying why it cannot be, or None."""
    problem = folder_problem(path)
    return None if problem is None else problem(translator(lang), lang)


def output_file_problem(path: Path, lang: str | None = None, inputs: Iterable[Path] = ()) -> str | None:
    """A file to write (JUnit XML): never a folder, one of the command's ``inputs``, a session or a casebook
    (:func:`testbench.tools.outputs.output_problem`), nor a device or a named pipe; nor « - »: standard output
    is not one, and a file named so is a mistake."""
    if (dash := stdout_problem(path, "junit.xml", lang)) is not None:
        return dash
    problem = output_problem(path, inputs)
    return None if problem is None else problem(translator(lang), lang)


def stdout_problem(path: Path, example: str, lang: str | None = None) -> str | None:
    """« - » given as a file to write: standard output is not one (other messages go there), and a file named « - »
    is a mistake; None for any other path."""
    if str(path) != "-":
        return None
    return translator(lang)(
        "- : la sortie standard n'est pas acceptée (d'autres messages y sont écrits) ; indiquez un fichier,"
        " par exemple {example}"
    ).format(example=example)


def session_dir_problem(session: Path, create: bool, lang: str | None = None) -> str | None:
    """The session's folder must exist, unless the person asked for it (``create``): None when it is there."""
    t: Callable[[str], str] = translator(lang)
    folder = session.parent
    if os.path.isdir(folder):
        return None
    if os.path.lexists(folder):
        return t("{folder} : ce chemin n'est pas un dossier ; la session n'a pas été créée").format(folder=folder)
    if not create:
        return t(
            "{folder} : dossier introuvable (support non monté ?) ; la session n'a pas été créée. "
            "Vérifiez le chemin, ou ajoutez --create-dirs pour créer ce dossier"
        ).format(folder=folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return t("{folder} : impossible de créer ce dossier ({reason})").format(
            folder=folder, reason=os_reason(exc, t)
        )
    return None


def unwritten(path: Path, exc: OSError, lang: str | None = None) -> str:
    """A report folder or JUnit file that could not be written: the sentence (the previous one is left whole)."""
    return left_whole(path, exc)(translator(lang), lang)
