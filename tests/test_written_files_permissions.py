"""Files written whole (import's casebook, export's workbook, JUnit, diff) get the permissions a plain write
leaves (audit s23-office): the temporary file made by ``mkstemp`` is owner-only and was renamed as it was, so
a casebook imported into a team folder came out ``-rw-------`` and a 0644 file replaced became 0600."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from testbench.wholefile import write_all, write_whole

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_file_follows_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_whole(tmp_path / "a.xml", b"x")
        write_all([(tmp_path / "b.json", b"y")])
    finally:
        os.umask(old)
    assert (_mode(tmp_path / "a.xml"), _mode(tmp_path / "b.json")) == (0o644, 0o644)


def test_a_replaced_file_keeps_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "shared.xlsx"
    target.write_bytes(b"old")
    target.chmod(0o664)
    write_whole(target, b"new")
    assert _mode(target) == 0o664 and target.read_bytes() == b"new"


def test_an_explicit_mode_wins(tmp_path: Path) -> None:
    target = tmp_path / "k"
    write_whole(target, b"x", mode=0o600)
    assert _mode(target) == 0o600
