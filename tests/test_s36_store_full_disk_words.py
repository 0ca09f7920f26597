"""Audit: a session created on a disk with a few kilobytes left was said « écriture impossible (erreur
d'entrée-sortie du disque) » — a hardware fault, to an engineer on exam day — when the disk was only full: SQLite
answers « disk I/O error » (SQLITE_IOERR_SHMSIZE), not « disk is full », when its ``-shm`` file cannot grow.

Now a disk error on a disk with less than 1 Mio free is said « disque plein ». A real full disk: a small tmpfs,
which only root may mount (skipped otherwise).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from testbench.paths import CASEBOOKS_DIR

pytestmark = pytest.mark.skipif(
    sys.platform != "linux" or os.geteuid() != 0 or not shutil.which("mount"), reason="mounts a tmpfs: root on Linux"
)


@pytest.fixture
def nearly_full(tmp_path: Path) -> Iterator[Path]:
    """A 1 Mio tmpfs with 24 Kio left: too little for a session's ``-shm`` (32 Kio)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode(errors='replace').strip()}")
    try:
        (disk / "filler").write_bytes(b"\0" * (1000 * 1024))
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


@pytest.mark.parametrize(("lang", "said"), [("fr", "disque plein"), ("en", "disk full")])
def test_a_session_made_on_a_full_disk_says_disk_full(nearly_full: Path, lang: str, said: str) -> None:
    command = [sys.executable, "-m", "testbench", "run", str(CASEBOOKS_DIR / "demo.xml"), "-k", "DEMO-FSE-001",
               "--cards", "inprocess", "--engine", "inprocess", "--session", str(nearly_full / "s.tbsession"),
               "--lang", lang]  # fmt: skip
    env = {**os.environ, "HOME": str(nearly_full.parent)}
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 2, done.stderr
    assert said in done.stderr
    assert "entrée-sortie" not in done.stderr and "input/output" not in done.stderr
    assert "Traceback" not in done.stderr
