"""Where a command may write a file: never over what it reads, a session, or a casebook.

Outputs are rewritten from one run to the next (a CI's ``junit.xml``, a diff's HTML), so an existing output
is replaced; but a mistyped option (``diff A B --html A``, ``run --junit casebook.xml``) must not destroy the
record or the casebook it names. Checked before anything runs, by every command that writes a named file.
"""

from __future__ import annotations

import errno
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType

from testbench.fmt import WINDOWS_FILE_IN_USE, os_reason
from testbench.i18n import _t
from testbench.tools.result import Render

#: the first bytes of every SQLite database (a session, or another program's base)
SQLITE_MAGIC = b"SQLite format 3\x00"
#: what testbench's own XML holds near its start: the namespace of casebooks, fixtures, engine messages and
#: FSE, the root of card profiles (a casebook's opening comment may be long)
OWN_XML = (b"urn:testbench:", b"<card-profile")
HEAD_BYTES = 64 << 10


def folder_problem(path: Path) -> Render | None:
    """A folder to write into (created if missing): why it cannot be (a file has that name), or None."""
    if os.path.lexists(path) and not os.path.isdir(path):
        return dangling_link(path) or (
            lambda t, _lang: t(
                "{path} : ce chemin est un fichier, pas un dossier ; indiquez un dossier pour le rapport"
            ).format(path=path)
        )
    return None


#: a folder of the path that is a symbolic link to nothing: a USB drive or a network share not mounted
DANGLING = _t("{link} est un lien vers un dossier absent ({target}) — un disque non monté ?")


def dangling_link(path: Path) -> Render | None:
    """The sentence for ``path`` when it is a symbolic link whose target is missing (an unmounted drive), which
    is no file to call one; else None."""
    if not os.path.islink(path) or os.path.exists(path):
        return None
    try:
        target = os.readlink(path)
    except OSError:  # gone meanwhile: the system says it once written
        return None
    return lambda t, _lang: t(DANGLING).format(link=path, target=target)


def not_a_folder(path: Path, above: Path) -> Render:
    """Why nothing can be written at ``path``: ``above`` (:func:`file_above`), a folder of its path, is a link to
    a missing folder or a file."""
    return dangling_link(above) or (
        lambda t, _lang: t(
            "{path} : {file} est un fichier, pas un dossier ; indiquez un chemin dans un dossier"
        ).format(path=path, file=above)
    )


#: a report folder Windows would not swap because another program holds a file in it (``report.pdf`` in a PDF reader,
#: a trace in an editor): that file named first, so that the person knows which window to close
HELD_INSIDE = _t("{file} : {reason} ; {path} : écriture impossible, rien n'y a été changé")


def left_whole(path: Path, exc: OSError) -> Render:
    """A report folder or JUnit file that could not be written (a full disk…): the build and the JUnit
    writer leave the previous one whole, and the sentence says so — naming the file of the folder another
    program holds open, when that is why (:func:`held_inside`)."""
    held = held_inside(path, exc)
    if held is not None:
        return lambda t, _lang: t(HELD_INSIDE).format(file=held, reason=os_reason(exc, t), path=path)
    return lambda t, _lang: t("{path} : écriture impossible ({reason}) ; rien n'y a été changé").format(
        path=path, reason=os_reason(exc, t)
    )


def held_inside(folder: Path, exc: OSError) -> str | None:
    """The file inside ``folder`` that ``exc``, Windows' sharing violation, says another program holds open (as the
    error names it), or None: another error, or one about ``folder`` itself or a file elsewhere (a temporary file an
    antivirus scans, gone since)."""
    if getattr(exc, "winerror", None) not in WINDOWS_FILE_IN_USE or not exc.filename:
        return None
    name = os.fsdecode(exc.filename)
    base, held = (os.path.normcase(os.path.abspath(p)) for p in (folder, name))
    try:
        inside = held != base and os.path.commonpath([base, held]) == base
    except ValueError:  # Windows: another drive
        return None
    return name if inside else None


#: an output named by something that is no file: outputs are written whole under a temporary name then renamed,
#: which would put a file in the place of ``/dev/stdout`` (as root, of ``/dev/full``) or wait on a pipe nobody reads
NOT_A_FILE = _t(
    "{path} : ce chemin n'est pas un fichier (périphérique, tube nommé…) ; la sortie s'écrit dans un fichier :"
    " indiquez un fichier, puis lisez-le"
)


