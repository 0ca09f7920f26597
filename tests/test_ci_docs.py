"""docs/ci.md: the GitHub Actions and GitLab CI definitions, read as YAML, work (issue 16 §5).

Their ``testbench`` commands run in order with the matrix's variables filled in; what a hosted runner
needs is there (the PC/SC headers pyscard builds against, before ``pip install .``); each shard uploads
its session with its ``-wal`` (a killed job's committed cases), under a name of its own per attempt.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from testbench.store.read import read_session

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "ci.md"
SHARDS = 2  # the matrix, smaller than the documented one
#: the shard jobs the pipeline test runs: (shard, attempt); shard 1 is retried (a CI re-run)
JOBS = [(1, 1), (2, 1), (1, 2)]


def definitions() -> dict[str, dict[str, Any]]:
    blocks = re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    parsed = [yaml.safe_load(block) for block in blocks]
    return {"github" if "jobs" in d else "gitlab": d for d in parsed}


def jobs(ci: str) -> dict[str, dict[str, Any]]:
    definition = definitions()[ci]
    if ci == "github":
        return dict(definition["jobs"])
    return {name: job for name, job in definition.items() if isinstance(job, dict) and "script" in job}


def shell(ci: str, job: str) -> list[str]:
    """The job's shell lines, in order (GitLab: the default ``before_script``, then its ``script``)."""
    if ci == "github":
        return [line for step in jobs(ci)[job]["steps"] if "run" in step for line in step["run"].splitlines()]
    default = definitions()[ci].get("default", {})
    return [*jobs(ci)[job].get("before_script", default.get("before_script", [])), *jobs(ci)[job]["script"]]


def expand(ci: str, text: str, shard: int = 1, attempt: int = 1) -> str:
    """``text`` with the CI's variables of that job filled in; an unknown variable fails the test."""
    if ci == "github":
        values = {"matrix.shard": shard, "strategy.job-total": SHARDS, "github.run_attempt": attempt}
        return re.sub(r"\$\{\{\s*([\w.-]+)\s*\}\}", lambda m: str(values[m[1]]), text)
    job_id = 1000 * attempt + shard  # every GitLab job has its own id, a retry too
    values = {"CI_NODE_INDEX": shard, "CI_NODE_TOTAL": SHARDS, "CI_JOB_ID": job_id}
    return re.sub(r"\$\{?(CI_\w+)\}?", lambda m: str(values[m[1]]), text)


def commands(ci: str, job: str, shard: int = 1, attempt: int = 1) -> list[str]:
    return [expand(ci, line, shard, attempt) for line in shell(ci, job) if line.startswith("testbench ")]


def session_of(ci: str, shard: int, attempt: int) -> str:
    (run,) = [line for line in commands(ci, "shard", shard, attempt) if line.startswith("testbench run ")]
    found = re.search(r"--session (\S+)", run)
    assert found, run
    return found[1]


def uploaded(ci: str, shard: int, attempt: int) -> list[str]:
    """The shard job's upload patterns, and (GitHub) the artifact's name first."""
    job = jobs(ci)["shard"]
    if ci == "github":
        (step,) = [s for s in job["steps"] if str(s.get("uses", "")).startswith("actions/upload-artifact")]
        assert step.get("if") == "always()"  # a failing case's shard uploads its session too
        return [expand(ci, line, shard, attempt) for line in (step["with"]["name"], *step["with"]["path"].splitlines())]
    assert job["artifacts"]["when"] == "always"
    return ["", *(expand(ci, line, shard, attempt) for line in job["artifacts"]["paths"])]


@pytest.mark.parametrize("ci", ["github", "gitlab"])
def test_the_documented_pipeline_runs_and_its_report_verifies(ci: str, tmp_path: Path) -> None:
    """Two shards, the first one retried: the retry's session has its own name, the merge keeps both
    tries (« réussi à la 2e tentative »), the signed report verifies."""
    (tmp_path / "casebooks").symlink_to(ROOT / "casebooks")  # the repository's checkout
    key = tmp_path / "signer.pem"
    env = {k: v for k, v in os.environ.items() if k != "TESTBENCH_LANG"}
    env["PATH"] = f"{ROOT / '.venv' / 'bin'}{os.pathsep}{env['PATH']}"
    env["TESTBENCH_SIGNING_KEY"] = str(key)  # the CI's secret
    subprocess.run(["testbench", "keys", "init"], env=env, cwd=tmp_path, check=True, capture_output=True)
    ran = []
    for job, runs in (("shard", JOBS), ("report", [(1, 1)])):
        for shard, attempt in runs:
            for command in commands(ci, job, shard, attempt):
                done = subprocess.run(
                    ["bash", "-c", command], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120
                )
                # the shard with the demo's case that fails on purpose exits 1; everything else must succeed
                assert done.returncode in ((0, 1) if job == "shard" else (0,)), f"{command}\n{done.stdout}{done.stderr}"
                ran.append(command.split()[1])
    assert ran == ["run"] * len(JOBS) + ["merge", "report", "verify"]
    assert "INTÈGRE" in done.stdout and "NON SIGNÉ" not in done.stdout  # the last command: verify
    assert (tmp_path / "junit.xml").is_file()
    sessions = {session_of(ci, shard, attempt) for shard, attempt in JOBS}
    assert len(sessions) == len(JOBS) and all((tmp_path / name).is_file() for name in sessions)
    with read_session(tmp_path / "campaign.tbsession") as s:
        assert len(json.loads(s.meta["merged_from"])) == len(JOBS)  # the retry beside its first try
        tries = {c.case_id: len(c.attempts) for c in s.cases}
    assert set(tries.values()) == {1, 2} and len(tries) == 22  # shard 1's cases twice, shard 2's once


