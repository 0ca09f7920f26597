"""Audit: a session on a read-only medium (a write-protected USB stick, a CD, a read-only share, a folder without
write permission) could not be read at all: « n'est pas un fichier de session lisible (accès refusé (droits
insuffisants)) », exit 3, from ``verify``, ``report``, ``diff``, ``coverage`` and ``merge`` alike. SQLite reads a
WAL-mode file through a ``-shm`` file it makes beside it, which such a folder cannot take; a reader never needs to
write. The rule (``testbench.store.connection.connect_readonly``): no WAL content beside the session → SQLite's
``immutable=1``; commits left in a ``-wal`` → read from a private temporary copy, never ignored.

Root ignores file permissions, so the commands run through the real CLI as an unprivileged user (uid/gid 65534,
the « nobody » of most systems) in a folder it may not write; run by another user, they run as that user.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.store import connection

NOBODY = 65534


def _walkable_by_anyone(path: Path) -> bool:
    """Whether every folder down to ``path`` lets any user through (a clone in a private folder does not)."""
    return all(folder.stat().st_mode & 0o001 for folder in [path, *path.parents])


class Reader:
    """How a command runs as a user the read-only folder refuses: ``setpriv`` (as ``tests/test_cli_bad_values.py``
    does), else Python's own ``user=``; nothing to change when the test is not root."""

    def __init__(self, prefix: list[str], options: dict[str, object]) -> None:
        self.prefix, self.options = prefix, options

    @property
    def dropped(self) -> bool:
        return bool(self.prefix or self.options)

    def run(self, args: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # type: ignore[call-overload,no-any-return]
            [*self.prefix, sys.executable, *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=180,
            **self.options,
            **kwargs,
        )


def _as_reader() -> Reader:
    """The user to read the session as; skips when there is none to be had."""
    if os.name != "posix":
        pytest.skip("a folder's write permission is POSIX's here (Windows: a read-only medium, not simulated)")
    if os.geteuid() != 0:
        return Reader([], {})  # an ordinary user: the folder's permissions hold for the test itself
    ways = [Reader([], {"user": NOBODY, "group": NOBODY, "extra_groups": []})]
    if setpriv := shutil.which("setpriv"):
        ways.insert(0, Reader([setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"], {}))
    said = []
    for way in ways:  # the checkout and its Python must be readable by that user (a private clone is not)
        try:
            done = way.run(["-c", "import testbench.cli.main"], cwd="/")
        except (OSError, subprocess.SubprocessError) as exc:
            said.append(str(exc))
            continue
        if done.returncode == 0:
            return way
        said.append(done.stderr.strip().splitlines()[-1:][0] if done.stderr.strip() else f"code {done.returncode}")
    pytest.skip(f"cannot run testbench as uid {NOBODY} here, to read as a user the folder refuses: {'; '.join(said)}")


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed one-case session (its WAL folded in: the session alone, as it is archived)."""
    folder = tmp_path_factory.mktemp("recorded")
    session = folder / "s.tbsession"
    argv = ["run", str(CASEBOOKS_DIR / "demo.xml"), "--cards", "inprocess", "--engine", "inprocess"]
    assert main([*argv, "--session", str(session), "-k", "DEMO-FSE-001"]) == 0
    assert not (folder / "s.tbsession-wal").exists()
    return session


@pytest.fixture
def public() -> Iterator[Path]:
    """A folder any user can walk (pytest's own is private to its user), removed after the test."""
    folder = Path(tempfile.mkdtemp(prefix="testbench-ro-test-"))
    try:
        if not _walkable_by_anyone(folder.parent):
            pytest.skip(f"{folder.parent} is not walkable by another user")
        folder.chmod(0o755)
        yield folder
    finally:
        for inner in [folder, *folder.rglob("*")]:
            if inner.is_dir():
                inner.chmod(0o755)
        shutil.rmtree(folder, ignore_errors=True)


def _archive(public: Path, files: dict[str, Path | bytes]) -> Path:
    """``public/ro`` holding ``files`` (a copy of a file, or bytes), every file 444 and the folder 555: no new file
    can be made there, as on a CD."""
    ro = public / "ro"
    ro.mkdir()
    for name, content in files.items():
        target = ro / name
        if isinstance(content, Path):
            shutil.copyfile(content, target)
        else:
            target.write_bytes(content)
        target.chmod(0o444)
    ro.chmod(0o555)
    return ro


def _reader_places(public: Path, reader: Reader) -> dict[str, str]:
    """A folder the reader may write (reports, merged sessions, its temporary files) and its environment."""
    for name in ("out", "tmp"):
        (public / name).mkdir()
        if reader.dropped:
            os.chown(public / name, NOBODY, NOBODY)
    return {**os.environ, "HOME": str(public / "out"), "TMPDIR": str(public / "tmp"), "TESTBENCH_LANG": "fr"}


def _testbench(args: list[str], public: Path, env: dict[str, str], reader: Reader) -> subprocess.CompletedProcess[str]:
    done = reader.run(["-m", "testbench", *args], cwd=public, env=env)
    assert "Traceback" not in done.stderr and "Error" not in done.stderr, done.stderr
    return done


@pytest.mark.parametrize("companions", ["the session alone", "an empty -wal", "a -shm left alone"])
def test_a_session_in_a_read_only_folder_is_verified_reported_compared_and_merged(
    recorded: Path, public: Path, companions: str
) -> None:
    reader = _as_reader()
    files: dict[str, Path | bytes] = {"s.tbsession": recorded, "s.tbsession.lock": b""}  # the lock a run leaves
    if companions == "an empty -wal":
        files["s.tbsession-wal"] = b""
    elif companions == "a -shm left alone":
        files["s.tbsession-shm"] = b"\0" * 32768
    ro = _archive(public, files)
    env = _reader_places(public, reader)
    before = sorted(p.name for p in ro.iterdir())

    verified = _testbench(["verify", "ro/s.tbsession"], public, env, reader)
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout.rstrip().endswith("INTÈGRE"), verified.stdout
    reported = _testbench(["report", "ro/s.tbsession", "-o", "out/rep"], public, env, reader)
    assert reported.returncode == 0, reported.stderr
    assert "DEMO-FSE-001" in (public / "out" / "rep" / "index.html").read_text(encoding="utf-8")
    shutil.copy(recorded, public / "out" / "a.tbsession")  # the reference (one file given twice is refused)
    compared = _testbench(["diff", "out/a.tbsession", "ro/s.tbsession"], public, env, reader)
    assert compared.returncode == 0, compared.stderr
    merged = _testbench(["merge", "ro/s.tbsession", "-o", "out/m.tbsession"], public, env, reader)
    assert merged.returncode == 0, merged.stderr
    covered = _testbench(["coverage", "ro/s.tbsession"], public, env, reader)  # read: only the plan is missing
    assert covered.returncode == 3 and "aucun plan d'examen" in covered.stderr, covered.stderr

    assert sorted(p.name for p in ro.iterdir()) == before  # nothing made beside it, nothing folded
    assert not list((public / "tmp").iterdir())  # no temporary copy: the file is read as it is


def test_commits_left_in_a_wal_on_a_read_only_medium_are_read_not_ignored(recorded: Path, public: Path) -> None:
    """A run killed after a commit leaves it in the ``-wal`` (here: a verdict changed afterwards, which only that
    WAL holds); archived with its ``-wal``, the session is read with it — ``immutable=1`` alone would read
    the file without it and find it INTÈGRE."""
    reader = _as_reader()
    work = public / "work"
    work.mkdir()
    shutil.copyfile(recorded, work / "s.tbsession")
    tamper = (
        "import os, sqlite3, sys\n"
        "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "c.execute('PRAGMA wal_autocheckpoint = 0')\n"
        "c.execute(\"UPDATE attempts SET verdict = 'fail'\")\n"
        "os._exit(0)\n"  # killed: the commit stays in the -wal, the file keeps the recorded verdict
    )
    subprocess.run([sys.executable, "-c", tamper, str(work / "s.tbsession")], check=True, timeout=60)
    wal = (work / "s.tbsession-wal").read_bytes()
    assert wal  # the changed verdict, in the WAL only
    ro = _archive(public, {"s.tbsession": work / "s.tbsession", "s.tbsession-wal": wal})  # without its -shm
    env = _reader_places(public, reader)

    verified = _testbench(["verify", "ro/s.tbsession"], public, env, reader)
    assert verified.returncode == 1, verified.stdout + verified.stderr
    said = "cas DEMO-FSE-001, tentative 1 — verdict, motif, heure de fin ou durée modifiés après coup"
    assert said in verified.stdout
    assert verified.stdout.rstrip().endswith("ALTÉRÉ")
    reported = _testbench(["report", "ro/s.tbsession", "-o", "out/rep"], public, env, reader)
    assert reported.returncode == 2, reported.stderr  # built for the reviewer to see, but an altered session
    assert "modifié" in reported.stderr

    assert sorted(p.name for p in ro.iterdir()) == ["s.tbsession", "s.tbsession-wal"]
    assert (ro / "s.tbsession-wal").read_bytes() == wal
    assert not list((public / "tmp").iterdir())  # the private copy is removed when the command ends


def test_a_hot_rollback_journal_on_a_read_only_medium_is_not_ignored(
    recorded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ``-journal`` with content (a transaction cut short) would be ignored by ``immutable=1`` as a WAL would:
    the session is not read that way, SQLite's refusal stands (in the folder's words, as before)."""
    shutil.copyfile(recorded, tmp_path / "s.tbsession")
    (tmp_path / "s.tbsession-journal").write_bytes(b"\xd9\xd5\x05\xf9\x20\xa1\x63\xd7" + b"\0" * 504)
    monkeypatch.setattr(connection, "_takes_new_files", lambda _folder: False)  # as a CD: root writes anywhere
    refusal = sqlite3.OperationalError("attempt to write a readonly database")
    refusal.sqlite_errorcode = sqlite3.SQLITE_READONLY_DIRECTORY  # type: ignore[attr-defined]
    assert connection._read_only_medium(tmp_path / "s.tbsession", refusal) is None
    (tmp_path / "s.tbsession-journal").unlink()
    conn = connection._read_only_medium(tmp_path / "s.tbsession", refusal)
    assert conn is not None
    try:
        assert conn.execute("SELECT count(*) FROM attempts").fetchone() == (1,)
    finally:
        conn.close()
    # any other refusal of SQLite is not that of a read-only folder
    other = sqlite3.DatabaseError("database disk image is malformed")
    other.sqlite_errorcode = sqlite3.SQLITE_CORRUPT  # type: ignore[attr-defined]
    assert connection._read_only_medium(tmp_path / "s.tbsession", other) is None
