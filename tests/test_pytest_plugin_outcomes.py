"""`pytest --casebook FILE` as a CI reads it: each case's verdict and reason in words — in the failure, in the
short summary line and in ``--junitxml``'s message — with no Python in it (no exception class, no chained
traceback, none even under ``--full-trace``); outputs that cannot be written refused before anything runs, or
said, never an INTERNALERROR.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree
from test_ci_outputs import read_only
from test_junit_ci_outcomes import two_deviations

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "casebooks" / "demo.xml"
ATTESTATIONS = ROOT / "casebooks" / "demo-attestations.json"
INPROCESS = ["--casebook-engine", "inprocess", "--casebook-cards", "inprocess"]


def pytest_ci(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """pytest in a subprocess, in its own folder, in English, as on a CI runner (``CI`` set: pytest's summary
    lines then carry the whole message)."""
    (tmp / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    if not (tmp / "casebooks").exists():
        (tmp / "casebooks").symlink_to(ROOT / "casebooks")  # a checkout's casebooks, under the rootdir
    env = {k: v for k, v in os.environ.items() if k not in ("TESTBENCH_LANG", "PYTEST_ADDOPTS")}
    env |= {"TESTBENCH_LANG": "en", "CI": "true", "COLUMNS": "200"}
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-c", str(tmp / "pytest.ini")]
    command += ["--rootdir", str(tmp), *args]
    return subprocess.run(command, cwd=tmp, env=env, capture_output=True, text=True, timeout=120, check=False)


def junit_messages(path: Path) -> dict[str, tuple[str, str, str]]:
    """Each testcase that did not pass: (what it holds, its message, its text)."""
    out = {}
    for case in etree.parse(str(path)).iter("testcase"):
        for child in case:
            if child.tag in ("failure", "error", "skipped"):
                out[case.get("name")] = (child.tag, child.get("message") or "", child.text or "")
    return out


NO_PYTHON = ("During handling", "Traceback", "Failed:", "CaseVerdict", "_pytest", "testbench/", "site-packages")


@pytest.mark.parametrize("trace", [[], ["--full-trace"]], ids=["default", "full-trace"])
def test_a_bench_that_cannot_start_reads_as_its_reason_once(tmp_path: Path, trace: list[str]) -> None:
    """Before: « Failed: DEMO-FSE-001 : … » in the summary and the JUnit message (pytest's exception class), the
    reason twice with « During handling of the above exception, another exception occurred: » between (a chained
    exception), and under ``--full-trace`` pytest's whole traceback into the plugin."""
    done = pytest_ci(
        tmp_path,
        *("--casebook", "casebooks/demo.xml", "--casebook-cards", "inprocess"),
        *("--casebook-engine", "/nonexistent/engine"),
        *("-k", "DEMO-FSE-001 or DEMO-FSE-002", "--junitxml", "junit.xml", *trace),
    )
    assert done.returncode == 1 and "2 errors" in done.stdout, done.stdout + done.stderr
    reason = "DEMO-FSE-001: bench unavailable: cannot run the engine “/nonexistent/engine”: not found"
    assert f"ERROR casebooks/demo.xml::DEMO-FSE-001 - {reason}\n" in done.stdout, done.stdout
    assert done.stdout.count("bench unavailable") == 4, done.stdout  # each case: its section and its summary line
    for word in NO_PYTHON:
        assert word not in done.stdout, (word, done.stdout)
    kind, message, text = junit_messages(tmp_path / "junit.xml")["DEMO-FSE-001"]
    assert (kind, message, text) == ("error", f'failed on setup with "{reason}"', reason)


def test_a_failing_case_names_its_reason_in_the_summary_line_and_the_junit(tmp_path: Path) -> None:
    """Before: « FAILED casebooks/demo.xml::DEMO-FSE-099 » alone in the summary: the CI log's last lines did not say
    what failed. A pending case (the bench's) reads the same way, without « Failed: »."""
    selection = ["-k", "DEMO-FSE-099 or DEMO-FSE-030"]
    done = pytest_ci(tmp_path, "--casebook", "casebooks/demo.xml", *INPROCESS, *selection, "--junitxml", "junit.xml")
    assert done.returncode == 1 and "1 failed, 20 deselected, 1 error" in done.stdout, done.stdout + done.stderr
    failed = "DEMO-FSE-099: failed — e-amo: expected €163.00, observed €163.80 (different)"
    pending = "DEMO-FSE-030: pending — manual step m-paper waiting for the operator"
    assert f"FAILED casebooks/demo.xml::DEMO-FSE-099 - {failed}\n" in done.stdout, done.stdout
    assert f"ERROR casebooks/demo.xml::DEMO-FSE-030 - {pending}\n" in done.stdout, done.stdout
    for word in NO_PYTHON:
        assert word not in done.stdout, (word, done.stdout)
    assert junit_messages(tmp_path / "junit.xml") == {
        "DEMO-FSE-030": ("error", f'failed on setup with "{pending}"', pending),
        "DEMO-FSE-099": ("failure", failed, failed),
    }


def test_a_casebook_outside_the_rootdir_keeps_its_file_name_in_the_ids_and_the_junit(tmp_path: Path) -> None:
    """A CI's ``--rootdir`` and casebooks kept elsewhere (a shared folder): before, pytest named the items
    « ::DEMO-FSE-001 » (the file's part empty) and ``--junitxml`` gave them an empty classname."""
    project = tmp_path / "project"
    project.mkdir()
    done = pytest_ci(project, "--casebook", str(DEMO), *INPROCESS, "-k", "DEMO-FSE-001", "--junitxml", "junit.xml")
    assert done.returncode == 0, done.stdout + done.stderr
    classnames = {case.get("classname") for case in etree.parse(str(project / "junit.xml")).iter("testcase")}
    assert classnames == {"demo.xml"}, classnames
    listed = pytest_ci(project, "--casebook", str(DEMO), "--collect-only", "-q")
    ids = [line for line in listed.stdout.splitlines() if "::" in line]
    assert ids[0] == "demo.xml::DEMO-FSE-001" and len(ids) == 22, listed.stdout


def test_collect_only_and_help_write_and_refuse_nothing(tmp_path: Path) -> None:
    """``--collect-only`` lists the cases and ``--help`` shows the options: an existing session (the last run's) is
    neither refused nor read into a report — before, « already exists » (exit 4) for both."""
    session = tmp_path / "casebook.tbsession"
    assert pytest_ci(tmp_path, "--casebook", "casebooks/demo.xml", *INPROCESS, "-k", "DEMO-FSE-001").returncode == 0
    listed = pytest_ci(
        tmp_path, "--casebook", "casebooks/demo.xml", "--collect-only", "-q", "--casebook-report", str(tmp_path / "r")
    )
    assert listed.returncode == 0 and "22 tests collected" in listed.stdout, listed.stdout + listed.stderr
    assert session.is_file() and not (tmp_path / "r").exists() and "testbench" not in listed.stdout
    helped = pytest_ci(tmp_path, "--casebook", "casebooks/demo.xml", "--help")  # before: « already exists »
    assert helped.returncode == 0 and "--casebook-session=SESSION" in helped.stdout, helped.stdout + helped.stderr


def pytest_here(tmp: Path, *args: str) -> int | pytest.ExitCode:
    """pytest on the demo casebook in this process (what the test patches applies), on the in-process bench."""
    (tmp / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    inner = ["-q", "-p", "no:cacheprovider", "-p", "no:textual-snapshot", "-c", str(tmp / "pytest.ini")]
    inner += ["--rootdir", str(tmp), "--casebook", str(DEMO), "--casebook-attestations", str(ATTESTATIONS)]
    inner += [*INPROCESS, "--casebook-lang", "en", "-k", "DEMO-FSE-001", *args]
    return pytest.main(inner)


def test_outputs_in_a_read_only_folder_are_refused_before_anything_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: a session there failed every case at its setup (« cannot write here » as each case's error); a
    report there ended the run in an INTERNALERROR traceback once every case had run."""
    ro = read_only(tmp_path / "ro", monkeypatch)
    for option, target in (("--casebook-session", ro / "s.tbsession"), ("--casebook-report", ro / "rep")):
        session = [] if option == "--casebook-session" else ["--casebook-session", str(tmp_path / "s.tbsession")]
        assert pytest_here(tmp_path, *session, option, str(target)) == pytest.ExitCode.USAGE_ERROR
        said = capsys.readouterr()
        assert f"{target}: cannot write here (read-only file system)" in said.err, said
        assert "INTERNALERROR" not in said.out + said.err and "passed" not in said.out, said
        assert not (tmp_path / "s.tbsession").exists()


def test_a_report_that_cannot_be_written_at_the_end_is_said_and_fails_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A disk that fills up while the exam book is built: said in the testbench section with the command that
    builds it from the session (kept), and pytest exits 1 though every case passed (``run`` exits 2) — before, an
    INTERNALERROR traceback."""
    import testbench.report.build as build

    def full(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(build, "build_report", full)
    session, report = tmp_path / "s.tbsession", tmp_path / "rep"
    code = pytest_here(tmp_path, "--casebook-session", str(session), "--casebook-report", str(report))
    said = capsys.readouterr()
    assert code == pytest.ExitCode.TESTS_FAILED, said
    assert "1 passed" in said.out and "INTERNALERROR" not in said.out + said.err, said
    assert f"{report}: cannot write (disk full); nothing was changed there" in said.out, said.out
    command = f"testbench report {session} -o {report} --lang en"
    assert f"the verdicts are recorded in the session; this command writes the report: {command}" in said.out
    assert session.is_file()


def test_a_report_folder_of_another_session_is_refused_as_run_refuses_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: the plugin replaced another session's exam book (perhaps signed) without a word, which ``run
    --report`` and ``report`` refuse (docs/reports.md)."""
    report = tmp_path / "rep"
    first = pytest_here(tmp_path, "--casebook-session", str(tmp_path / "a.tbsession"), "--casebook-report", str(report))
    assert first == 0
    before = (report / "report.json").read_bytes()
    capsys.readouterr()
    code = pytest_here(tmp_path, "--casebook-session", str(tmp_path / "b.tbsession"), "--casebook-report", str(report))
    said = capsys.readouterr()
    assert code == pytest.ExitCode.USAGE_ERROR, said
    assert f"{report}: this folder holds the report of another session" in said.err, said.err
    assert (report / "report.json").read_bytes() == before and not (tmp_path / "b.tbsession").exists()


def test_a_failure_with_two_deviations_lists_both_below_its_one_line(tmp_path: Path) -> None:
    """As ``run --junit`` (tests/test_junit_ci_outcomes.py): the summary line and ``--junitxml``'s message stay the
    case's one line (the first deviation, « (and 1 other deviation) »); its section and ``--junitxml``'s text say
    every deviation, one a line — before, the second was in the exam book alone."""
    two = two_deviations(tmp_path)
    done = pytest_ci(tmp_path, "--casebook", str(two), *INPROCESS, "-k", "DEMO-FSE-099", "--junitxml", "junit.xml")
    assert done.returncode == 1 and "1 failed" in done.stdout, done.stdout + done.stderr
    first = "e-base: expected €274.00, observed €273.00 (different)"
    second = "e-amo: expected €163.00, observed €163.80 (different)"
    failed = f"DEMO-FSE-099: failed — {first} (and 1 other deviation)"
    assert f"FAILED two.xml::DEMO-FSE-099 - {failed}\n" in done.stdout, done.stdout
    assert f"{failed}\n{first}\n{second}\n" in done.stdout, done.stdout  # the case's section
    for word in NO_PYTHON:
        assert word not in done.stdout, (word, done.stdout)
    assert junit_messages(tmp_path / "junit.xml") == {
        "DEMO-FSE-099": ("failure", failed, f"{failed}\n{first}\n{second}")
    }