#: a process's standard stream or file descriptor, as a path: ``/dev/stdout``, ``/dev/fd/1``, ``/proc/self/fd/1``
_STREAM = re.compile(r"^/(?:dev/(?:std(?:in|out|err)$|fd/)|proc/[^/]+/fd/)")


def names_a_stream(path: Path) -> bool:
    """Whether ``path`` names a standard stream or a file descriptor, itself or through symbolic links. Redirected
    to a log file (``> log``, a CI runner's capture), ``/dev/stdout`` resolves to that regular file, which a writer
    renaming a whole file over it would replace: the job's log lost, the command's next lines in no file. The
    links are read one by one, never resolved to their end (that file)."""
    current = os.path.abspath(path)
    for _ in range(40):  # the system's own limit on links followed
        if _STREAM.match(current.replace(os.sep, "/")):
            return True
        if not os.path.islink(current):
            return False
        try:
            target = os.readlink(current)
        except OSError:
            return False
        current = os.path.normpath(os.path.join(os.path.dirname(current), target))
    return False


def output_problem(target: Path | None, inputs: Iterable[Path | None] = ()) -> Render | None:
    """Why ``target`` must not be written (the sentence), or None: a folder, one of the command's ``inputs``,
    a device or a named pipe, a session (any SQLite base) or a casebook."""
    if target is None:
        return None
    if any(source is not None and _same_file(target, source) for source in inputs):
        return lambda t, _lang: t("{path} est un fichier que la commande lit : écrivez dans un autre fichier").format(
            path=target
        )
    if (above := file_above(target)) is not None:  # written there, it would fail once the command has run
        return not_a_folder(target, above)
    if names_a_stream(target):
        return lambda t, _lang: t(NOT_A_FILE).format(path=target)
    if not os.path.lexists(target):
        return None
    if os.path.isdir(target):
        return lambda t, _lang: t("{path} : ce chemin est un dossier, pas un fichier ; indiquez un fichier").format(
            path=target
        )
    if os.path.exists(target) and not os.path.isfile(target):  # before its head is read: a pipe's would wait
        return lambda t, _lang: t(NOT_A_FILE).format(path=target)
    if (kept := _kept_by_testbench(target)) is not None:
        return kept
    head = _head(target)
    if head.startswith(SQLITE_MAGIC):
        return lambda t, _lang: t(
            "{path} est une session ou une base SQLite, jamais remplacée par une sortie : écrivez dans un autre fichier"
        ).format(path=target)
    if any(marker in head for marker in OWN_XML):
        return lambda t, _lang: t(
            "{path} est un fichier de testbench (cahier de tests, profil de carte…), jamais remplacé par une "
            "sortie : écrivez dans un autre fichier"
        ).format(path=target)
    return None


#: an exam book's own files, which its manifest seals: replaced by another command's output, the book no longer verifies
BOOK_FILES = frozenset({"index.html", "report.json", "journal-chain.json"})  # and the manifest itself
#: what a session keeps beside it while it is used: its writer's lock, the workstation's presence, typed drafts
SESSION_SIDE_FILES = (".lock", ".ui.lock", ".draft.json")


def _kept_by_testbench(target: Path) -> Render | None:
    """Why an existing ``target`` is a file testbench keeps (an exam book's sealed file, a session's lock or drafts),
    never replaced by an output; None otherwise. ``diff --html reports/s/index.html`` replaced the book's page."""
    from testbench.integrity.manifest import MANIFEST  # here: signing's imports stay off every command's start

    if target.name in BOOK_FILES | {MANIFEST} and (target.parent / MANIFEST).is_file():
        return lambda t, _lang: t(
            "{path} est un fichier du cahier d'examen de {folder} (scellé par son manifeste), jamais remplacé par une"
            " sortie : écrivez dans un autre fichier"
        ).format(path=target, folder=target.parent)
    for suffix in SESSION_SIDE_FILES:
        if target.name.endswith(suffix) and target.with_name(target.name.removesuffix(suffix)).is_file():
            session = target.with_name(target.name.removesuffix(suffix))
            return lambda t, _lang: t(
                "{path} est un fichier que testbench garde à côté de la session {session} (verrou, brouillons), jamais"
                " remplacé par une sortie : écrivez dans un autre fichier"
            ).format(path=target, session=session)
    return None


