"""A disk that fills before (or while) the session is written used to leave ``run --junit`` without any JUnit: the
CI then showed no test report at all. The run now writes the JUnit where it was asked, when that file system has
room: an error testcase « échec du banc » (type ``bench-failure``) says why, beside the cases the session holds;
when the JUnit cannot be written either, that is said, nothing is left half-written, and the exit code is still
the bench's (2). The full disk is a file-size limit (``ulimit -f``) on a real ``testbench`` process, or SQLite's own
size cap (``max_page_count``) in process, as in tests/test_store_diskfull.py."""

from __future__ import annotations

import os
import resource
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree
from test_report_junit_schema import COMMON_JUNIT

from testbench.cli.main import main
from testbench.report.junit import BENCH_FAILED, bench_failure_tree, case_verdicts
from testbench.store import session as session_module

DEMO = Path(__file__).resolve().parents[1] / "casebooks" / "demo.xml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess"]

posix = pytest.mark.skipif(sys.platform == "win32", reason="a file-size limit is POSIX (ulimit -f)")


def _run(folder: Path, limit: int, *more: str) -> subprocess.CompletedProcess[str]:
    """``testbench run`` of the demo, whose process may write files of ``limit`` bytes at most."""

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [sys.executable, "-m", "testbench", "run", str(DEMO), "--session", "s.tbsession", *BENCH, *more],
        cwd=folder,
        # no bytecode: past its file-size limit a child writes a cut .pyc (CPython ignores the
        # short write), which breaks every later import of that module
        env={**os.environ, "HOME": str(folder), "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=limited,
    )


def _valid(path: Path) -> etree._Element:
    root = etree.parse(str(path)).getroot()
    schema = etree.XMLSchema(etree.fromstring(COMMON_JUNIT))
    assert schema.validate(root), schema.error_log
    return root


def _bench_failure(root: etree._Element) -> etree._Element:
    [error] = [e for e in root.iter("error") if e.get("type") == BENCH_FAILED]
    return error


@posix
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_session_never_created_still_gives_ci_a_junit_saying_why(tmp_path: Path, lang: str) -> None:
    proc = _run(tmp_path, 100 * 1024, "--junit", "out/junit.xml", "--lang", lang)
    assert proc.returncode == 2, proc.stderr
    assert not (tmp_path / "s.tbsession").exists()
    junit = tmp_path / "out" / "junit.xml"
    root = _valid(junit)
    assert (root.get("tests"), root.get("errors"), root.get("failures")) == ("1", "1", "0")
    error = _bench_failure(root)
    if lang == "fr":
        assert error.getparent().get("name") == "échec du banc"
        assert "fichier trop grand pour la limite de taille des fichiers, 100\u00a0Kio" in error.get("message")
        assert "la session n'a pas pu être créée" in error.text
        assert f"{Path('out') / 'junit.xml'} : écrit ; il signale l'échec du banc et sa raison" in proc.stderr
    else:
        assert error.getparent().get("name") == "bench failure"
        assert "file-size limit, 100 KiB" in error.get("message") and "could not be created" in error.text
        assert f"{Path('out') / 'junit.xml'}: written; it reports the bench's failure and why" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["junit.xml"]  # no temporary file beside it


@posix
def test_a_junit_the_full_disk_refuses_too_is_said_and_nothing_is_left(tmp_path: Path) -> None:
    """A limit smaller than the JUnit itself: the JUnit cannot be written either; the exit code stays the bench's,
    the stderr says both failures, and no empty or cut file is left for the CI to publish."""
    proc = _run(tmp_path, 256, "--junit", "junit.xml")
    assert proc.returncode == 2, proc.stderr
    assert "la session n'a pas pu être créée" in proc.stderr
    assert "testbench run : junit.xml : écriture impossible (fichier trop grand) ; rien n'y a été changé" in proc.stderr
    assert "il signale l'échec du banc" not in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "junit.xml").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_a_disk_full_after_the_first_case_keeps_the_recorded_cases_in_the_junit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The disk fills once the first case is recorded: the JUnit lists that case with its verdict, the others as not
    reached, and the bench's failure as an error, so that the CI's view is never green and nothing recorded is lost."""
    finish = session_module.SessionStore.finish_attempt
    finished: list[int] = []

    def finish_then_fill(self: session_module.SessionStore, *args: object, **kwargs: object) -> object:
        result = finish(self, *args, **kwargs)
        if not finished:
            pages = self.conn.execute("PRAGMA page_count").fetchone()[0]
            self.conn.execute(f"PRAGMA max_page_count = {pages}")  # SQLITE_FULL from the next write on
        finished.append(1)
        return result

    monkeypatch.setattr(session_module.SessionStore, "finish_attempt", finish_then_fill)
    session, junit = tmp_path / "s.tbsession", tmp_path / "junit.xml"
    code = main(["run", str(DEMO), "--session", str(session), *BENCH, "-k", "DEMO-FSE-00", "--junit", str(junit)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "disque plein" in err and "--resume" in err
    root = _valid(junit)
    cases = {tc.get("name"): tc for tc in root.iter("testcase")}
    first = cases.pop("DEMO-FSE-001")
    assert case_verdicts(first)["testbench.verdict.recorded"] in ("pass", "fail")
    assert "disque plein" in _bench_failure(root).get("message")
    assert "échec du banc" in cases and int(root.get("errors")) >= 1
    assert all(tc.find("skipped") is not None or tc.find("error") is not None for tc in cases.values())
    with sqlite3.connect(session) as conn:  # the session keeps that case, and --resume goes on from it
        assert conn.execute("SELECT count(*) FROM attempts").fetchone()[0] >= 1


def test_a_session_that_cannot_be_read_gives_the_error_alone(tmp_path: Path) -> None:
    """A session file the failure left unreadable (not SQLite): the JUnit is the bench's error alone, not a crash."""
    broken = tmp_path / "s.tbsession"
    broken.write_bytes(b"not a session at all" * 10)
    root = bench_failure_tree(["s.tbsession : écriture impossible (disque plein)"], broken, "fr").getroot()
    assert [tc.get("name") for tc in root.iter("testcase")] == ["échec du banc"]
    assert (root.get("tests"), root.get("errors")) == ("1", "1")
    assert _bench_failure(root).text == "s.tbsession : écriture impossible (disque plein)"
