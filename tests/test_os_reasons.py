"""What the OS says about a path a person gave reads as a plain reason in either language (testbench.fmt),
not « erreur système EEXIST » nor the system's own words in the system's language."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from testbench.fmt import os_reason
from testbench.i18n import translator


def _exists(tmp: Path) -> None:
    (tmp / "d").mkdir()
    (tmp / "d").mkdir()


def _is_a_folder(tmp: Path) -> None:
    (tmp / "d").mkdir()
    (tmp / "d").open("w")


def _not_a_folder(tmp: Path) -> None:
    (tmp / "f").write_text("x")
    (tmp / "f" / "g").mkdir()


def _not_empty(tmp: Path) -> None:
    (tmp / "d").mkdir()
    (tmp / "d" / "f").write_text("x")
    (tmp / "d").rmdir()


def _disk_full(tmp: Path) -> None:
    if not os.path.exists("/dev/full"):
        raise OSError(errno.ENOSPC, "No space left on device")  # where no device is always full
    with open("/dev/full", "w") as f:
        f.write("x")


def _read_only(tmp: Path) -> None:
    raise OSError(errno.EROFS, "Read-only file system")  # no read-only mount to hand


def _busy(tmp: Path) -> None:
    raise OSError(errno.EBUSY, "Device or resource busy")


@pytest.mark.parametrize(
    ("fail", "french", "english"),
    [
        (_exists, "existe déjà", "already exists"),
        (_is_a_folder, "est un dossier", "is a folder"),
        (_not_a_folder, "un élément du chemin n'est pas un dossier", "a part of the path is not a folder"),
        (_not_empty, "dossier non vide", "folder not empty"),
        (_disk_full, "disque plein", "disk full"),
        (_read_only, "système de fichiers en lecture seule", "read-only file system"),
        (_busy, "occupé par un autre programme", "in use by another program"),
    ],
    ids=["exists", "is-a-folder", "not-a-folder", "not-empty", "disk-full", "read-only", "busy"],
)
def test_what_the_os_says_about_a_path_reads_plainly(
    tmp_path: Path, fail: Callable[[Path], None], french: str, english: str
) -> None:
    if fail is _is_a_folder and sys.platform == "win32":
        pytest.skip("Windows says « access denied » when a folder is opened as a file")
    with pytest.raises(OSError) as info:
        fail(tmp_path)
    assert os_reason(info.value) == french
    assert os_reason(info.value, translator("en")) == english


def test_the_demo_says_why_its_folder_cannot_be_made_in_its_language(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    out = tmp_path / "f" / "demo"
    for lang, reason in (
        ("fr", "(un élément du chemin n'est pas un dossier)"),
        ("en", "(a part of the path is not a folder)"),
    ):
        done = subprocess.run(
            [sys.executable, "-m", "testbench", "demo", "--headless", "--output", str(out), "--lang", lang],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 2 and done.stderr.strip().endswith(reason), done.stderr
