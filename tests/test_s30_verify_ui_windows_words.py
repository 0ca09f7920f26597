"""What a person reads when Windows refuses a path the bench writes (tested on Linux: Windows' answer, its
``winerror``, set on the error as Python sets it there)."""

from __future__ import annotations

import errno

import pytest

from testbench.fmt import os_reason
from testbench.i18n import translator


def _windows_error(code: int, winerror: int) -> OSError:
    exc = OSError(code, "Le nom de fichier ou l'extension est trop long", r"C:\Examen\rapport.xml")
    exc.winerror = winerror  # type: ignore[attr-defined]  # what Python sets on Windows
    return exc


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "nom ou chemin trop long pour Windows (260 caractères au plus pour le chemin entier)"),
        ("en", "name or path too long for Windows (260 characters at most for the whole path)"),
    ],
)
def test_a_path_past_windows_limit_says_the_whole_path_counts(lang: str, said: str) -> None:
    """ERROR_FILENAME_EXCED_RANGE: a short name in a deep folder gets it too. « nom trop long pour le système de
    fichiers » sent the person shortening a file name that was not the matter, and said nothing of the limit."""
    reason = os_reason(_windows_error(errno.ENOENT, 206), translator(lang))
    assert reason.startswith(said), reason
    assert ("dossier moins profond" if lang == "fr" else "a folder less deep") in reason


def test_the_forbidden_characters_rule_reads_as_an_exception_in_english() -> None:
    """« sauf après la lettre du lecteur » is « except after the drive letter »: « but after » read as « only
    after »."""
    reason = os_reason(_windows_error(errno.EINVAL, 123), translator("en"))
    assert "(except after the drive letter)" in reason and "but after" not in reason, reason
