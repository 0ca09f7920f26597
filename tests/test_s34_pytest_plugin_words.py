"""``pytest --casebook``'s words, as ``run``'s: real pytest (and ``testbench run``) subprocesses.

- Two values the redaction hid say how they differ (« (2 characters out of 15 differ) »), as ``run --junit`` says it
  (Scrubber.noted, one owner): the case's section, pytest's summary line and ``--junitxml``, serial and ``-n 2``.
- ``--casebook-no-redact`` warns that pytest's output and JUnit are not redacted, not « the report » (the exam book
  it builds is anonymised).
- A cancel while the cases run (SIGTERM) ends « interrupted », never pytest's ``KeyboardInterrupt`` and the plugin's
  file and line; exit 2, the JUnit written, the merge command under xdist.
- A missing ``casebooks/demo.xml`` (outside a clone) gets ``run``'s hint of the bundled copy.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_pytest_plugin_outcomes import INPROCESS, ROOT, junit_messages, pytest_ci
from test_pytest_plugin_redaction import SELECTION, personal_casebook

from testbench.paths import CASEBOOKS_DIR


def cli_en(cwd: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("TESTBENCH_SIGNING_KEY",)}
    env |= {"TESTBENCH_LANG": "en", "HOME": str(cwd), "XDG_DATA_HOME": "", "XDG_CONFIG_HOME": ""}
    command = [sys.executable, "-m", "testbench", *map(str, args)]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=180, check=False)


@pytest.fixture(scope="module")
def run_junit(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, str, str]]:
    """``testbench run --junit`` of the two failing cases: the words the plugin is to say."""
    folder = tmp_path_factory.mktemp("run-junit")
    casebook = personal_casebook(folder)
    done = cli_en(folder, "run", casebook, "--session", "s.tbsession", *("--cards", "inprocess"),
                        *("--engine", "inprocess"), *SELECTION, "--junit", "run.xml")  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    return junit_messages(folder / "run.xml")


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["serial", "xdist"])
def test_hidden_values_say_how_they_differ_as_run_junit_does(
    tmp_path: Path, workers: list[str], run_junit: dict[str, tuple[str, str, str]]
) -> None:
    """Before: « e-nir: expected ‹NIR›, observed ‹NIR› (different) » alone, where run's JUnit adds « (2 characters
    out of 15 differ) » and « (another name) »."""
    casebook = personal_casebook(tmp_path)
    done = pytest_ci(tmp_path, "--casebook", str(casebook), *INPROCESS, *SELECTION, "--junitxml", "junit.xml", *workers)
    assert done.returncode == 1 and "2 failed" in done.stdout, done.stdout + done.stderr
    said = junit_messages(tmp_path / "junit.xml")
    assert sorted(said) == sorted(run_junit) == ["DEMO-FSE-001", "DEMO-FSE-002"]
    notes = 0
    for case, (_, message, text) in run_junit.items():
        notes += message.count(" differ)") + text.count(" differ)") + text.count("(another name)")
        kind, pytest_message, pytest_text = said[case]
        assert kind == "failure"
        assert pytest_message == f"{case}: failed — {message}", (pytest_message, message)
        for line in text.splitlines():  # every deviation, one a line, with its note
            assert line in pytest_text.splitlines(), (line, pytest_text)
            assert line in done.stdout.splitlines(), (line, done.stdout)  # the case's section
        assert f"FAILED personal.xml::{case} - {case}: failed — {message}" in done.stdout, done.stdout
    assert notes >= 4, run_junit  # each case: a NIR and a name, each with its note


def test_no_redact_says_pytest_output_and_junit_not_the_report(tmp_path: Path) -> None:
    """Before: « ATTENTION rapport NON anonymisé (--casebook-no-redact) » while the book built is anonymised."""
    done = pytest_ci(tmp_path, "--casebook", "casebooks/demo.xml", *INPROCESS, "-k", "DEMO-FSE-001",
                     "--casebook-report", "book", "--casebook-no-redact", "--casebook-lang", "fr")  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("ATTENTION sortie de pytest et JUnit NON anonymisées (--casebook-no-redact)") == 1
    assert "rapport NON" not in done.stdout, done.stdout
    assert json.loads((tmp_path / "book" / "report.json").read_text(encoding="utf-8"))["redaction"]["enabled"] is True
    english = pytest_ci(tmp_path, "--casebook", "casebooks/demo.xml", *INPROCESS, "-k", "DEMO-FSE-001",
                        "--casebook-session", "en.tbsession", "--casebook-no-redact")  # fmt: skip
    assert english.stdout.count("WARNING: pytest's output and JUnit NOT redacted (--casebook-no-redact)") == 1
    assert "report NOT" not in english.stdout, english.stdout


#: a plugin of the test's (``-p cancel_after``): as the 4th case of the process starts, a CI's cancel (SIGTERM) to
#: pytest — from the first xdist worker, to the controller that started it
CANCEL_AFTER = """import os, signal

