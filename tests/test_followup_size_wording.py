"""A write past the file-size limit was « fichier trop gros » in the JUnit's error and « fichier trop grand pour la
limite de taille des fichiers » in the session's: one wording now, French and English."""

from __future__ import annotations

import errno

import pytest

from testbench.fmt import os_reason
from testbench.i18n import translator
from testbench.store.connection import SIZE_LIMIT


@pytest.mark.parametrize(("lang", "said"), [("fr", "fichier trop grand"), ("en", "file too large")])
def test_a_file_size_refusal_is_worded_as_the_sessions(lang: str, said: str) -> None:
    t = translator(lang)
    assert os_reason(OSError(errno.EFBIG, "File too large"), t) == said
    assert t(SIZE_LIMIT).startswith(said + " ")
