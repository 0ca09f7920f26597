"""The program an external engine's command names, found on Windows as the command prompt finds it.

Windows starts a program by its name plus ``.exe`` only (CreateProcess): an engine given as ``moteur`` where the
vendor ships ``moteur.cmd`` (a batch file that sets up its runtime, then starts it) was « introuvable », though
the prompt runs it. So on Windows a first word without an extension of ``PATHEXT`` is looked up as the prompt
does — the current folder, then each ``PATH`` folder (or only the folder the word names), each extension of
``PATHEXT`` in turn — and a batch file found first takes its place. A program (``.exe``) found first is left to
CreateProcess's own search (the application's folder, the system's, then ``PATH``), which finds it as before.
Not :func:`shutil.which`: on Python 3.11 it ignores ``PATHEXT`` for a word that names its folder
(``.\\outils\\moteur``), and it only says what it found first, where an ``.exe`` must be left to Windows.

A batch file runs under cmd.exe, which reads the command line again by its own rules, while Python quotes it for
the C runtime's: ``%NAME%`` is expanded, ``&`` ``|`` ``<`` ``>`` start another command, ``^`` escapes, a ``"``
inside an argument ends its quoting (the « BatBadBut » class of flaws, CVE-2024-24576). The bench puts no word of
its own in an engine's command line (it speaks with the engine over stdin and stdout): every word is the
person's, who could type the same line at the prompt, so nobody else's text reaches cmd.exe. Still, an argument
meant literally would be read otherwise, silently: a batch file given an argument holding one of those characters
is refused, worded, and the person names the program the batch file starts instead.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

from testbench.engines.api import EngineNotLaunched
from testbench.i18n import _t

#: the extensions cmd.exe runs itself: CreateProcess starts them through it
BATCH_SUFFIXES = (".bat", ".cmd")
#: what cmd.exe reads itself in a batch file's command line, inside double quotes or not
CMD_SPECIALS = frozenset('"%^&|<>!\r\n')
#: Windows' ``PATHEXT`` when the variable is not set
DEFAULT_PATHEXT = ".COM;.EXE;.BAT;.CMD"
BATCH_ARGUMENTS = _t(
    "moteur « {program} » : fichier de commandes (.cmd, .bat) dont les arguments contiennent {characters},"
    " que cmd.exe relirait à sa façon : indiquez plutôt le programme que ce fichier lance (son chemin complet),"
    " avec ces arguments"
)


def windows_command(command: Sequence[str], environ: Mapping[str, str] = os.environ) -> list[str]:
    """``command`` as Windows should start it: its first word replaced by the batch file the prompt would run
    (:func:`batch_file`); :class:`EngineNotLaunched` when a batch file would get arguments cmd.exe reads itself."""
    words = list(command)
    program = batch_file(words[0], environ) or words[0]
    if program.lower().endswith(BATCH_SUFFIXES):
        read_by_cmd = sorted({char for word in words[1:] for char in word if char in CMD_SPECIALS})
        if read_by_cmd:
            shown = " ".join(c if c.isprintable() else f"⟨U+{ord(c):04X}⟩" for c in read_by_cmd)
            raise EngineNotLaunched(BATCH_ARGUMENTS.format(program=program, characters=shown))
    return [program, *words[1:]]


def batch_file(word: str, environ: Mapping[str, str] = os.environ) -> str | None:
    """The batch file the command prompt runs for ``word`` (``moteur`` → ``C:\\Editeur\\moteur.cmd``), None when
    it runs a program instead, finds nothing, or ``word`` already ends with an extension of ``PATHEXT``."""
    extensions = [ext.strip() for ext in (environ.get("PATHEXT") or DEFAULT_PATHEXT).split(";") if ext.strip()]
    if not word or any(word.lower().endswith(ext.lower()) for ext in extensions):
        return None
    head, name = os.path.split(word)
    if head:
        folders = [head]
    else:  # the current folder first, unless the system is told not to (as Python's shutil.which on 3.12)
        here = [] if "NoDefaultCurrentDirectoryInExePath" in environ else [os.curdir]
        folders = here + [f.strip().strip('"') for f in environ.get("PATH", "").split(";") if f.strip().strip('"')]
    for folder in folders:
        for ext in extensions:
            candidate = os.path.join(folder, name + ext.lower())  # Windows' names ignore case
            if os.path.isfile(candidate):
                return candidate if ext.lower() in BATCH_SUFFIXES else None
    return None
