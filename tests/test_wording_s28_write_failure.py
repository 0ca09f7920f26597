"""A session write refused by the file-size limit (``ulimit -f``) names the limit as a size reads for a person —
« 150 001 octets », "150,001 bytes", « 100 Kio » for a whole number of Kio — never « 150001 octets », and
the session's path is followed by « : » spaced in French, ": " in English (audit s28)."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

DEMO = Path(__file__).resolve().parents[1] / "casebooks" / "demo.xml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess"]
NBSP = "\u00a0"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="a file-size limit is POSIX (ulimit -f)")


def _run(folder: Path, limit: int, *lang: str) -> str:
    """stderr of a run whose process may write files of ``limit`` bytes at most."""

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    proc = subprocess.run(
        [sys.executable, "-m", "testbench", "run", str(DEMO), "--session", "s.tbsession", *BENCH, *lang],
        cwd=folder,
        # no bytecode: past its file-size limit a child writes a cut .pyc (CPython ignores the
        # short write), which breaks every later import of that module
        env={**os.environ, "HOME": str(folder), "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=limited,
    )
    assert proc.returncode == 2, proc.stderr
    return proc.stderr


@pytest.mark.parametrize(
    ("limit", "french", "english"),
    [
        (150_001, f"150{NBSP}001{NBSP}octets", "150,001 bytes"),
        (100 * 1024, f"100{NBSP}Kio", "100 KiB"),
    ],
)
def test_the_size_limit_is_grouped_and_the_path_colon_spaced(
    tmp_path: Path, limit: int, french: str, english: str
) -> None:
    said = _run(tmp_path, limit)
    reason = f"fichier trop grand pour la limite de taille des fichiers, {french}"
    assert f"s.tbsession : écriture impossible ({reason})" in said, said
    said = _run(tmp_path, limit, "--lang", "en")
    assert f"s.tbsession: cannot write (file too large for the file-size limit, {english})" in said, said
