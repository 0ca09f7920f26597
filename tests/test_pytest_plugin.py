"""The pytest plugin: `pytest --casebook FILE` under pytest-xdist gives the serial run's report (issue 16 §5)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from shard_content import report_content
from sql_trace import levels, trace_sessions

from testbench.cli.main import main
from testbench.domain.verdict import Outcome
from testbench.integrity.manifest import SIGNATURE
from testbench.runner.runner import Runner
from testbench.store.read import read_session

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "casebooks" / "demo.xml"
ATTESTATIONS = ROOT / "casebooks" / "demo-attestations.json"


def pytest_in(tmp: Path, *args: str, lang: str | None = None) -> subprocess.CompletedProcess[str]:
    """pytest in a subprocess, in its own folder (no configuration of ours), ``TESTBENCH_LANG`` as given.

    In its own process group, as a terminal's command: a ^C it sends to its group stays in it; the
    folder is on its ``PYTHONPATH``, for a plugin of the test's (``-p``), workers included."""
    (tmp / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("TESTBENCH_LANG", "PYTEST_ADDOPTS")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(tmp), env.get("PYTHONPATH"))))
    if lang is not None:
        env["TESTBENCH_LANG"] = lang
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-c", str(tmp / "pytest.ini")]
    command += ["--rootdir", str(tmp), *args]
    return subprocess.run(
        command, cwd=tmp, env=env, capture_output=True, text=True, timeout=120, check=False, start_new_session=True
    )


def pytest_casebook(tmp: Path, *args: str, lang: str | None = None) -> subprocess.CompletedProcess[str]:
    """pytest on the demo casebook, on the in-process bench."""
    bench = ["--casebook-engine", "inprocess", "--casebook-cards", "inprocess"]
    return pytest_in(
        tmp, "--casebook", str(DEMO), "--casebook-attestations", str(ATTESTATIONS), *bench, *args, lang=lang
    )


