"""What a run or a rebuild leaves when its report or JUnit cannot be written (a full disk): a clear
sentence, exit 2 (the bench, not the product), the previous file or book whole, the session's verdicts kept."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.store.read import read_session

DEMO = Path(__file__).resolve().parents[1] / "casebooks" / "demo.xml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess", "-k", "DEMO-FSE-001"]


def full_disk(*_args: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_run_junit_on_a_full_disk_is_an_error_and_leaves_the_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    junit = tmp_path / "junit.xml"
    junit.write_text("<testsuite name='previous' tests='0'/>", encoding="utf-8")
    monkeypatch.setattr(os, "fsync", full_disk)  # the disk says it is full when the file is flushed to it
    session = tmp_path / "s.tbsession"
    code = main(["run", str(DEMO), "--session", str(session), *BENCH, "--junit", str(junit)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"testbench run : {junit} : écriture impossible (disque plein) ; rien n'y a été changé" in err
    assert "Traceback" not in err
    assert junit.read_text(encoding="utf-8") == "<testsuite name='previous' tests='0'/>"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary left
    with read_session(session) as s:
        assert [(c.case_id, c.verdict) for c in s.cases] == [("DEMO-FSE-001", "pass")]


def test_report_junit_on_a_full_disk_in_english(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    session = tmp_path / "s.tbsession"
    assert main(["run", str(DEMO), "--session", str(session), *BENCH]) == 0
    monkeypatch.setattr(os, "fsync", full_disk)
    junit = tmp_path / "ci" / "junit.xml"
    code = main(["report", str(session), "-o", str(tmp_path / "r"), "--junit", str(junit), "--lang", "en"])
    err = capsys.readouterr().err
    assert code == 2
    assert f"testbench report: {junit}: cannot write (disk full); nothing was changed there" in err
    assert list(junit.parent.iterdir()) == []


def test_the_junit_file_is_written_whole(tmp_path: Path) -> None:
    session = tmp_path / "s.tbsession"
    junit = tmp_path / "junit.xml"
    assert main(["run", str(DEMO), "--session", str(session), *BENCH, "--junit", str(junit)]) == 0
    assert junit.read_bytes().startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n<testsuite")
    assert junit.stat().st_mode & 0o777 == 0o644


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def fill_the_disk_while_building(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every whole-file write of the build fails as on a full disk (the evidence, the JUnit…)."""
    monkeypatch.setattr(Path, "write_bytes", full_disk)


def test_a_rebuild_on_a_full_disk_leaves_the_signed_book_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    key = tmp_path / "k.pem"
    assert main(["keys", "init", "--key", str(key)]) == 0
    session, book = tmp_path / "s.tbsession", tmp_path / "exam"
    assert main(["run", str(DEMO), "--session", str(session), *BENCH]) == 0
    assert main(["report", str(session), "-o", str(book), "--sign", "--key", str(key)]) == 0
    before = folder_bytes(book)
    assert "manifest.sig.json" in before and "index.html" in before
    capsys.readouterr()

    fill_the_disk_while_building(monkeypatch)
    code = main(["report", str(session), "-o", str(book), "--sign", "--key", str(key)])
    err = capsys.readouterr().err
    monkeypatch.undo()
    assert code == 2
    assert f"testbench report : {book} : écriture impossible (disque plein) ; rien n'y a été changé" in err
    assert "Traceback" not in err
    assert folder_bytes(book) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary folder left
    assert main(["verify", str(book), "--session", str(session)]) == 0


