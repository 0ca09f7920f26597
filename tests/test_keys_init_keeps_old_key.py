"""``keys init --force`` on a full disk keeps the old key pair: the new one is written beside, then renamed
into place only once both halves are written (it deleted the old key first, and lost it)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from testbench import signing
from testbench.signing import init_key, public_path
from testbench.tools.keys import keys_init_tool


def _full_disk_at(monkeypatch: pytest.MonkeyPatch, writes_left: int) -> None:
    """Every write after ``writes_left`` of them refused as a full disk would."""
    real = os.fdopen
    left = [writes_left]

    class Full:
        def __init__(self, fh: object) -> None:
            self.fh = fh

        def __enter__(self) -> Full:
            return self

        def __exit__(self, *exc: object) -> None:
            self.fh.close()  # type: ignore[attr-defined]

        def write(self, data: bytes) -> int:
            if left[0] == 0:
                raise OSError(errno.ENOSPC, "No space left on device")
            left[0] -= 1
            return self.fh.write(data)  # type: ignore[attr-defined,no-any-return]

    monkeypatch.setattr(signing.os, "fdopen", lambda fd, mode: Full(real(fd, mode)))


@pytest.mark.parametrize("writes_left", [0, 1])
def test_a_full_disk_keeps_the_old_pair(writes_left: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = tmp_path / "signing.pem"
    init_key(key)
    old = (key.read_bytes(), public_path(key).read_bytes())
    _full_disk_at(monkeypatch, writes_left)  # 0: the private key refused; 1: the public one
    result = keys_init_tool(key, force=True)
    assert result.code == 2
    assert (key.read_bytes(), public_path(key).read_bytes()) == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["signing.pem", "signing.pub"]  # no temporary left


def test_a_new_pair_replaces_the_old_one_with_its_modes(tmp_path: Path) -> None:
    key = tmp_path / "signing.pem"
    init_key(key)
    old = key.read_bytes()
    init_key(key, force=True)
    assert key.read_bytes() != old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["signing.pem", "signing.pub"]
    if os.name == "posix":
        assert key.stat().st_mode & 0o777 == 0o600
        assert public_path(key).stat().st_mode & 0o077 == 0o044