import pytest

ran = 0


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item, nextitem):
    global ran
    worker = getattr(item.config, "workerinput", None)
    if ran == 3 and (worker is None or worker["workerid"] == "gw0"):
        os.kill(os.getppid() if worker else os.getpid(), signal.SIGTERM)
    ran += 1
"""


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["serial", "xdist"])
def test_a_cancel_while_the_cases_run_says_interrupted_and_no_python_location(
    tmp_path: Path, workers: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: « !!! KeyboardInterrupt !!! », « …/testbench/interrupts.py:52: KeyboardInterrupt » and pytest's
    « (to show a full traceback on KeyboardInterrupt use --full-trace) »."""
    (tmp_path / "cancel_after.py").write_text(CANCEL_AFTER, encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, (str(tmp_path), os.environ.get("PYTHONPATH")))))
    done = pytest_ci(tmp_path, "-p", "cancel_after", "--casebook", "casebooks/demo.xml", *INPROCESS,
                     "--casebook-session", "s.tbsession", "--junitxml", "junit.xml", *workers)  # fmt: skip
    out = done.stdout + done.stderr
    assert done.returncode == pytest.ExitCode.INTERRUPTED, out
    for python in ("KeyboardInterrupt", "interrupts.py", "--full-trace", "Traceback"):
        assert python not in out, (python, out)
    assert " interrupted !!!" in done.stdout, done.stdout  # pytest's closing line, in words
    section = done.stdout.split(" testbench ", 1)[1]
    assert section.splitlines()[1] == "interrupted", section
    assert (tmp_path / "junit.xml").is_file()
    if workers:
        assert "testbench merge " in section and "--allow-unfinished" in section, section


def test_a_casebook_testbench_bundles_is_pointed_at_as_run_does(tmp_path: Path) -> None:
    """Before: « casebooks/demo.xml:1:1: file not found » alone, where ``run`` names the bundled copy."""
    (tmp_path / "casebooks").mkdir()  # a project's own casebooks folder, without the demo
    hint = f"casebooks/demo.xml: testbench bundles a file of that name, {CASEBOOKS_DIR / 'demo.xml'}; give that path"
    ran = cli_en(tmp_path, "run", "casebooks/demo.xml", "--session", "s.tbsession")
    assert ran.returncode == 3 and f"testbench run: {hint}" in ran.stderr.splitlines(), ran.stderr
    done = pytest_ci(tmp_path, "--casebook", "casebooks/demo.xml")
    assert done.returncode == pytest.ExitCode.USAGE_ERROR, done.stdout + done.stderr
    assert "casebooks/demo.xml:1:1: file not found" in done.stderr and hint in done.stderr.splitlines(), done.stderr
    attestations = pytest_ci(tmp_path, "--casebook", str(ROOT / "casebooks" / "demo.xml"),
                             "--casebook-attestations=casebooks/demo-attestations.json")  # fmt: skip
    assert attestations.returncode == pytest.ExitCode.USAGE_ERROR, attestations.stdout + attestations.stderr
    bundled = CASEBOOKS_DIR / "demo-attestations.json"
    assert (
        f"casebooks/demo-attestations.json: testbench bundles a file of that name, {bundled}; give that path"
        in attestations.stderr.splitlines()
    ), attestations.stderr