def pytest_here(tmp: Path, *args: str) -> int | pytest.ExitCode:
    """pytest on the demo casebook in this process (what the test patches applies), on the in-process bench."""
    (tmp / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    inner = ["-q", "-p", "no:cacheprovider", "-p", "no:textual-snapshot", "-c", str(tmp / "pytest.ini")]
    inner += ["--rootdir", str(tmp), "--casebook", str(DEMO), "--casebook-attestations", str(ATTESTATIONS)]
    inner += ["--casebook-engine", "inprocess", "--casebook-cards", "inprocess"]
    inner += ["--casebook-session", str(tmp / "pytest.tbsession"), *args]
    return pytest.main(inner)


def test_the_plugin_commits_a_case_as_run_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A case's writes are one batch, its attempt's start committed with its first step: no synced commit
    per case (the plugin used to commit each attempt's start on its own, synced)."""
    statements = trace_sessions(monkeypatch)
    bench = ["--cards", "inprocess", "--engine", "inprocess", "--attestations", str(ATTESTATIONS)]
    assert main(["run", str(DEMO), "--session", str(tmp_path / "run.tbsession"), *bench]) == 1
    by_run = levels(statements, "COMMIT")
    statements.clear()
    assert pytest_here(tmp_path) == pytest.ExitCode.TESTS_FAILED  # in this process: its statements are traced
    by_plugin = levels(statements, "COMMIT")
    assert by_plugin.count("NORMAL") == by_run.count("NORMAL")  # the same batches: each step's end, each verdict
    assert by_plugin.count("FULL") <= by_run.count("FULL") < 22  # the run's own writes and the attestation


def test_each_case_is_told_the_next_one_to_ready_its_cards(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As ``run`` does, the bench readies the next case's cards while one runs (through pcscd: about 4 s of
    22 demo cases' card polling, 12-13 s → 8-10 s): the plugin tells each case the item that follows it."""
    told: list[tuple[str, str | None]] = []
    real = Runner.attempt

    def attempt(self: Runner, *args: Any) -> Outcome:
        case, upcoming = args[4], (args[5] if len(args) > 5 else None)
        told.append((case.id, upcoming[1].id if upcoming else None))
        return real(self, *args)

    monkeypatch.setattr(Runner, "attempt", attempt)
    selection = "DEMO-FSE-001 or DEMO-FSE-002 or DEMO-CARDS-001"
    assert pytest_here(tmp_path, "-k", selection) == pytest.ExitCode.OK
    assert told == [("DEMO-FSE-001", "DEMO-FSE-002"), ("DEMO-FSE-002", "DEMO-CARDS-001"), ("DEMO-CARDS-001", None)]


def test_the_demo_casebook_under_xdist_merges_into_the_serial_runs_report(tmp_path: Path) -> None:
    serial = tmp_path / "serial.tbsession"
    bench = ["--cards", "inprocess", "--engine", "inprocess", "--attestations", str(ATTESTATIONS)]
    assert main(["run", str(DEMO), "--session", str(serial), *bench]) == 1
    merged = tmp_path / "pytest.tbsession"
    done = pytest_casebook(tmp_path, "-n", "2", "--casebook-session", str(merged), "--casebook-lang", "en")
    assert done.returncode == 1, done.stdout + done.stderr  # the demo's one case that fails on purpose
    assert "1 failed, 21 passed" in done.stdout
    assert "DEMO-FSE-099: failed — e-amo: expected €163.00, observed €163.80 (different)" in done.stdout
    assert f"session: {merged}" in done.stdout
    assert not merged.with_name(merged.name + ".shards").exists()  # the workers' shards, once merged
    with read_session(merged) as s:
        assert len(json.loads(s.meta["merged_from"])) == 2  # each worker wrote its shard
    assert report_content(merged, tmp_path / "r-pytest") == report_content(serial, tmp_path / "r-serial")


def test_an_existing_session_is_refused_before_anything_runs(tmp_path: Path) -> None:
    session = tmp_path / "kept.tbsession"
    session.write_bytes(b"")
    done = pytest_casebook(tmp_path, "--casebook-session", str(session))
    assert done.returncode == 4  # pytest's usage error
    assert f"{session} : existe déjà ; choisissez un nouveau fichier de session" in done.stderr
    assert session.read_bytes() == b""


def test_a_report_path_that_is_a_file_is_refused_in_english(tmp_path: Path) -> None:
    (tmp_path / "report").write_text("", encoding="utf-8")
    done = pytest_casebook(tmp_path, "--casebook-report", "report", "--casebook-lang", "en")
    assert done.returncode == 4
    assert "report: this path is a file, not a folder" in done.stderr
    assert not (tmp_path / "casebook.tbsession").exists()


#: a test of the team's own, beside the casebooks
OTHER_TEST = """import sys


def test_other():
    assert False, sorted(m for m in sys.modules if m.split(".")[0] == "testbench")
"""


def test_each_case_is_an_item_of_its_casebook_and_alone_the_casebook_is_collected(tmp_path: Path) -> None:
    """docs/ci.md: ``casebooks/demo.xml::DEMO-FSE-001``, also in a checkout whose casebooks are a symlink
    (the item is named by the path as given); the folder's own tests are not collected."""
    (tmp_path / "casebooks").symlink_to(ROOT / "casebooks")
    (tmp_path / "test_other.py").write_text(OTHER_TEST, encoding="utf-8")
    done = pytest_in(tmp_path, "--casebook", "casebooks/demo.xml", "--collect-only", "-q")
    assert done.returncode == 0, done.stdout + done.stderr
    ids = [line for line in done.stdout.splitlines() if "::" in line]
    assert ids[0] == "casebooks/demo.xml::DEMO-FSE-001" and len(ids) == 22, done.stdout
    assert all(line.startswith("casebooks/demo.xml::DEMO-") for line in ids), ids


def test_k_selects_cases_among_the_given_tests_and_the_report_follows_testbench_lang(tmp_path: Path) -> None:
    """With paths given the casebooks join them; ``-k`` selects by case id; ``TESTBENCH_LANG`` is the
    default language; ``--casebook-report`` builds the exam book (unsigned) of the selected cases."""
    (tmp_path / "test_other.py").write_text(OTHER_TEST, encoding="utf-8")
    done = pytest_casebook(
        tmp_path,
        "test_other.py",
        "-k",
        "DEMO-FSE-001 or DEMO-FSE-099 or other",
        "--casebook-report",
        "report",
        lang="en",
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "2 failed, 1 passed, 20 deselected" in done.stdout
    assert "DEMO-FSE-099: failed — e-amo: expected €163.00, observed €163.80 (different)" in done.stdout
    assert "report: report/index.html" in done.stdout
    with read_session(tmp_path / "casebook.tbsession") as s:
        assert [(c.case_id, c.verdict) for c in s.cases] == [("DEMO-FSE-001", "pass"), ("DEMO-FSE-099", "fail")]
    data = json.loads((tmp_path / "report" / "report.json").read_text(encoding="utf-8"))
    assert sorted(c["key"]["case_id"] for c in data["cases"]) == ["DEMO-FSE-001", "DEMO-FSE-099"]
    assert '<html lang="en"' in (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    assert (tmp_path / "report" / "manifest.json").is_file()
    assert not (tmp_path / "report" / SIGNATURE).exists()  # unsigned: testbench report --sign signs it


def test_without_a_casebook_the_plugin_imports_no_layer_of_the_core(tmp_path: Path) -> None:
    """Installed, the plugin loads in every pytest run of the machine: without ``--casebook`` it only
    declares its options (in the person's language)."""
    (tmp_path / "test_other.py").write_text(OTHER_TEST, encoding="utf-8")
    done = pytest_in(tmp_path, "test_other.py", "-q")
    assert done.returncode == 1 and "1 failed" in done.stdout, done.stdout + done.stderr
    loaded = "['testbench', 'testbench.i18n', 'testbench.locale', 'testbench.pytest_plugin']"
    assert f"AssertionError: {loaded}" in done.stdout, done.stdout


def test_under_xdist_auto_cards_are_in_memory_and_a_worker_without_a_case_writes_no_shard(tmp_path: Path) -> None:
    """docs/ci.md: the readers of one pcscd are not shared between processes, so ``--casebook-cards auto``
    means in memory under pytest-xdist; a worker dealt no item leaves no shard, and the merge goes on."""
    merged = tmp_path / "pytest.tbsession"
    session = ["--casebook-session", str(merged)]
    done = pytest_in(
        tmp_path, "--casebook", str(DEMO), "--casebook-engine", "inprocess", "-n", "2", "-k", "DEMO-FSE-001", *session
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert not merged.with_name(merged.name + ".shards").exists()
    with read_session(merged) as s:
        assert [(c.case_id, c.verdict) for c in s.cases] == [("DEMO-FSE-001", "pass")]
        assert [run["options"]["cards"] for run in s.runs] == ["inprocess"]  # one worker ran, in memory
        assert len(json.loads(s.meta["merged_from"])) == 1


#: a plugin of the test's (``-p signal_after``): one worker sends itself, or its process group, a real
#: signal as its 4th item starts (3 cases committed); the controller notes the shards' records before
#: it merges them (tryfirst: before the testbench plugin's sessionfinish)
SIGNAL_AFTER = """import json, os, pathlib, signal

import pytest

SIGNAL, WORKER = os.environ["SIGNAL_AFTER"].split(":")
ran = 0


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item, nextitem):
    global ran
    # ``any``: the first worker at its 4th case (xdist may give a slow-starting worker fewer than four)
    if WORKER in ("any", getattr(item.config, "workerinput", {}).get("workerid")):
        if ran == 3:
            if SIGNAL == "KILL":
                os.kill(os.getpid(), signal.SIGKILL)
            os.killpg(os.getpgrp(), signal.SIGINT)  # ^C at a terminal: the whole group
        ran += 1


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session):
    if hasattr(session.config, "workerinput"):
        return
    from testbench.store.merge import input_meta
    from testbench.store.read import SHARD_META

    folder = pathlib.Path(session.config.getoption("casebook_session")).resolve()
    shards = sorted(folder.with_name(folder.name + ".shards").glob("*.tbsession"))
    # a shard a ^C caught before its meta was written has none yet: the plugin's merge leaves it out too
    records = {p.name: json.loads(v) for p, (_, v) in zip(shards, input_meta(shards, SHARD_META)) if v}
    done = {name: [r["index"], r["count"]] for name, r in records.items()}
    pathlib.Path("shards-seen.json").write_text(json.dumps(done))
"""


def committed(session: Path) -> dict[str, str]:
    """Each case's verdict in ``session``, for the cases that have one (a case run to its end)."""
    with read_session(session) as s:
        return {c.case_id: c.verdict for c in s.cases if c.verdict != "none"}


def signal_after(
    tmp: Path, signal: str, monkeypatch: pytest.MonkeyPatch, *args: str
) -> subprocess.CompletedProcess[str]:
    """The demo casebook under pytest-xdist, ``signal`` = ``KILL:gw0`` or ``INT:any``: the signal, and the
    worker that sends it at its 4th case (``any``: the first to get there)."""
    (tmp / "signal_after.py").write_text(SIGNAL_AFTER, encoding="utf-8")
    monkeypatch.setenv("SIGNAL_AFTER", signal)  # the subprocess and its workers inherit it
    return pytest_casebook(tmp, "-p", "signal_after", *args)


def test_a_killed_workers_cases_are_merged_and_its_replacement_retries_its_shard(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """kill -9 of the one xdist worker after 3 committed cases: its shard file is a valid session and is
    merged with its replacement's (the plugin used to merge only the shards of workers that ended well,
    then delete the whole folder); the replacement, which runs the other cases, takes the dead worker's
    number, 1/1 (was 2/1: gw1's)."""
    merged = tmp_path / "pytest.tbsession"
    done = signal_after(tmp_path, "KILL:gw0", monkeypatch, "-n", "1", "--casebook-session", str(merged))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "replacing crashed worker gw0" in done.stdout, done.stdout
    seen = json.loads((tmp_path / "shards-seen.json").read_text(encoding="utf-8"))
    assert seen == {"gw0.tbsession": [1, 1], "gw1.tbsession": [1, 1]}  # a replacement retries the shard
    assert not merged.with_name(merged.name + ".shards").exists()  # every shard merged, then removed
    verdicts = committed(merged)
    crashed = re.search(r"worker 'gw0' crashed while running '[^']*::([\w-]+)'", done.stdout)
    assert crashed, done.stdout
    assert crashed[1] not in verdicts and len(verdicts) == 21  # every case pytest saw end, the dead worker's too
    with read_session(merged) as s:
        assert len(json.loads(s.meta["merged_from"])) == 2
        assert sum(len(c.attempts) for c in s.cases) == 21


def test_after_a_ctrl_c_under_xdist_the_shards_stay_and_the_said_command_merges_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """^C to the whole process group under xdist: nothing is merged behind the person's back, the
    shards stay with their committed cases, the summary gives the ``testbench merge`` command, and that
    command gathers them; the next pytest run on the session is refused with the same command."""
    merged = tmp_path / "pytest.tbsession"
    done = signal_after(tmp_path, "INT:any", monkeypatch, "-n", "2", "--casebook-session", str(merged))
    assert done.returncode == pytest.ExitCode.INTERRUPTED, done.stdout + done.stderr
    shards = merged.with_name(merged.name + ".shards")
    kept = sorted(shards.glob("*.tbsession"))
    assert kept and not merged.exists()
    ran = {case: verdict for shard in kept for case, verdict in committed(shard).items()}
    assert len(ran) >= 3, ran  # the signalling worker's three cases at least
    said = re.search(r"partitions conservées dans (\S+) ; pour les fusionner : (testbench merge .*)", done.stdout)
    assert said and said[1] == str(shards), done.stdout
    again = pytest_casebook(tmp_path, "--casebook-session", str(merged))
    assert again.returncode == pytest.ExitCode.USAGE_ERROR
    assert f"{shards} : partitions d'une exécution interrompue ; pour les fusionner : {said[2]}" in again.stderr
    command = said[2].replace("testbench", str(Path(sys.executable).with_name("testbench")), 1)
    merge = subprocess.run(["bash", "-c", command], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert merge.returncode == 0, merge.stdout + merge.stderr
    assert committed(merged) == ran  # every committed case of every shard


def test_xdist_without_n_merges_the_workers_shards(tmp_path: Path) -> None:
    """``--tx 2*popen --dist load`` distributes as ``-n 2`` does (the plugin used to look at ``-n`` only:
    no session was written and the shards stayed)."""
    merged = tmp_path / "pytest.tbsession"
    selection = "DEMO-FSE-001 or DEMO-FSE-002 or DEMO-CARDS-001"
    done = pytest_casebook(
        tmp_path, "--tx", "2*popen", "--dist", "load", "-k", selection, "--casebook-session", str(merged)
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert not merged.with_name(merged.name + ".shards").exists()
    assert committed(merged) == {"DEMO-FSE-001": "pass", "DEMO-FSE-002": "pass", "DEMO-CARDS-001": "pass"}


def test_a_missing_session_folder_is_refused_unless_asked_for(tmp_path: Path) -> None:
    """As ``run`` and ``merge``: a session folder that is not there (a drive not mounted) is refused before
    anything runs; ``--casebook-create-dirs`` creates it (the plugin used to create it silently)."""
    session = tmp_path / "missing" / "deeper" / "pytest.tbsession"
    done = pytest_casebook(tmp_path, "-k", "DEMO-FSE-001", "--casebook-session", str(session), lang="en")
    assert done.returncode == pytest.ExitCode.USAGE_ERROR, done.stdout + done.stderr
    assert f"{session.parent}: folder not found (a drive not mounted?); the session was not created." in done.stderr
    assert "add --casebook-create-dirs to create this folder" in done.stderr
    assert not (tmp_path / "missing").exists()
    done = pytest_casebook(tmp_path, "-k", "DEMO-FSE-001", "--casebook-session", str(session), "--casebook-create-dirs")
    assert done.returncode == 0, done.stdout + done.stderr
    assert committed(session) == {"DEMO-FSE-001": "pass"}


FAULTY = ROOT / "tests" / "data" / "engines" / "faulty_reference.py"


def junit_cases(path: Path) -> dict[str, str]:
    """Each testcase's name and what it holds: failure, error, skipped, or passed."""
    from lxml import etree

    out = {}
    for case in etree.parse(str(path)).iter("testcase"):
        kinds = [child.tag for child in case if child.tag in ("failure", "error", "skipped")]
        out[case.get("name")] = kinds[0] if kinds else "passed"
    return out


def test_a_bench_fault_is_a_pytest_error_and_a_product_failure_a_pytest_failure(tmp_path: Path) -> None:
    """README's promise, here too: pytest's summary and JUnit count the product's failures (« échec ») — an
    external engine that crashed is the product's (runner.blame) — apart from the bench's faults — a case left
    pending — as ``run``'s exit codes do (1 and 2)."""
    engine = f"{sys.executable} {FAULTY} --crash-once create_invoice --marker {tmp_path / 'crashed'}"
    selection = "DEMO-FSE-001 or DEMO-FSE-002 or DEMO-FSE-030 or DEMO-FSE-099"
    done = pytest_in(
        tmp_path,
        *("--casebook", str(DEMO), "--casebook-cards", "inprocess", "--casebook-engine", engine),
        *("-k", selection, "--junitxml", "junit.xml", "-rA"),  # no attestations: the manual step waits
        lang="en",
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "2 failed, 1 passed, 18 deselected, 1 error" in done.stdout, done.stdout
    assert junit_cases(tmp_path / "junit.xml") == {
        "DEMO-FSE-001": "failure",  # the external engine crashed: the product's fault
        "DEMO-FSE-002": "passed",  # the next case had a fresh engine
        "DEMO-FSE-030": "error",  # pending: a manual step nobody attested
        "DEMO-FSE-099": "failure",  # the product's failure
    }
    assert "DEMO-FSE-001: failed — engine defect (stopped or internal error)" in done.stdout, done.stdout
    assert "DEMO-FSE-099: failed — e-amo: expected €163.00, observed €163.80 (different)" in done.stdout
    assert "Traceback" not in done.stdout


def test_an_engine_that_never_starts_fails_every_case_within_the_given_engine_timeout(tmp_path: Path) -> None:
    """An external engine that never answers ``initialize``: the product fails every case (runner.blame), after
    ``--casebook-engine-timeout`` (run's ``--engine-timeout``), not its default of 10 s twice."""
    hang = tmp_path / "hang.py"
    hang.write_text("import sys, time\nsys.stdin.readline()\ntime.sleep(60)\n", encoding="utf-8")
    engine = f"{sys.executable} {hang}"
    bench = ["--casebook-engine", engine, "--casebook-engine-timeout", "0.5", "--casebook-cards", "inprocess"]
    done = pytest_in(tmp_path, "--casebook", str(DEMO), *bench, "-k", "DEMO-FSE-001 or DEMO-FSE-002", lang="fr")
    assert done.returncode == 1 and "2 failed" in done.stdout, done.stdout + done.stderr
    assert "défaut du moteur (démarrage) : le moteur n'a pas démarré" in done.stdout, done.stdout
    assert "pas de réponse en 0,5 s" in done.stdout and "error" not in done.stdout, done.stdout


def test_an_engine_timeout_that_is_not_positive_is_refused(tmp_path: Path) -> None:
    done = pytest_in(tmp_path, "--casebook", str(DEMO), "--casebook-engine-timeout", "0", lang="en")
    assert done.returncode == pytest.ExitCode.USAGE_ERROR, done.stdout + done.stderr
    assert "--casebook-engine-timeout: “0” is not a positive number of seconds" in done.stderr, done.stderr


def test_without_a_named_session_each_run_writes_a_new_one_and_says_which(tmp_path: Path) -> None:
    """pytest's loop — the same command again, ``--lf``, ``--ff`` — goes on: before, the second run was refused
    (« casebook.tbsession : existe déjà », exit 4). A session the person names is still refused if it exists
    (test_an_existing_session_is_refused_before_anything_runs). Under xdist the workers' shards are the new one's."""
    first = pytest_casebook(tmp_path, "-k", "DEMO-FSE-001")
    assert first.returncode == 0, first.stdout + first.stderr
    assert f"session : {tmp_path / 'casebook.tbsession'}\n" in first.stdout, first.stdout
    again = pytest_casebook(tmp_path, "-k", "DEMO-FSE-001")
    assert again.returncode == 0, again.stdout + again.stderr
    said = f"session : {tmp_path / 'casebook-2.tbsession'} (nouveau fichier : casebook.tbsession existe déjà)"
    assert said in again.stdout, again.stdout
    spread = pytest_casebook(tmp_path, "-k", "DEMO-FSE-001 or DEMO-FSE-002", "-n", "2")
    assert spread.returncode == 0, spread.stdout + spread.stderr
    assert f"session : {tmp_path / 'casebook-3.tbsession'} (nouveau fichier" in spread.stdout, spread.stdout
    assert committed(tmp_path / "casebook.tbsession") == committed(tmp_path / "casebook-2.tbsession")
    assert committed(tmp_path / "casebook-3.tbsession") == {"DEMO-FSE-001": "pass", "DEMO-FSE-002": "pass"}
    assert not list(tmp_path.glob("*.shards"))  # the workers wrote the new session's shards, merged


def test_xdist_stopped_at_maxfail_merges_its_shards_and_writes_the_report(tmp_path: Path) -> None:
    """``-n 2 -x``: xdist stops its workers at the first failure and ends « interrupted », but each worker finished
    its case and closed its shard — a normal end, as serial ``-x``: before, no session and no report, the shards
    kept with a ``testbench merge`` hint as after a ^C."""
    merged, report = tmp_path / "pytest.tbsession", tmp_path / "exam-report"
    args = ["-n", "2", "-x", "--casebook-session", str(merged), "--casebook-report", str(report)]
    done = pytest_casebook(tmp_path, *args)
    assert "stopping after 1 failures" in done.stdout, done.stdout + done.stderr  # xdist's own words, exit 2
    assert "partitions conservées" not in done.stdout, done.stdout
    assert f"session : {merged}\n" in done.stdout and (report / "index.html").is_file(), done.stdout
    assert not merged.with_name(merged.name + ".shards").exists()
    verdicts = committed(merged)
    assert verdicts["DEMO-FSE-099"] == "fail" and set(verdicts.values()) == {"pass", "fail"}, verdicts
