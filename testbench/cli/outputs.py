"""Where a command writes: refuse a path that would surprise a person before anything is written.

A report folder named like an existing file, or a session whose folder is missing (a USB stick that
is not mounted), must be said, not turned into a traceback or a file silently left on the local disk.
``os.path`` is used on purpose: it answers False, never raises, on a name too long or unreadable.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import NoReturn

from testbench.fmt import os_reason
from testbench.i18n import _t, translator
from testbench.tools.outputs import folder_problem, left_whole, output_problem, write_problem


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


def write_refusal(path: Path, *, inside: bool = False, lang: str | None = None) -> str | None:
    """Why ``path`` cannot be written where it is (:func:`~testbench.tools.outputs.write_problem`: permission,
    read-only file system, a folder refusing new files, a file as a folder…), in ``lang``; None when it can."""
    problem = write_problem(path, inside=inside)
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


#: the testcase of a refused run's JUnit (exit 3), and its error's type: a CI that publishes the file reads why
RUN_REFUSED_CASE = _t("exécution refusée")
RUN_REFUSED = "refused"
#: a refused run found an earlier run's JUnit at its ``--junit``: replaced, so that CI never publishes it as this one
REFUSED_JUNIT_WRITTEN = _t("{path} : remplacé par un JUnit qui dit l'exécution refusée et pourquoi")
#: …or could not replace it (a read-only mount, the report folder's own file): said, so that no one publishes it
STALE_JUNIT = _t(
    "{path} : le JUnit d'une exécution précédente y reste ({reason}) ; il ne dit pas cette exécution, refusée :"
    " ne le publiez pas"
)
#: why a refused run leaves a JUnit inside its report folder as it is: the book's manifest covers it
IN_REPORT_FOLDER = _t("il fait partie du rapport {folder}")


def refused_junit(
    junit: Path | None, reasons: list[str], lang: str | None, inputs: Iterable[Path], report: Path | None = None
) -> str | None:
    """A refused ``run``'s ``--junit`` (exit 3, before any case ran): an earlier run's file found there would be
    published by CI as this run's result — a green one, perhaps. It is replaced by a JUnit whose one error
    testcase, « exécution refusée », gives ``reasons`` (said in ``lang``); the sentence that says so, or why it
    could not be, is returned (None: nothing was there, or the path is no JUnit of a run: a casebook, a folder,
    a pipe — the refusal's own subject, never touched). No file is created where none was, nor any folder.

    The file is written whole beside itself then renamed, or left whole and said (a read-only mount, a full disk).
    A file in ``report``'s folder is left as it is (its manifest covers it), said."""
    from testbench.report.junit import bench_failure_tree, junit_bytes
    from testbench.tools.outputs import written_through
    from testbench.tools.report import junit_in_report_problem
    from testbench.wholefile import write_whole

    if junit is None or not os.path.isfile(junit) or output_file_problem(junit, lang, inputs) is not None:
        return None
    t = translator(lang)
    if report is not None and junit_in_report_problem(junit, report, "--junit") is not None:
        reason = t(IN_REPORT_FOLDER).format(folder=report)
        return t(STALE_JUNIT).format(path=junit, reason=reason)
    target = written_through(junit) or junit  # a link to the file: the file is replaced, the link kept
    tree = bench_failure_tree(reasons, None, lang, case=RUN_REFUSED_CASE, kind=RUN_REFUSED)
    data = junit_bytes(tree)
    try:
        write_whole(target, data)
    except OSError as exc:  # a read-only mount, a folder of another user, a full disk: left whole, said
        return t(STALE_JUNIT).format(path=junit, reason=os_reason(exc, t))
    return t(REFUSED_JUNIT_WRITTEN).format(path=junit)


#: the commands that take ``--junit``, each with the options that name its report folder (whose own junit.xml
#: its manifest covers: left as it is, said)
JUNIT_COMMANDS: dict[str, tuple[str, ...]] = {"run": ("--report",), "report": ("-o", "--output")}


def named_junit(argv: Sequence[str]) -> tuple[str, Path, Path | None, list[Path]] | None:
    """What a command line that may not parse names, read by argparse with only the options that matter here: its
    command (one of :data:`JUNIT_COMMANDS`), its ``--junit`` given once (before ``--``), its report folder if given
    once, and every other word (and the value in each ``-xVALUE`` or ``--x=VALUE``) as a path the command may read,
    which the JUnit must not replace. None when it names no command that takes ``--junit``, no such value, or
    ``--junit`` or the report folder more than once: which would it be?"""
    words = list(argv)
    end = words.index("--") if "--" in words else len(words)
    from testbench.cli.main import command_at  # the parser's own reading of where the command is

    start = command_at(words[:end])
    if start is None or words[start] not in JUNIT_COMMANDS:
        return None
    command = words[start]
    parser = _LenientParser(add_help=False, allow_abbrev=False, exit_on_error=False)
    parser.add_argument("--junit", action="append", default=[])
    parser.add_argument(*JUNIT_COMMANDS[command], dest="report", action="append", default=[])
    try:
        found, _ = parser.parse_known_args(words[start + 1 : end])
    except argparse.ArgumentError:
        return None
    if len(found.junit) != 1 or len(found.report) > 1:
        return None
    junit, report = found.junit[0], (found.report or [""])[0]
    if not _a_path(junit) or (report and not _a_path(report)):
        return None
    inputs = list(words)  # every word but the --junit value once: a casebook named as the JUnit stays an input
    inputs.remove(f"--junit={junit}" if f"--junit={junit}" in inputs else junit)
    paths = [Path(word) for word in inputs if word]
    paths += [Path(word.partition("=")[2]) for word in inputs if "=" in word]
    paths += [Path(word[2:]) for word in inputs if len(word) > 2 and word[0] == "-" and word[1] != "-"]
    return command, Path(junit), Path(report) if report else None, paths


class _LenientParser(argparse.ArgumentParser):
    """A parser that raises its refusals (Python 3.11's ``exit_on_error=False`` still exits on some)."""

    def error(self, message: str) -> NoReturn:
        raise argparse.ArgumentError(None, message)


def _a_path(value: str) -> bool:
    """Whether an option's value, as typed, is one argparse takes for a path: not empty, not an option; and text,
    which a refusal can name (a name in another encoding reaches Python with lone surrogates: PEP 383)."""
    if not value.strip() or value.startswith("-"):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