@pytest.mark.parametrize("ci", ["github", "gitlab"])
def test_every_job_installs_the_pcsc_headers_before_pip_install(ci: str) -> None:
    """pyscard has no Linux wheel on PyPI: pip builds it against libpcsclite-dev, found by pkg-config."""
    for name in jobs(ci):
        lines = shell(ci, name)
        pip = lines.index("pip install .")
        apt = [i for i, line in enumerate(lines[:pip]) if re.search(r"apt-get install\b", line)]
        assert apt, f"{ci} {name}: no apt-get install before pip install ."
        packages = lines[apt[-1]].split("apt-get install", 1)[1].split()
        assert {"libpcsclite-dev", "pkg-config"} <= set(packages), lines[apt[-1]]


@pytest.mark.parametrize("ci", ["github", "gitlab"])
def test_each_shard_uploads_its_session_and_wal_under_a_name_of_its_own_per_attempt(ci: str) -> None:
    """A killed shard job's committed cases may be in the session's -wal: it is uploaded too. A retry
    writes another file (and, on GitHub, another artifact: upload-artifact refuses a name twice in a run)."""
    for shard, attempt in JOBS:
        session = session_of(ci, shard, attempt)
        patterns = uploaded(ci, shard, attempt)[1:]
        for name in (session, f"{session}-wal"):
            assert any(fnmatch.fnmatch(name, p) for p in patterns), (name, patterns)
    assert session_of(ci, 1, 1) != session_of(ci, 1, 2)
    assert uploaded(ci, 1, 1)[0] != uploaded(ci, 1, 2)[0] or ci == "gitlab"
    merge = [line for line in commands(ci, "report") if line.startswith("testbench merge ")]
    (inputs,) = [re.search(r"testbench merge (\S+)", line)[1] for line in merge]  # type: ignore[index]
    assert all(fnmatch.fnmatch(session_of(ci, s, a), inputs) for s, a in JOBS)  # both tries reach the merge


def test_the_merge_and_report_job_runs_even_when_a_shard_failed() -> None:
    """A failing case makes its shard's job fail; the report job must still run, on every shard's session
    (the failure is what the report must show)."""
    github = jobs("github")
    assert set(github) == {"shard", "report"}
    assert github["report"]["needs"] == "shard" and github["report"]["if"] == "always()"
    assert github["shard"]["strategy"]["fail-fast"] is False  # one failing shard does not cancel the others
    gitlab = jobs("gitlab")
    assert {"shard", "report"} <= set(gitlab)
    assert gitlab["report"]["when"] == "always" and gitlab["report"]["needs"] == ["shard"]


def test_the_report_jobs_artifact_is_re_run_safe() -> None:
    """« Re-run failed jobs » runs the report job again in the same workflow run: upload-artifact@v4 refuses a name
    already uploaded there (409), so a fixed « exam-report » never published the merged report with the retry.
    Each attempt's name is its own (or the step overwrites, ``overwrite: true``)."""
    (step,) = [s for s in jobs("github")["report"]["steps"] if str(s.get("uses", "")).startswith("actions/upload-art")]
    assert step.get("if") == "always()"
    names = {expand("github", step["with"]["name"], attempt=attempt) for attempt in (1, 2)}
    assert len(names) == 2 or step["with"].get("overwrite") is True, step
    shards = {uploaded("github", 1, 1)[0], uploaded("github", 1, 2)[0]}
    assert not names & shards and not any(fnmatch.fnmatch(n, "shard-*") for n in names)  # not merged as a shard


def gitlab_section() -> str:
    text = DOC.read_text(encoding="utf-8")
    return text[text.index("## GitLab CI") : text.index("## The pytest plugin")]


def test_gitlabs_signing_key_is_a_file_variable_gitlab_can_hold(tmp_path: Path) -> None:
    """GitLab refuses to mask a PEM (spaces, several lines): the doc said « (protected, masked) ». It says a protected
    File variable, not masked — or the key's Base64 in a masked variable, decoded by the job: those lines, run,
    give the key ``testbench report --sign`` signs with."""
    section = gitlab_section()
    assert "(protected, masked)" not in section and "**not masked**" in section
    (decode,) = [b for b in re.findall(r"```sh\n(.*?)```", section, re.S) if "TESTBENCH_SIGNING_KEY_B64" in b]
    env = {k: v for k, v in os.environ.items() if k != "TESTBENCH_LANG"}
    env["PATH"] = f"{ROOT / '.venv' / 'bin'}{os.pathsep}{env['PATH']}"
    key = tmp_path / "signer.pem"
    subprocess.run(["testbench", "keys", "init", "--key", str(key)], env=env, check=True, capture_output=True)
    env["TESTBENCH_SIGNING_KEY_B64"] = subprocess.run(
        ["base64", "-w0", str(key)], check=True, capture_output=True, text=True
    ).stdout
    assert re.fullmatch(r"[A-Za-z0-9+/=]{8,}", env["TESTBENCH_SIGNING_KEY_B64"])  # what GitLab can mask
    expected = subprocess.run(["testbench", "keys", "show", "--key", str(key)], env=env, capture_output=True, text=True)
    shown = subprocess.run(
        ["bash", "-ec", f'{decode}\ntest "$(stat -c %a "$TESTBENCH_SIGNING_KEY")" = 600\ntestbench keys show'],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert shown.returncode == 0 and expected.returncode == 0, shown.stderr + expected.stderr
    assert shown.stdout == expected.stdout and shown.stdout.strip()