def test_an_evidence_file_that_cannot_be_written_fails_the_build_though_another_thread_writes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Evidence files are created by a thread of their own (report/evidence.py): its failure still reaches
    the person, and the previous book stays as it was."""
    session, book = tmp_path / "s.tbsession", tmp_path / "exam"
    assert main(["run", str(DEMO), "--session", str(session), *BENCH, "--report", str(book)]) == 0
    before = folder_bytes(book)
    assert any(name.startswith("evidence/files/") for name in before)
    capsys.readouterr()

    real_write = Path.write_bytes

    def evidence_disk_full(path: Path, data: bytes) -> int:
        if "evidence" in path.parts:
            full_disk()
        return real_write(path, data)

    monkeypatch.setattr(Path, "write_bytes", evidence_disk_full)
    code = main(["report", str(session), "-o", str(book)])
    err = capsys.readouterr().err
    monkeypatch.undo()
    assert code == 2 and "(disque plein)" in err and "Traceback" not in err
    assert folder_bytes(book) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_rebuild_replaces_the_book_of_the_same_session_and_keeps_other_files(tmp_path: Path) -> None:
    session, book = tmp_path / "s.tbsession", tmp_path / "exam"
    assert main(["run", str(DEMO), "--session", str(session), *BENCH, "--report", str(book)]) == 0
    (book / "evidence" / "stale.txt").write_text("ancien", encoding="utf-8")  # a file of the previous build
    (book / "notes.txt").write_text("mes notes", encoding="utf-8")
    assert main(["report", str(session), "-o", str(book)]) == 0
    assert not (book / "evidence" / "stale.txt").exists()
    assert (book / "notes.txt").read_text(encoding="utf-8") == "mes notes"
    assert (book / "index.html").is_file() and (book / "manifest.json").is_file()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_another_session_s_book_is_not_replaced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first, book = tmp_path / "first.tbsession", tmp_path / "signed"
    assert main(["run", str(DEMO), "--session", str(first), *BENCH, "--report", str(book)]) == 0
    before = folder_bytes(book)
    capsys.readouterr()

    second = tmp_path / "second.tbsession"
    assert main(["run", str(DEMO), "--session", str(second), *BENCH, "--report", str(book)]) == 3
    err = capsys.readouterr().err
    refusal = (
        f"{book} : ce dossier contient le rapport d'une autre session (first.tbsession) ; il n'a pas été remplacé."
        " Indiquez un autre dossier, ou supprimez d'abord ce rapport"
    )
    assert f"testbench run : {refusal}" in err
    assert not second.exists()  # refused before anything ran

    assert main(["run", str(DEMO), "--session", str(second), *BENCH]) == 0
    capsys.readouterr()
    assert main(["report", str(second), "-o", str(book), "--lang", "en"]) == 3
    assert (
        f"testbench report: {book}: this folder holds the report of another session (first.tbsession); it was not"
        " replaced. Give another folder, or delete that report first" in capsys.readouterr().err
    )
    assert folder_bytes(book) == before
    assert main(["run", str(DEMO), "--session", str(first), *BENCH, "--rerun", "--report", str(book)]) == 0


def test_run_report_on_a_full_disk_is_the_bench_s_fault_and_keeps_the_verdicts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    session, book = tmp_path / "s.tbsession", tmp_path / "rep"
    fill_the_disk_while_building(monkeypatch)  # the session (SQLite) still writes: only the report's files fail
    code = main(["run", str(DEMO), "--session", str(session), *BENCH, "--report", str(book)])
    err = capsys.readouterr().err
    monkeypatch.undo()
    assert code == 2  # not 1: every case passed, the bench could not write
    assert "[1/1] DEMO-FSE-001 : réussi" in err
    assert f"testbench run : {book} : écriture impossible (disque plein) ; rien n'y a été changé" in err
    assert (
        f"les verdicts sont enregistrés dans la session {session} ; « testbench report » en refait le rapport" in err
    )
    assert "Traceback" not in err
    assert not book.exists() or list(book.iterdir()) == []
    with read_session(session) as s:
        assert [(c.case_id, c.verdict) for c in s.cases] == [("DEMO-FSE-001", "pass")]
    assert main(["report", str(session), "-o", str(book), "--lang", "en"]) == 0  # once the disk has room


def test_a_book_whose_parent_cannot_be_written_is_built_inside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A report folder at a USB stick's root, or in someone else's folder: the work folder goes inside."""
    import tempfile

    session, book = tmp_path / "s.tbsession", tmp_path / "exam"
    assert main(["run", str(DEMO), "--session", str(session), *BENCH, "--report", str(book)]) == 0
    before = folder_bytes(book)
    real = tempfile.mkdtemp

    def parent_refused(*args: object, dir: str | Path | None = None, **kwargs: object) -> str:
        if dir is not None and Path(dir) == tmp_path:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(dir))
        return real(*args, dir=dir, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(tempfile, "mkdtemp", parent_refused)
    assert main(["report", str(session), "-o", str(book)]) == 0
    assert folder_bytes(book) == before  # the same book, built again, nothing of the work left in it
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_evidence_waiting_for_a_slow_disk_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """While the writer thread waits on the disk, at most ``QUEUED`` files wait in memory: the gathering
    waits too, instead of holding a whole campaign's traces (report/evidence.py)."""
    import threading
    import time

    from testbench.report.evidence import QUEUED, Evidence

    disk = threading.Event()
    real_write = Path.write_bytes
    monkeypatch.setattr(Path, "write_bytes", lambda path, data: disk.wait() and real_write(path, data))
    added = 0

    def gather() -> None:
        nonlocal added
        for i in range(QUEUED + 10):
            evidence.add(f"files/f{i}.txt", b"x", "text/plain")
            added += 1

    with Evidence(tmp_path) as evidence:
        producer = threading.Thread(target=gather, daemon=True)
        producer.start()
        deadline = time.monotonic() + 10
        while added <= QUEUED and time.monotonic() < deadline:
            time.sleep(0.01)
        producer.join(timeout=0.3)  # room to add more, if the bound did not hold
        held = added
        disk.set()
        producer.join(timeout=10)
    assert held == QUEUED + 1  # one in the writer's hands, QUEUED in the queue, the next add waiting
    assert sorted(p.name for p in (tmp_path / "evidence" / "files").iterdir()) == sorted(
        f"f{i}.txt" for i in range(QUEUED + 10)
    )


def test_the_book_of_an_earlier_session_of_the_same_name_says_the_file_was_made_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A session deleted and run again under its name: its old book is another session's, and the refusal says
    why rather than naming the very file given (« … d'une autre session (exam.tbsession) »)."""
    session, book = tmp_path / "exam.tbsession", tmp_path / "book"
    assert main(["run", str(DEMO), "--session", str(session), *BENCH, "--report", str(book)]) == 0
    for stale in tmp_path.glob("exam.tbsession*"):
        stale.unlink()
    assert main(["run", str(DEMO), "--session", str(session), *BENCH]) == 0
    capsys.readouterr()
    assert main(["report", str(session), "-o", str(book)]) == 3
    said = (
        f"{book} : ce dossier contient le rapport d'une session antérieure du même nom (exam.tbsession) : ce fichier"
        " de session a été refait depuis ; le rapport n'a pas été remplacé."
    )
    assert said in capsys.readouterr().err
    assert main(["report", str(session), "-o", str(book), "--lang", "en"]) == 3
    assert "the report of an earlier session of the same name (exam.tbsession): that session file was made again" in (
        capsys.readouterr().err
    )