def shared_output_problem(outputs: dict[str, Path | None]) -> Render | None:
    """Why two of a command's outputs (what each is, as "HTML" -> its path) cannot both be written, or None:
    they name one file, so the second would replace the first unsaid."""
    given = [(option, path) for option, path in outputs.items() if path is not None]
    for i, (first, a) in enumerate(given):
        for second, b in given[i + 1 :]:
            if _same_file(a, b):
                return lambda t, _lang, first=first, second=second, path=b: t(
                    "les sorties {first} et {second} désignent le même fichier ({path}) : indiquez deux fichiers"
                ).format(first=first, second=second, path=path)
    return None


def written_through(path: Path | None) -> Path | None:
    """Where a file given as ``path`` is written: a symbolic link's target, which keeps the link (the writers
    rename a whole file over the name they are given, which would replace the link), else ``path`` itself."""
    return Path(os.path.realpath(path)) if path is not None and os.path.islink(path) else path


def _same_file(a: Path, b: Path, paths: ModuleType = os.path) -> bool:
    """One file under two names, or one name for both (a session the command is about to create); names
    compared as the system does (``paths``: :mod:`os.path`; Windows: whatever their case)."""
    if paths.normcase(paths.abspath(a)) == paths.normcase(paths.abspath(b)):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:  # either is not there: the command says so, in its words
        return False


def _head(path: Path) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read(HEAD_BYTES)
    except OSError:  # unreadable: writing it will fail and say why
        return b""


def file_above(path: Path) -> Path | None:
    """The nearest existing parent of ``path`` when it is no folder (a file named as a folder of the path, a link
    to a missing folder), else None: nothing can be created under it, which the system would say only once the
    command had run."""
    place = Path(os.path.abspath(path)).parent
    while not os.path.lexists(place):
        if place.parent == place:
            return None
        place = place.parent
    return None if os.path.isdir(place) else place


#: a folder that is there yet answers « not found » to a new file (Linux's /proc): « introuvable » would send the
#: person looking for a folder they can see
NO_NEW_FILES = _t(
    "{path} : écriture impossible ici (le dossier {folder} existe, mais le système y refuse tout nouveau fichier :"
    " un système de fichiers virtuel ?) ; choisissez un dossier où vous pouvez écrire"
)


def _nearest_existing(folder: Path) -> Path | None:
    """``folder``, or its nearest parent that exists (where a missing one would be created); None: no such."""
    place = Path(os.path.abspath(folder))
    while not os.path.lexists(place):
        if place.parent == place:
            return None
        place = place.parent
    return place


def cannot_write_in(folder: Path) -> OSError | None:
    """Why no file can be made in ``folder`` — or, when it is missing, in its nearest existing parent, under
    which it would be created —: a read-only file system, a folder without write permission, a parent that is a
    file (ENOTDIR); None when one can. The system answers for itself (access lists, mounts, root): a temporary
    file is made there and removed at once."""
    place = _nearest_existing(folder)
    if place is None:
        return None
    if not os.path.isdir(place):
        return NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(place))
    try:
        with tempfile.TemporaryFile(prefix=".testbench-", dir=place):
            pass
    except OSError as exc:
        return exc
    return None


def write_problem(path: Path, *, inside: bool = False) -> Render | None:
    """Why ``path`` cannot be written where it is (:func:`cannot_write_in` its folder; ``inside``: a folder that
    is written into, such as a report's, checked too when it exists), before anything runs; None when it can. A
    folder that exists yet answers « not found » to a new file (:data:`NO_NEW_FILES`) is said so. Shared by
    ``run --junit/--report``, ``merge -o``, ``report``, ``cards record -o`` and the pytest plugin's outputs."""
    if (above := file_above(path)) is not None:  # a file, or a link to an unmounted drive, as a folder of the path
        return not_a_folder(path, above)
    places = [path.parent, *([path] if inside and os.path.isdir(path) else [])]
    for place in places:
        exc = cannot_write_in(place)
        if isinstance(exc, FileNotFoundError) and (folder := _nearest_existing(place)) is not None:
            return lambda t, _lang, folder=folder: t(NO_NEW_FILES).format(path=path, folder=folder)
        if exc is not None:
            return cannot_write(path, exc)
    return None


def cannot_write(path: Path, exc: OSError) -> Render:
    """« PATH : écriture impossible ici (the system's reason) ; choisissez un dossier… », in the language shown."""
    return lambda t, _lang: t(
        "{path} : écriture impossible ici ({reason}) ; choisissez un dossier où vous pouvez écrire"
    ).format(path=path, reason=os_reason(exc, t))
