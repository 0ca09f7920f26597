"""A CI job's outputs in a folder it cannot write (a read-only mount, a folder of another user): refused before
anything runs, in words, with the usage exit code — never a campaign run for nothing, nor an internal error.

No read-only mount is at hand in a test (and root writes through permissions), so the folder refuses every
write as a read-only file system does: ``os.open`` for writing, ``mkdir``, ``unlink``, ``rename``…
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from shard_content import run_demo

from testbench.cli.main import main
from testbench.i18n import colon
from testbench.runner.exits import EXIT_USAGE

_WRITES = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


def read_only(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``folder`` (made) refuses every write below it with EROFS, as a read-only mount."""
    folder.mkdir(parents=True, exist_ok=True)
    root = os.path.abspath(folder)

    def inside(path: object) -> bool:
        try:
            return os.path.abspath(os.fsdecode(path)).startswith(root)  # type: ignore[arg-type]
        except TypeError:  # a file descriptor
            return False

    def refuse(path: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system", os.fsdecode(path))  # type: ignore[arg-type]

    real_open = os.open

    def fake_open(path: object, flags: int, *args: object, **kwargs: object) -> int:
        if flags & _WRITES and inside(path):
            refuse(path)
        return real_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", fake_open)
    for name in ("mkdir", "unlink", "remove", "rmdir"):
        real = getattr(os, name)

        def guarded(path: object, *args: object, _real=real, **kwargs: object) -> object:
            if inside(path):
                refuse(path)
            return _real(path, *args, **kwargs)

        monkeypatch.setattr(os, name, guarded)
    for name in ("rename", "replace"):
        real = getattr(os, name)

        def moved(src: object, dst: object, *args: object, _real=real, **kwargs: object) -> object:
            if inside(src) or inside(dst):
                refuse(dst)
            return _real(src, dst, *args, **kwargs)

        monkeypatch.setattr(os, name, moved)
    return folder


def test_run_refuses_a_junit_or_report_in_a_read_only_folder_before_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: the whole campaign ran, then « écriture impossible », exit 2 — a CI job of an hour for nothing."""
    ro = read_only(tmp_path / "ro", monkeypatch)
    for option, target in (("--junit", ro / "junit.xml"), ("--report", ro / "rep"), ("--report", ro / "a" / "b")):
        session = tmp_path / f"s-{option[2:]}-{target.name}.tbsession"
        assert run_demo(session, option, str(target), "--lang", "en") == EXIT_USAGE
        err = capsys.readouterr().err
        assert f"testbench run: {target}: cannot write here (read-only file system)" in err, err
        assert "[1/" not in err and not session.exists(), err  # nothing ran


def test_merge_into_a_read_only_folder_is_refused_in_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: « erreur interne de testbench (OSError) », exit 2 (the store's clean-up failed on the mount)."""
    shards = [tmp_path / f"shard-{k}.tbsession" for k in (1, 2)]
    for k, shard in enumerate(shards, 1):
        assert run_demo(shard, "--shard", f"{k}/2", "-k", "DEMO-FSE-001 or DEMO-FSE-002") == 0
    capsys.readouterr()
    ro = read_only(tmp_path / "ro", monkeypatch)
    for lang, said in (
        ("fr", "écriture impossible ici (système de fichiers en lecture seule)"),
        ("en", "cannot write here (read-only file system)"),
    ):
        assert main(["merge", *map(str, shards), "-o", str(ro / "campaign.tbsession"), "--lang", lang]) == EXIT_USAGE
        err = capsys.readouterr().err
        assert f"testbench merge{colon(lang)}{ro / 'campaign.tbsession'}" in err and said in err, err
        assert "internal" not in err and "interne" not in err, err
    assert list(ro.iterdir()) == []


def test_a_merge_the_disk_fails_half_way_is_said_not_an_internal_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The folder could be written when checked, not when merged (a mount turned read-only): said in words, as the
    check before the merge says it (exit 3); the clean-up's own failure to remove the partial file, on that file
    system too, is not what is said (it once hid the reason behind « erreur interne »)."""
    shards = [tmp_path / f"shard-{k}.tbsession" for k in (1, 2)]
    for k, shard in enumerate(shards, 1):
        assert run_demo(shard, "--shard", f"{k}/2", "-k", "DEMO-FSE-001 or DEMO-FSE-002") == 0
    capsys.readouterr()
    out = tmp_path / "out"
    out.mkdir()
    import testbench.tools.outputs as outputs

    monkeypatch.setattr(outputs, "cannot_write_in", lambda _folder: None)  # the check passed…
    read_only(out, monkeypatch)  # …then the mount went read-only
    assert main(["merge", *map(str, shards), "-o", str(out / "c.tbsession"), "--lang", "en"]) == 3
    err = capsys.readouterr().err
    assert "read-only file system" in err and "internal" not in err, err
    assert not (out / "c.tbsession").exists()


def test_a_session_folder_that_cannot_be_created_is_said_in_the_persons_words(tmp_path: Path, monkeypatch) -> None:
    """``--create-dirs`` on a read-only file system: the system's reason in the line's language, never its
    English words inside a French line (« Read-only file system »)."""
    import errno

    from testbench.cli.outputs import session_dir_problem

    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(Path, "mkdir", refuse)
    said = session_dir_problem(tmp_path / "absent" / "s.tbsession", True, "fr")
    assert said is not None and "Read-only" not in said and "lecture seule" in said, said
    said_en = session_dir_problem(tmp_path / "absent" / "s.tbsession", True, "en")
    assert said_en is not None and "read-only" in said_en.lower(), said_en


def test_a_failed_merge_on_a_read_only_file_system_says_its_own_failure(tmp_path: Path, monkeypatch) -> None:
    """The clean-up of a failed merge cannot remove its partial file there: that is not the failure to say."""
    import errno

    from testbench.store import merge

    def refuse(self: Path, missing_ok: bool = False) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(Path, "unlink", refuse)
    merge._remove(tmp_path / "a.tbsession.partial", tmp_path / "a.tbsession.partial-wal")  # no error of its own
