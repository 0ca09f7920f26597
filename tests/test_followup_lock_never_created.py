"""A session that never came to exist (the disk refused its first write) used to leave its empty lock file,
``s.tbsession.lock``, beside nothing: the run now removes it as it ends. A lock another live writer holds is never
removed. Real ``testbench run`` processes, the full disk being a file-size limit (``ulimit -f``), as in
tests/test_ci_diskfull_junit.py."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from filelock import FileLock

DEMO = Path(__file__).resolve().parents[1] / "casebooks" / "demo.xml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess"]

posix = pytest.mark.skipif(sys.platform == "win32", reason="a file-size limit is POSIX (ulimit -f)")


def _run(folder: Path, limit: int | None) -> subprocess.CompletedProcess[str]:
    """``testbench run`` of the demo into ``s.tbsession``, writing files of ``limit`` bytes at most (None: any)."""

    def limited() -> None:
        import resource

        if limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [sys.executable, "-m", "testbench", "run", str(DEMO), "--session", "s.tbsession", *BENCH],
        cwd=folder,
        # no bytecode: past its file-size limit a child writes a cut .pyc (CPython ignores the
        # short write), which breaks every later import of that module
        env={**os.environ, "HOME": str(folder), "XDG_DATA_HOME": "", "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=limited,
    )


@posix
def test_a_session_never_created_leaves_no_lock_beside_it(tmp_path: Path) -> None:
    proc = _run(tmp_path, 100 * 1024)
    assert proc.returncode == 2, proc.stderr
    assert "la session n'a pas pu être créée" in proc.stderr and "Traceback" not in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("s.tbsession")) == []


@posix
def test_a_lock_left_earlier_beside_no_session_goes_too(tmp_path: Path) -> None:
    """An empty lock a former run left (before this was fixed) is this run's to take, and to remove."""
    (tmp_path / "s.tbsession.lock").write_bytes(b"")
    proc = _run(tmp_path, 100 * 1024)
    assert proc.returncode == 2, proc.stderr
    assert not (tmp_path / "s.tbsession.lock").exists()


def test_a_lock_another_live_writer_holds_is_never_removed(tmp_path: Path) -> None:
    """This process holds the lock of a session not yet written: the run is refused and the lock stays, still
    held; once released, another run takes that very file."""
    lock = FileLock(tmp_path / "s.tbsession.lock")
    with lock:
        before = os.stat(lock.lock_file)
        proc = _run(tmp_path, None)
        assert proc.returncode != 0, proc.stdout
        assert "session déjà ouverte en écriture par un autre processus" in proc.stderr, proc.stderr
        assert "Traceback" not in proc.stderr
        assert os.path.samestat(os.stat(lock.lock_file), before)
        assert lock.is_locked and not (tmp_path / "s.tbsession").exists()
    proc = _run(tmp_path, None)
    assert "session : s.tbsession — réussi" in proc.stderr, proc.stderr  # the demo's own verdicts, one a failure
    assert (tmp_path / "s.tbsession").is_file() and (tmp_path / "s.tbsession.lock").exists()
