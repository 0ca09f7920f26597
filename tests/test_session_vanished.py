"""A session file that leaves its path while a run writes it (deleted with its ``-wal``, its USB drive pulled or
lazily unmounted): SQLite goes on writing the unreachable file without an error, so the store checks the path at
each case's end and the run's end. The run stops, says so (exit 2), never « réussi », never « erreur interne »;
its ``--junit`` and ``--report`` say so too instead of crashing."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.store.connection import SessionVanished
from testbench.store.session import SessionStore

DEMO = Path(__file__).resolve().parents[1] / "casebooks" / "demo.xml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess", "-k", "DEMO-FSE-00"]
FR = "le fichier de session {path} a disparu (supprimé ou son support retiré) : la campagne est arrêtée"
EN = "the session file {path} has disappeared (deleted, or its drive removed): the campaign is stopped"

# deleting an open file is refused on Windows: there the file cannot vanish this way
posix = pytest.mark.skipif(sys.platform == "win32", reason="Windows refuses to delete an open file")


def _remove(session: Path) -> None:
    for name in (session.name, f"{session.name}-wal", f"{session.name}-shm"):
        (session.parent / name).unlink(missing_ok=True)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SessionStore]:
    opened = SessionStore.open(tmp_path / "s.tbsession")
    yield opened
    opened.close()


@posix
def test_a_case_end_after_the_file_is_deleted_raises(store: SessionStore) -> None:
    run_id = store.begin_run(["run"], {}, {})
    attempt = store.start_attempt(run_id, "sha", "C-1")
    _remove(store.path)
    with pytest.raises(SessionVanished) as caught:
        store.finish_attempt(attempt, "pass", "")
    assert str(caught.value).startswith(FR.format(path=store.path))
    with pytest.raises(SessionVanished):
        store.end_run(run_id)


def test_another_file_put_in_its_place_is_seen(store: SessionStore, tmp_path: Path) -> None:
    run_id = store.begin_run(["run"], {}, {})
    attempt = store.start_attempt(run_id, "sha", "C-1")
    other = tmp_path / "other.tbsession"
    shutil.copyfile(store.path, other)
    if sys.platform == "win32":
        pytest.skip("Windows refuses to replace an open file")
    os.replace(other, store.path)  # a copy put back where the session was
    with pytest.raises(SessionVanished):
        store.finish_attempt(attempt, "pass", "")


def test_a_file_still_there_is_written_as_ever(store: SessionStore) -> None:
    run_id = store.begin_run(["run"], {}, {})
    store.finish_attempt(store.start_attempt(run_id, "sha", "C-1"), "pass", "")
    store.end_run(run_id)  # no error: the check costs one stat, and says nothing when the file is there


def _delete_at_second_case(monkeypatch: pytest.MonkeyPatch) -> None:
    start = SessionStore.start_attempt
    seen: list[int] = []

    def deleting(self: SessionStore, run_id: int, sha: str, case_id: str) -> int:
        seen.append(1)
        if len(seen) == 2:
            _remove(self.path)
        return start(self, run_id, sha, case_id)

    monkeypatch.setattr(SessionStore, "start_attempt", deleting)


@posix
@pytest.mark.parametrize("outputs", [False, True], ids=["plain", "junit-report"])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_run_stops_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, lang: str, outputs: bool
) -> None:
    session, junit, report = tmp_path / "s.tbsession", tmp_path / "junit.xml", tmp_path / "rapport"
    asked = ["--junit", str(junit), "--report", str(report)] if outputs else []
    _delete_at_second_case(monkeypatch)
    code = main(["run", str(DEMO), "--session", str(session), *BENCH, *asked, "--lang", lang])
    err = capsys.readouterr().err
    assert code == 2
    assert (FR if lang == "fr" else EN).format(path=session) in err
    assert "[2/" not in err  # the case under way when the file went is never told as passed
    assert "session :" not in err and "session:" not in err  # no closing line: nothing to claim
    assert "erreur interne" not in err and "internal error" not in err
    assert not junit.exists() and not report.exists()


@posix
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_file_gone_after_the_run_is_no_success(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    """Gone between the run's last check and its closing line (the store closed): said, exit 2."""
    session, junit = tmp_path / "s.tbsession", tmp_path / "junit.xml"
    close = SessionStore.close

    def closing_then_gone(self: SessionStore) -> None:
        close(self)
        _remove(self.path)

    monkeypatch.setattr(SessionStore, "close", closing_then_gone)
    code = main(["run", str(DEMO), "--session", str(session), *BENCH, "--junit", str(junit), "--lang", lang])
    err = capsys.readouterr().err
    assert code == 2
    assert (FR if lang == "fr" else EN).format(path=session) in err
    assert "session :" not in err and "session:" not in err
    assert not junit.exists()


@posix
def test_outputs_of_a_file_gone_meanwhile_say_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Gone while the JUnit is being read from it: the reader's refusal is said, exit 2, not a crash."""
    import testbench.store.read as read

    session, junit = tmp_path / "s.tbsession", tmp_path / "junit.xml"
    head = read.chain_head

    def gone_then_read(path: str | Path) -> tuple[int, str]:
        _remove(Path(path))
        return head(path)

    monkeypatch.setattr(read, "chain_head", gone_then_read)
    code = main(["run", str(DEMO), "--session", str(session), *BENCH, "--junit", str(junit), "--lang", "en"])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{session}: session file not found" in err
    assert "internal error" not in err
    assert not junit.exists()
