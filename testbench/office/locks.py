"""The lock file a spreadsheet (or a word processor, for a Word document) keeps beside a file it has open: the export
refuses to replace such a file (the spreadsheet would save over it, Windows would refuse the rename); the import and
the export say a document read while open (what is not saved in it is not read)."""

from __future__ import annotations

import os
from pathlib import Path

from testbench.i18n import _t
from testbench.office.problems import Problem

#: What ``import`` and ``export`` say of a document read while a lock file is beside it ({lock}: its name)
DOCUMENT_OPEN = _t(
    "document ouvert dans un tableur (fichier de verrou {lock}) : il est lu tel qu'il a été enregistré pour la"
    " dernière fois ; ce qui n'y est pas encore enregistré n'est pas repris"
)
#: The same of a Word document (.docx): Word and LibreOffice Writer keep the same lock files as their spreadsheets
DOCUMENT_OPEN_TEXT = _t(
    "document ouvert dans un traitement de texte (fichier de verrou {lock}) : il est lu tel qu'il a été enregistré"
    " pour la dernière fois ; ce qui n'y est pas encore enregistré n'est pas repris"
)


def document_open(document: Path) -> Problem | None:
    """What ``import`` and ``export`` say of ``document`` read while open (a lock file beside it), in the words of
    the application that has it open: a word processor for a Word document, a spreadsheet for the others."""
    lock = spreadsheet_lock(document)
    if lock is None:
        return None
    said = DOCUMENT_OPEN_TEXT if document.suffix.lower() == ".docx" else DOCUMENT_OPEN
    return Problem.of(document, said, lock=lock.name)


def spreadsheet_lock(path: Path) -> Path | None:
    """The lock file beside ``path`` (LibreOffice ``.~lock.NAME#``, Excel ``~$NAME``, the name's first two
    characters replaced when long), or None."""
    name = path.name
    candidates = [f".~lock.{name}#", f"~${name}"] + ([f"~${name[2:]}"] if len(path.stem) >= 7 else [])
    for candidate in candidates:
        if os.path.lexists(path.parent / candidate):
            return path.parent / candidate
    return None
