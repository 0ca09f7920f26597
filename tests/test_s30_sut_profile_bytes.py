"""A profile saved in the Windows code page (Notepad's « ANSI »): refused at the first byte UTF-8 cannot read, with
its line and column, in the person's language, as an exam plan is — not only « not UTF-8 » for the whole file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from testbench.sut.profile import SutProfileError, load_profile

REPO = Path(__file__).resolve().parents[1]

PROFILE = '[product]\nname = "GestPSAD"\neditor = "Société Hélène"\n'


def test_a_cp1252_profile_is_refused_at_its_first_unreadable_byte(tmp_path: Path) -> None:
    file = tmp_path / "sut.toml"
    file.write_bytes(PROFILE.replace("\n", "\r\n").encode("cp1252"))
    with pytest.raises(SutProfileError) as caught:
        load_profile(file)
    assert caught.value.text("fr") == f"{file}:3:15: pas du texte UTF-8 (octet illisible) : enregistrez-le en UTF-8"
    assert caught.value.text("en") == f"{file}:3:15: not UTF-8 text (unreadable byte): save it as UTF-8"


def test_the_command_names_the_place_in_english_without_a_traceback(tmp_path: Path) -> None:
    file = tmp_path / "sut.toml"
    file.write_bytes(PROFILE.encode("cp1252"))
    done = subprocess.run(
        [sys.executable, "-m", "testbench", "sut", "check", str(file), "--lang", "en"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
        check=False,
    )
    assert done.returncode == 3
    assert done.stderr == f"testbench sut check: {file}:3:15: not UTF-8 text (unreadable byte): save it as UTF-8\n"
    assert done.stdout == ""
