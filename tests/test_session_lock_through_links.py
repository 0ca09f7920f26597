"""One session file, two names (a symbolic link to it, or to its folder): one writer's lock (robustness verification
s25: a `--rerun` through a link to the file a run was writing ran at once, both writing the same session)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from testbench.store.connection import SessionLocked, lock_path
from testbench.store.session import SessionStore


@pytest.mark.skipif(os.name != "posix", reason="symbolic links")
def test_a_second_writer_through_a_link_is_refused(tmp_path: Path) -> None:
    real = tmp_path / "real" / "exam.tbsession"
    real.parent.mkdir()
    (tmp_path / "other").mkdir()
    by_file = tmp_path / "other" / "exam.tbsession"
    by_file.symlink_to(real)
    (tmp_path / "folder").symlink_to(real.parent, target_is_directory=True)
    by_folder = tmp_path / "folder" / "exam.tbsession"
    assert lock_path(by_file) == lock_path(by_folder) == lock_path(real) == real.with_name("exam.tbsession.lock")
    with SessionStore.open(real, create=True):
        for other in (by_file, by_folder):
            with pytest.raises(SessionLocked):
                SessionStore.open(other, create=True)
